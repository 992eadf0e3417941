package io.participantsync.delivery;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * What every call on one connection passes through, in this order: the circuit breaker (while it is open, callers
 * wait for its half-open probe rather than fail), a concurrency permit ({@code max-concurrency} calls in flight) and
 * a rate-limit slot ({@link SlidingWindowLimiter}). Shared by every input of the instance. A call reports its result
 * to the breaker ({@link Pass#succeeded()} / {@link Pass#failed()}) and must close its pass.
 */
public final class ConnectionGate {

    /** How often a caller waiting for an open breaker looks again (state changes also wake it). */
    private static final long BREAKER_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final ConnectionLimits limits;
    private final CircuitBreaker breaker;
    private final Semaphore permits;
    private final SlidingWindowLimiter limiter;
    private final LongSupplier nanoClock;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition breakerChanged = lock.newCondition();

    public ConnectionGate(ConnectionLimits limits) {
        this(limits, System::nanoTime);
    }

    ConnectionGate(ConnectionLimits limits, LongSupplier nanoClock) {
        this.limits = limits;
        this.nanoClock = nanoClock;
        this.permits = new Semaphore(limits.maxConcurrency(), true);
        this.limiter = limits.rateLimit() == null ? null : new SlidingWindowLimiter(limits.rateLimit(), nanoClock);
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                // a window of N calls, all of which must fail, is "a run of N failures"
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(limits.breakerFailures())
                .minimumNumberOfCalls(limits.breakerFailures())
                .failureRateThreshold(100)
                .waitDurationInOpenState(limits.breakerWait())
                .permittedNumberOfCallsInHalfOpenState(1)
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .writableStackTraceEnabled(false)
                .build();
        this.breaker = CircuitBreaker.of("connection-" + limits.connection(), config);
        breaker.getEventPublisher().onStateTransition(e -> wakeWaiters());
    }

    public ConnectionLimits limits() {
        return limits;
    }

    public CircuitBreaker.State state() {
        return breaker.getState();
    }

    /** 0 closed, 1 half-open, 2 open: the {@code participant_sync_circuit_state} gauge. */
    public int stateCode() {
        return switch (breaker.getState()) {
            case HALF_OPEN -> 1;
            case OPEN, FORCED_OPEN -> 2;
            default -> 0;
        };
    }

    /** Calls on this connection now in flight (between their concurrency permit and the end of the answer). */
    public int inFlight() {
        return inFlight.get();
    }

    /**
     * Waits until the call may go: for the breaker until {@code breakerDeadlineNanos} (a {@code nanoClock} value;
     * past it a {@link BreakerOpenException} is thrown and no call is made), then, without limit, for a concurrency
     * permit and a rate-limit slot.
     */
    public Pass enter(long breakerDeadlineNanos) throws InterruptedException {
        awaitBreaker(breakerDeadlineNanos);
        long queuedFrom = nanoClock.getAsLong();
        boolean permitted = false;
        try {
            permits.acquire();
            permitted = true;
            SlidingWindowLimiter.Permit slot = limiter == null ? null : limiter.acquire();
            inFlight.incrementAndGet();
            return new Pass(slot, nanoClock.getAsLong() - queuedFrom);
        } catch (InterruptedException | RuntimeException e) {
            if (permitted) {
                permits.release();
            }
            breaker.releasePermission();
            throw e;
        }
    }

    private void awaitBreaker(long deadlineNanos) throws InterruptedException {
        if (breaker.tryAcquirePermission()) {
            return;
        }
        lock.lock();
        try {
            while (!breaker.tryAcquirePermission()) {
                long left = deadlineNanos - nanoClock.getAsLong();
                if (left <= 0) {
                    throw new BreakerOpenException(limits.connection());
                }
                breakerChanged.awaitNanos(Math.min(left, BREAKER_POLL_NANOS));
            }
        } finally {
            lock.unlock();
        }
    }

    private void wakeWaiters() {
        lock.lock();
        try {
            breakerChanged.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** One admitted call. */
    public final class Pass implements AutoCloseable {
        private final SlidingWindowLimiter.Permit slot;
        private final long queuedNanos;
        private final long startNanos;
        private boolean reported;
        private boolean closed;

        private Pass(SlidingWindowLimiter.Permit slot, long queuedNanos) {
            this.slot = slot;
            this.queuedNanos = queuedNanos;
            this.startNanos = nanoClock.getAsLong();
        }

        /** Time spent waiting for the concurrency permit and the rate-limit slot (not for the breaker). */
        public long queuedNanos() {
            return queuedNanos;
        }

        /** The provider answered (any answer that is not a transient error): the connection works. */
        public void succeeded() {
            if (!reported) {
                reported = true;
                breaker.onSuccess(nanoClock.getAsLong() - startNanos, TimeUnit.NANOSECONDS);
            }
        }

        /** A transient failure (no answer, timeout, 408, 429, 5xx): counts towards opening the breaker. */
        public void failed() {
            if (!reported) {
                reported = true;
                breaker.onError(nanoClock.getAsLong() - startNanos, TimeUnit.NANOSECONDS, TransientCall.INSTANCE);
            }
        }

        /** Frees the permit and the rate-limit slot; a call that reported nothing gives its breaker permission back. */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (!reported) {
                breaker.releasePermission();
            }
            inFlight.decrementAndGet();
            if (slot != null) {
                slot.close();
            }
            permits.release();
        }
    }

    /** What the breaker is told a failed call threw (it only counts them). */
    private static final class TransientCall extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final TransientCall INSTANCE = new TransientCall();

        private TransientCall() {
            super("transient failure", null, false, false);
        }
    }
}
