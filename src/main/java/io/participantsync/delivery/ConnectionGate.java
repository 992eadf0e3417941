package io.participantsync.delivery;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * What every call on one connection passes through: the circuit breaker (while it keeps calls back, a call is refused
 * with a {@link BreakerOpenException} saying when to try again), a concurrency permit ({@code max-concurrency} calls
 * in flight) and a rate-limit slot ({@link SlidingWindowLimiter}). A call that has to wait for a permit or a slot
 * holds no thread: it waits in this connection's queue, first in first out, and is admitted when a call ends or the
 * rate-limit window moves on. An admitted call runs on one of this connection's own call threads (as many as its
 * concurrency), so a provider that is slow ties up only its own threads. Shared by every input of the instance. A
 * call reports its result to the breaker ({@link Pass#succeeded()} / {@link Pass#failed()}) and must close its pass.
 */
public final class ConnectionGate implements AutoCloseable {

    /** Shortest wait given to a call kept back by a breaker whose probe is under way. */
    private static final long MIN_BREAKER_RETRY_MS = 50;

    private final ConnectionLimits limits;
    private final CircuitBreaker breaker;
    private final SlidingWindowLimiter limiter;
    private final LongSupplier nanoClock;
    private final ScheduledExecutorService timer;
    private final ThreadPoolExecutor calls;
    private final ConnectionHolds holds;
    private final ReentrantLock lock = new ReentrantLock();
    // guarded by lock:
    private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
    private int free;
    private int inFlight;
    private boolean timerSet;
    private boolean closed;
    // a call waits for a rate-limit slot, and others may queue behind it: until the queue is empty again
    private boolean heldByRateLimit;
    private volatile long openedAtNanos;

    /**
     * @param timer wakes the queue when the rate-limit window moves on (shared by the gates; never runs a call)
     */
    public ConnectionGate(ConnectionLimits limits, ScheduledExecutorService timer) {
        this(limits, timer, new ConnectionHolds());
    }

    /** @param holds told when the rate limit or the breaker starts and stops holding this connection's calls */
    public ConnectionGate(ConnectionLimits limits, ScheduledExecutorService timer, ConnectionHolds holds) {
        this(limits, timer, System::nanoTime, holds);
    }

    ConnectionGate(ConnectionLimits limits, ScheduledExecutorService timer, LongSupplier nanoClock) {
        this(limits, timer, nanoClock, new ConnectionHolds(nanoClock));
    }

    ConnectionGate(ConnectionLimits limits, ScheduledExecutorService timer, LongSupplier nanoClock,
            ConnectionHolds holds) {
        this.limits = limits;
        this.holds = holds;
        this.timer = timer;
        this.nanoClock = nanoClock;
        this.free = limits.maxConcurrency();
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
        breaker.getEventPublisher().onStateTransition(e -> {
            CircuitBreaker.State from = e.getStateTransition().getFromState();
            CircuitBreaker.State to = e.getStateTransition().getToState();
            if (to == CircuitBreaker.State.OPEN) {
                openedAtNanos = nanoClock.getAsLong();
            }
            // one line when the provider goes down and one when it is back, not one per failed probe
            if (to == CircuitBreaker.State.OPEN && from == CircuitBreaker.State.CLOSED) {
                holds.begin(limits.connection(), ConnectionHolds.Reason.CIRCUIT_BREAKER, limits.breakerFailures()
                        + " failed calls in a row; its records wait, one probe call every "
                        + Durations.format(limits.breakerWait()) + " until the provider answers again");
            } else if (to == CircuitBreaker.State.CLOSED) {
                holds.end(limits.connection(), ConnectionHolds.Reason.CIRCUIT_BREAKER);
            }
        });
        AtomicInteger n = new AtomicInteger();
        String name = "call-" + limits.connection() + "-";
        this.calls = new ThreadPoolExecutor(limits.maxConcurrency(), limits.maxConcurrency(), 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, name + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        calls.allowCoreThreadTimeOut(true);
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

    /** Calls counted in the rate limit's window now; -1 when the connection has no rate limit. */
    public int rateLimitUsed() {
        return limiter == null ? -1 : limiter.used();
    }

    /** Calls on this connection now in flight (between their admission and the end of their answer). */
    public int inFlight() {
        lock.lock();
        try {
            return inFlight;
        } finally {
            lock.unlock();
        }
    }

    /** Calls waiting for a concurrency permit or a rate-limit slot. */
    public int waiting() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Asks to make a call. Throws a {@link BreakerOpenException} at once while the breaker keeps calls back;
     * otherwise {@code admitted} runs on one of this connection's call threads once a concurrency permit and a
     * rate-limit slot are free, or {@code refused} runs (on some thread) with a {@link BreakerOpenException} when the
     * breaker opens while the call waits, or another failure when the gate closes first.
     */
    public void enter(Consumer<Pass> admitted, Consumer<RuntimeException> refused) {
        if (!breaker.tryAcquirePermission()) {
            throw new BreakerOpenException(limits.connection(), breakerRetryMs());
        }
        lock.lock();
        try {
            if (closed) {
                breaker.releasePermission();
                throw new RejectedExecutionException("connection " + limits.connection() + " is closing");
            }
            waiting.add(new Waiter(admitted, refused, nanoClock.getAsLong()));
        } finally {
            lock.unlock();
        }
        admit();
    }

    private boolean breakerOpen() {
        CircuitBreaker.State state = breaker.getState();
        return state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN;
    }

    /** How long a call kept back by the breaker should wait: until the breaker lets a probe through. */
    private long breakerRetryMs() {
        long quantum = Math.min(1000, Math.max(MIN_BREAKER_RETRY_MS, limits.breakerWait().toMillis() / 10));
        if (breaker.getState() != CircuitBreaker.State.OPEN) {
            // half-open: a probe is under way
            return quantum;
        }
        long left = TimeUnit.NANOSECONDS.toMillis(openedAtNanos + limits.breakerWait().toNanos()
                - nanoClock.getAsLong());
        return Math.max(quantum, left);
    }

    /** Admits waiting calls, first in first out, while permits and rate-limit slots allow. */
    private void admit() {
        List<Runnable> go = new ArrayList<>(2);
        boolean rateHoldStarts = false;
        boolean rateHoldEnds = false;
        long nextSlotNanos = 0;
        lock.lock();
        try {
            while (!waiting.isEmpty() && free > 0) {
                if (breakerOpen()) {
                    // the breaker opened while these calls waited: they are not made (a provider that is down is
                    // not hammered by what queued up before it went down)
                    BreakerOpenException open = new BreakerOpenException(limits.connection(), breakerRetryMs());
                    for (Waiter w : waiting) {
                        go.add(() -> w.refused.accept(open));
                    }
                    waiting.clear();
                    break;
                }
                SlidingWindowLimiter.Permit slot = null;
                if (limiter != null) {
                    slot = limiter.tryAcquire();
                    if (slot == null) {
                        long wait = limiter.nanosToWait();
                        if (!heldByRateLimit) {
                            heldByRateLimit = true;
                            rateHoldStarts = true;
                            nextSlotNanos = wait;
                        }
                        // Long.MAX_VALUE: the slot belongs to a call in flight, whose end admits again
                        if (wait != Long.MAX_VALUE && !timerSet && !closed) {
                            timerSet = true;
                            timer.schedule(this::timerFired, Math.max(wait, 1), TimeUnit.NANOSECONDS);
                        }
                        break;
                    }
                }
                Waiter w = waiting.poll();
                free--;
                inFlight++;
                Pass pass = new Pass(slot, nanoClock.getAsLong() - w.sinceNanos);
                go.add(() -> run(w, pass));
            }
            if (heldByRateLimit && waiting.isEmpty()) {
                heldByRateLimit = false;
                rateHoldEnds = true;
            }
        } finally {
            lock.unlock();
        }
        if (rateHoldStarts) {
            holds.begin(limits.connection(), ConnectionHolds.Reason.RATE_LIMIT, limits.rateLimit() + " reached; "
                    + "its calls wait for a slot" + (nextSlotNanos == Long.MAX_VALUE ? ""
                    : ", the next in " + ConnectionHolds.format(java.time.Duration.ofNanos(nextSlotNanos))));
        }
        if (rateHoldEnds) {
            holds.end(limits.connection(), ConnectionHolds.Reason.RATE_LIMIT);
        }
        for (Runnable r : go) {
            r.run();
        }
    }


    private void run(Waiter w, Pass pass) {
        try {
            calls.execute(() -> w.admitted.accept(pass));
        } catch (RejectedExecutionException e) {
            pass.close();
            w.refused.accept(e);
        }
    }

    private void timerFired() {
        lock.lock();
        try {
            timerSet = false;
        } finally {
            lock.unlock();
        }
        admit();
    }

    /** Refuses the calls still waiting and stops the call threads once their calls are done. */
    @Override
    public void close() {
        List<Waiter> refused;
        lock.lock();
        try {
            closed = true;
            refused = new ArrayList<>(waiting);
            waiting.clear();
        } finally {
            lock.unlock();
        }
        RejectedExecutionException stopping = new RejectedExecutionException("connection " + limits.connection()
                + " is closing");
        for (Waiter w : refused) {
            breaker.releasePermission();
            w.refused.accept(stopping);
        }
        calls.shutdown();
    }

    private record Waiter(Consumer<Pass> admitted, Consumer<RuntimeException> refused, long sinceNanos) {
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

        /**
         * Frees the permit and the rate-limit slot and admits the next waiting call; a call that reported nothing
         * gives its breaker permission back. Closing twice does nothing.
         */
        @Override
        public void close() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            if (!reported) {
                breaker.releasePermission();
            }
            if (slot != null) {
                slot.close();
            }
            lock.lock();
            try {
                free++;
                inFlight--;
            } finally {
                lock.unlock();
            }
            admit();
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
