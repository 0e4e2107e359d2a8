package dev.kinbox.persistence;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A test clock that moves only when told to (also backwards). */
final class MutableClock extends Clock {
    private long millis;

    MutableClock(long millis) {
        this.millis = millis;
    }

    void set(long m) {
        millis = m;
    }

    void advance(long delta) {
        millis += delta;
    }

    @Override
    public long millis() {
        return millis;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
