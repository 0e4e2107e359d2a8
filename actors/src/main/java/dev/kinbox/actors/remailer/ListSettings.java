package dev.kinbox.actors.remailer;

import java.time.Duration;
import java.util.Locale;

/**
 * A list's settings, replaced as a whole by {@link RosterEvent.ListSettingChanged}.
 *
 * @param listAddress     the list's canonical address (posts go here; also its Autocrypt addr)
 * @param recommendation  {@code AVAILABLE}: plaintext posts go out plain; {@code MANDATORY}: they are refused
 * @param threshold       share of subscribers with usable keys at or above which the list header is sent
 * @param missedNotices   one notice per unreadable post, or queued into a digest ({@link RemailerPipeline#digest})
 * @param maxPostBytes    larger posts are refused before parsing
 * @param floodMaxPosts   more than this many mails per sender within {@code floodWindow} are dropped
 * @param floodWindow     the flood window
 */
public record ListSettings(String listAddress, Mode recommendation, Threshold threshold, NoticeMode missedNotices,
                           int maxPostBytes, int floodMaxPosts, Duration floodWindow) {
    /** The list's {@code _list-recommendation}. */
    public enum Mode {
        AVAILABLE, MANDATORY;

        String wire() { return name().toLowerCase(Locale.ROOT); }
    }

    /** How subscribers without a key learn about posts they could not receive. */
    public enum NoticeMode { PER_MESSAGE, DIGEST }

    /** Largest accepted {@link #maxPostBytes}: the crypto module's mail cap. */
    public static final int MAX_POST_CAP = 32 << 20;

    public ListSettings {
        if (listAddress == null || !listAddress.matches("[^@\\s<>;]+@[^@\\s<>;]+\\.[^@\\s<>;]+")) {
            throw new IllegalArgumentException("list address must look like local@domain.tld");
        }
        listAddress = listAddress.strip().toLowerCase(Locale.ROOT);
        if (recommendation == null || threshold == null || missedNotices == null || floodWindow == null) {
            throw new IllegalArgumentException("no setting may be null");
        }
        if (maxPostBytes < 1024 || maxPostBytes > MAX_POST_CAP) {
            throw new IllegalArgumentException("maxPostBytes must be in 1 KiB.." + MAX_POST_CAP);
        }
        if (floodMaxPosts < 1 || floodWindow.isNegative() || floodWindow.isZero()) {
            throw new IllegalArgumentException("flood limit must be at least 1 post in a positive window");
        }
    }

    /** Defaults: available, majority, one notice per message, 1 MiB posts, 20 mails per sender per hour. */
    public static ListSettings defaults(String listAddress) {
        return new ListSettings(listAddress, Mode.AVAILABLE, Threshold.MAJORITY, NoticeMode.PER_MESSAGE,
                1 << 20, 20, Duration.ofHours(1));
    }

    public ListSettings withRecommendation(Mode m) {
        return new ListSettings(listAddress, m, threshold, missedNotices, maxPostBytes, floodMaxPosts, floodWindow);
    }

    public ListSettings withThreshold(Threshold t) {
        return new ListSettings(listAddress, recommendation, t, missedNotices, maxPostBytes, floodMaxPosts, floodWindow);
    }

    public ListSettings withNotices(NoticeMode n) {
        return new ListSettings(listAddress, recommendation, threshold, n, maxPostBytes, floodMaxPosts, floodWindow);
    }

    public ListSettings withLimits(int maxPost, int floodPosts, Duration window) {
        return new ListSettings(listAddress, recommendation, threshold, missedNotices, maxPost, floodPosts, window);
    }

    /** {@code List-Id} value: {@code <local.domain>}. */
    public String listId() {
        return "<" + listAddress.replace('@', '.') + ">";
    }

    /**
     * When the list's Autocrypt header is sent, given N subscribers with keys out of M subscribers
     * (never when M is 0).
     */
    public sealed interface Threshold {
        /** More than half. */
        Threshold MAJORITY = new Majority();

        boolean met(int withKeys, int subscribers);

        /** {@code 2N > M}. */
        record Majority() implements Threshold {
            @Override public boolean met(int n, int m) { return m > 0 && 2L * n > m; }
        }

        /** {@code 100 N >= percent M}; percent 0..100 (0: always, once anyone is subscribed). */
        record AtLeastPercent(int percent) implements Threshold {
            public AtLeastPercent {
                if (percent < 0 || percent > 100) throw new IllegalArgumentException("percent must be 0..100");
            }

            @Override public boolean met(int n, int m) { return m > 0 && 100L * n >= (long) percent * m; }
        }
    }
}
