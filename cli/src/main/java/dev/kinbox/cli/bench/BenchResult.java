package dev.kinbox.cli.bench;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The figures of one measured subject, in the order they are printed. Values are numbers, strings,
 * booleans or nested maps of those (e.g. {@code {"p50": .., "p99": ..}}); the keys are the JSON keys
 * documented for the target.
 */
public record BenchResult(String subject, Map<String, Object> figures) {
    public BenchResult {
        figures = Collections.unmodifiableMap(new LinkedHashMap<>(figures));
    }

    /** A builder that keeps insertion order. */
    public static Builder of(String subject) {
        return new Builder(subject);
    }

    public static final class Builder {
        private final String subject;
        private final Map<String, Object> figures = new LinkedHashMap<>();

        private Builder(String subject) {
            this.subject = subject;
        }

        public Builder put(String key, Object value) {
            figures.put(key, value);
            return this;
        }

        public Builder percentiles(String key, double p50, double p99) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("p50", p50);
            m.put("p99", p99);
            figures.put(key, m);
            return this;
        }

        public BenchResult build() {
            return new BenchResult(subject, figures);
        }
    }
}
