package dev.kinbox.cli.sim;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsing of {@code kinbox simulate}'s values: durations ({@code 90s}, {@code 2m}, {@code 12h}, {@code 30d}) and ranges ({@code 2-5}, {@code 3}). */
public final class SimArgs {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");
    private static final Pattern RANGE = Pattern.compile("(\\d{1,3})(?:-(\\d{1,3}))?");

    /** An inclusive range of device counts. */
    public record Range(int min, int max) {}

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

    public static Range range(String option, String text) {
        Matcher m = RANGE.matcher(text == null ? "" : text.trim());
        if (!m.matches()) throw new IllegalArgumentException(option + " must be a count or a range like 2-5, not '" + text + "'");
        int min = Integer.parseInt(m.group(1));
        int max = m.group(2) == null ? min : Integer.parseInt(m.group(2));
        if (min < 1 || max < min) throw new IllegalArgumentException(option + " must be a range 1 <= min <= max, not '" + text + "'");
        return new Range(min, max);
    }
}
