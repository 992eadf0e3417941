package io.participantsync.core;

import java.util.concurrent.TimeUnit;

/**
 * One delivery attempt of a record, as {@link ProviderCaller} sees it: how long it may wait for an open circuit
 * breaker (the record's retry budget) and, back from the call, whether any request went out (only then does it count
 * as an attempt) and how long it queued for its connection's concurrency permits and rate-limit slots (which the
 * retry budget does not count).
 */
public final class DeliveryAttempt {

    private final long breakerDeadlineNanos;
    private boolean sent;
    private long queuedNanos;

    /** {@code breakerDeadlineNanos} is a {@link System#nanoTime()} value. */
    public DeliveryAttempt(long breakerDeadlineNanos) {
        this.breakerDeadlineNanos = breakerDeadlineNanos;
    }

    /** An attempt that may wait a day for the breaker (tests and callers without a budget). */
    public static DeliveryAttempt unbounded() {
        return new DeliveryAttempt(System.nanoTime() + TimeUnit.DAYS.toNanos(1));
    }

    public long breakerDeadlineNanos() {
        return breakerDeadlineNanos;
    }

    public boolean sent() {
        return sent;
    }

    public long queuedNanos() {
        return queuedNanos;
    }

    void admitted(long queued) {
        sent = true;
        queuedNanos += queued;
    }
}
