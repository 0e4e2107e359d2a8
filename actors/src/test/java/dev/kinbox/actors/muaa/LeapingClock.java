package dev.kinbox.actors.muaa;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A device clock far faster than real time: every reading is {@code leap} later than the one
 * before (plus real time). What the simulator's clock at 3600x looks like to code that reads it
 * twice a few milliseconds apart, made deterministic. Thread-safe; shared by the devices of one test.
 */
final class LeapingClock extends Clock {
    private final long leapMillis;
    private final AtomicLong leaps = new AtomicLong();

    LeapingClock(Duration leap) {
        this.leapMillis = leap.toMillis();
    }

    @Override public long millis() { return System.currentTimeMillis() + leaps.incrementAndGet() * leapMillis; }

    @Override public Instant instant() { return Instant.ofEpochMilli(millis()); }

    @Override public ZoneId getZone() { return ZoneOffset.UTC; }

    @Override public Clock withZone(ZoneId zone) { return this; }
}
