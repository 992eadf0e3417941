package io.participantsync.delivery;

import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * An exact sliding-window limiter: no window of the limit's length ever holds more than its number of requests, as
 * the provider sees them. It keeps a ring of the last N calls; a new call may start only when the call N places
 * before it <em>finished</em> at least one window ago. Counting from the end of a call
 * rather than its start makes the promise hold wherever the request arrived between the two, whatever the network
 * delay: a call whose answer is still outstanding blocks its slot until it ends. It never waits itself: a caller told
 * to wait ({@link #nanosToWait()}) comes back later (see {@link ConnectionGate}).
 */
public final class SlidingWindowLimiter {

    private static final long UNUSED = Long.MIN_VALUE;
    private static final long IN_FLIGHT = Long.MAX_VALUE;

    private final RateLimit limit;
    private final long windowNanos;
    private final LongSupplier nanoClock;
    private final long[] ends;
    private final ReentrantLock lock = new ReentrantLock();
    private int oldest;

    public SlidingWindowLimiter(RateLimit limit) {
        this(limit, System::nanoTime);
    }

    /** With a monotonic nanosecond clock of the caller's choice (tests use a fake one). */
    public SlidingWindowLimiter(RateLimit limit, LongSupplier nanoClock) {
        this.limit = limit;
        this.windowNanos = limit.window().toNanos();
        this.nanoClock = nanoClock;
        this.ends = new long[limit.requests()];
        Arrays.fill(ends, UNUSED);
    }

    public RateLimit limit() {
        return limit;
    }

    /** A granted call; {@link #close()} (exactly once, when the answer or the failure came back) frees its slot. */
    public final class Permit implements AutoCloseable {
        private final int slot;
        private boolean closed;

        private Permit(int slot) {
            this.slot = slot;
        }

        @Override
        public void close() {
            lock.lock();
            try {
                if (!closed) {
                    closed = true;
                    ends[slot] = nanoClock.getAsLong();
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** A permit now, or {@code null} when the call must wait (see {@link #nanosToWait()}). */
    public Permit tryAcquire() {
        lock.lock();
        try {
            return grantIfFree(nanoClock.getAsLong());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Nanoseconds until a call may start: 0 now, {@link Long#MAX_VALUE} while the slot it needs belongs to a call
     * still in flight (its end decides).
     */
    public long nanosToWait() {
        lock.lock();
        try {
            return waitNanos(nanoClock.getAsLong());
        } finally {
            lock.unlock();
        }
    }

    /** Calls counted in the window now: those in flight and those that ended less than a window ago. */
    public int used() {
        lock.lock();
        try {
            long now = nanoClock.getAsLong();
            int n = 0;
            for (long end : ends) {
                if (end == IN_FLIGHT || end != UNUSED && end + windowNanos > now) {
                    n++;
                }
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    private Permit grantIfFree(long now) {
        if (waitNanos(now) > 0) {
            return null;
        }
        int slot = oldest;
        ends[slot] = IN_FLIGHT;
        oldest = (oldest + 1) % ends.length;
        return new Permit(slot);
    }

    private long waitNanos(long now) {
        long end = ends[oldest];
        if (end == IN_FLIGHT) {
            return Long.MAX_VALUE;
        }
        if (end == UNUSED) {
            return 0;
        }
        // grants are in time order, so every call before the oldest one in the ring was already waited for
        return Math.max(0, end + windowNanos - now);
    }

    @Override
    public String toString() {
        return "SlidingWindowLimiter[" + limit + "]";
    }
}
