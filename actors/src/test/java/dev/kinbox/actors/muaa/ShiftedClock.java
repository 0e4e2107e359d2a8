package dev.kinbox.actors.muaa;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Real time plus an offset the test moves forward (or, for a restart, {@link #back}): time keeps running (HLCs, timeouts and signatures
 * stay ordinary) while a test jumps over days. Thread-safe; shared by the devices of one test.
 */
final class ShiftedClock extends Clock {
    private final AtomicLong offset = new AtomicLong();

    void advance(Duration d) {
        if (d.isNegative()) throw new IllegalArgumentException("a shifted clock only moves forward");
        offset.addAndGet(d.toMillis());
    }

    /** Sets the clock back by {@code d}, as a user or NTP stepping it back would (only while no device uses it, in tests of a restart). */
    void back(Duration d) {
        if (d.isNegative()) throw new IllegalArgumentException("back by a positive duration");
        offset.addAndGet(-d.toMillis());
    }

    @Override public long millis() { return System.currentTimeMillis() + offset.get(); }

    @Override public Instant instant() { return Instant.ofEpochMilli(millis()); }

    @Override public ZoneId getZone() { return ZoneOffset.UTC; }

    @Override public Clock withZone(ZoneId zone) { return this; }
}
