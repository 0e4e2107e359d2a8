package dev.kinbox.cli.sim;

import dev.kinbox.simulator.workload.WorkloadOptions;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parsing of {@code kinbox simulate}'s values: durations ({@code 90s}, {@code 2m}, {@code 12h}, {@code 30d}), ranges
 * ({@code 2-5}, {@code 3}), device count distributions ({@code 2:40,3:30,4:20,5:10}) and edit mixes ({@code 5:2:3}).
 */
public final class SimArgs {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");
    private static final Pattern RANGE = Pattern.compile("(\\d{1,3})(?:-(\\d{1,3}))?");
    private static final Pattern WEIGHT = Pattern.compile("(\\d{1,3}):(\\d{1,7})");
    private static final Pattern MIX = Pattern.compile("(\\d{1,4}):(\\d{1,4}):(\\d{1,4})");

    /** An inclusive range of device counts. */
    private record Range(int min, int max) {}

    private SimArgs() {}

    /** {@link IllegalArgumentException} naming {@code option} for anything else. */
    public static Duration duration(String option, String text) {
        Matcher m = DURATION.matcher(text == null ? "" : text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) throw new IllegalArgumentException(option + " must look like 500ms, 90s, 2m, 12h or 30d, not '" + text + "'");
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** Relative weights of setting changes, new contacts and contact field changes ({@code 5:2:3}), each 0..1000, not all 0. */
    public static WorkloadOptions.EditMix editMix(String option, String text) {
        Matcher m = MIX.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(option + " must be three weights SETTINGS:CONTACTS:FIELDS like 5:2:3, not '" + text + "'");
        }
        try {
            return new WorkloadOptions.EditMix(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage() + ", not '" + text + "'", e);
        }
    }

    private static Range range(String option, String text) {
        Matcher m = RANGE.matcher(text == null ? "" : text.trim());
        if (!m.matches()) throw new IllegalArgumentException(option + " must be a count or a range like 2-5, not '" + text + "'");
        int min = Integer.parseInt(m.group(1));
        int max = m.group(2) == null ? min : Integer.parseInt(m.group(2));
        if (min < 1 || max < min) throw new IllegalArgumentException(option + " must be a range 1 <= min <= max, not '" + text + "'");
        return new Range(min, max);
    }

    /**
     * Device counts drawn from {@code min..max}: uniformly when {@code weights} is empty, else with
     * one relative weight per count from {@code min} to {@code max} (0 for a count not listed).
     */
    public record Devices(int min, int max, List<Integer> weights) {
        public Devices {
            weights = List.copyOf(weights);
        }
    }

    /**
     * A count ({@code 3}), a range drawn uniformly ({@code 2-5}), or a distribution of counts and
     * relative weights ({@code 2:40,3:30,4:20,5:10}; counts 1..64 once each, weights 1..1000000).
     */
    public static Devices devices(String option, String text) {
        String t = text == null ? "" : text.trim();
        if (!t.contains(":")) {
            Range r = range(option, t);
            return new Devices(r.min(), r.max(), List.of());
        }
        java.util.TreeMap<Integer, Integer> weights = new java.util.TreeMap<>();
        for (String part : t.split(",", -1)) {
            Matcher m = WEIGHT.matcher(part.trim());
            if (!m.matches()) {
                throw new IllegalArgumentException(option + " must be a count, a range like 2-5 or counts with weights like 2:40,3:30,4:20,5:10, not '"
                        + text + "'");
            }
            int count = Integer.parseInt(m.group(1));
            int weight = Integer.parseInt(m.group(2));
            if (count < 1 || count > 64) throw new IllegalArgumentException(option + ": a device count must be 1..64, not " + count);
            if (weight < 1 || weight > 1_000_000) throw new IllegalArgumentException(option + ": a weight must be 1..1000000, not " + weight);
            if (weights.put(count, weight) != null) throw new IllegalArgumentException(option + ": device count " + count + " is given twice");
        }
        int min = weights.firstKey(), max = weights.lastKey();
        List<Integer> each = new java.util.ArrayList<>();
        for (int c = min; c <= max; c++) each.add(weights.getOrDefault(c, 0));
        return new Devices(min, max, each);
    }
}
