package io.participantsync.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A {@link Clock} for unit tests that stands still until a test moves it. */
public final class MutableClock extends Clock {

    private final MutableClock source;
    private final ZoneId zone;
    private volatile Instant now;

    public MutableClock(Instant start) {
        this.source = this;
        this.zone = ZoneOffset.UTC;
        this.now = start;
    }

    private MutableClock(MutableClock source, ZoneId zone) {
        this.source = source;
        this.zone = zone;
    }

    /** Moves this clock and every view of it made with {@link #withZone}. */
    public void advance(Duration d) {
        source.now = source.now.plus(d);
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return new MutableClock(source, zone);
    }

    @Override
    public Instant instant() {
        return source.now;
    }
}
