package io.participantsync.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.participantsync.support.LogCapture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Verifies a connection's gate: breaker opening and refusing calls with the time to come back, one probe, the
 * concurrency cap and the rate limit held without a waiting thread, calls run on the connection's own threads, health
 * and gauge.
 */
class ConnectionGateTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final ConnectionGate gate = new ConnectionGate(new ConnectionLimits("acme", 2, null, 5,
            Duration.ofMinutes(1), 3, Duration.ofMillis(300)), timer);
    private final BlockingQueue<ConnectionGate.Pass> admitted = new LinkedBlockingQueue<>();
    private final List<String> threads = new CopyOnWriteArrayList<>();
    private final List<RuntimeException> refused = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        gate.close();
        timer.shutdownNow();
    }

    @Test
    void givenARunOfFailures_whenCounted_thenTheBreakerOpensOnlyAfterTheRun() throws Exception {
        fail(2);
        succeed();
        fail(2);
        assertThat(gate.state()).isEqualTo(CircuitBreaker.State.CLOSED);

        fail(1);

        assertThat(gate.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(gate.stateCode()).isEqualTo(2);
    }

    @Test
    void givenOpenBreaker_whenACallAsks_thenRefusedAtOnceWithTheTimeLeftAndNothingWaits() throws Exception {
        fail(3);

        BreakerOpenException e = catchThrowableOfType(this::enter, BreakerOpenException.class);

        assertThat(e).hasMessageContaining("'acme'");
        assertThat(e.retryAfterMs()).isBetween(50L, 300L);
        assertThat(gate.inFlight()).isZero();
        assertThat(gate.waiting()).isZero();
        assertThat(admitted).isEmpty();
    }

    @Test
    void givenCallsWaitingWhenTheBreakerOpens_whenTheirTurnComes_thenTheyAreRefusedNotMade() throws Exception {
        ConnectionGate one = new ConnectionGate(new ConnectionLimits("single", 1, null, 5, Duration.ofMinutes(1), 3,
                Duration.ofMinutes(1)), timer);
        BlockingQueue<ConnectionGate.Pass> passes = new LinkedBlockingQueue<>();
        try {
            for (int i = 0; i < 6; i++) {
                one.enter(passes::add, refused::add);
            }
            assertThat(one.waiting()).isEqualTo(5);

            for (int i = 0; i < 3; i++) {
                ConnectionGate.Pass p = passes.poll(10, TimeUnit.SECONDS);
                p.failed();
                p.close();
            }

            assertThat(one.state()).isEqualTo(CircuitBreaker.State.OPEN);
            assertThat(refused).hasSize(3).allSatisfy(e -> assertThat(e).isInstanceOf(BreakerOpenException.class));
            assertThat(passes).as("no call made once the breaker opened").isEmpty();
            assertThat(one.waiting()).isZero();
        } finally {
            one.close();
        }
    }

    @Test
    void givenOpenBreakerPastItsWait_whenCallsAsk_thenOneProbeGoesAndTheOthersFollowItsSuccess() throws Exception {
        fail(3);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> {
            try {
                enter();
                return true;
            } catch (BreakerOpenException stillOpen) {
                return false;
            }
        });
        ConnectionGate.Pass probe = admitted.poll(10, TimeUnit.SECONDS);
        assertThat(gate.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(gate.stateCode()).isEqualTo(1);

        BreakerOpenException second = catchThrowableOfType(this::enter, BreakerOpenException.class);
        assertThat(second.retryAfterMs()).as("a probe is under way: come back soon").isLessThan(300L);
        probe.succeeded();
        probe.close();

        assertThat(gate.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        enter();
        ConnectionGate.Pass next = admitted.poll(10, TimeUnit.SECONDS);
        assertThat(next).isNotNull();
        next.succeeded();
        next.close();
    }

    @Test
    void givenCapOfTwo_whenAThirdCallAsks_thenItWaitsWithoutAThreadAndGoesWhenOneEnds() throws Exception {
        enter();
        enter();
        ConnectionGate.Pass a = admitted.poll(10, TimeUnit.SECONDS);
        ConnectionGate.Pass b = admitted.poll(10, TimeUnit.SECONDS);

        enter();

        assertThat(gate.waiting()).isEqualTo(1);
        assertThat(gate.inFlight()).isEqualTo(2);
        assertThat(admitted).isEmpty();
        a.succeeded();
        a.close();
        ConnectionGate.Pass c = admitted.poll(10, TimeUnit.SECONDS);
        assertThat(c).isNotNull();
        assertThat(gate.inFlight()).isEqualTo(2);
        assertThat(gate.waiting()).isZero();
        b.close();
        c.close();
        assertThat(gate.inFlight()).isZero();
        assertThat(threads).allSatisfy(t -> assertThat(t).startsWith("call-acme-"));
    }

    @Test
    void givenRateLimit_whenMoreCallsThanItAllows_thenTheRestWaitForTheWindowAndNoWindowHoldsMore() throws Exception {
        List<Long> starts = rateLimited(8);

        // whatever thread each ran on: no three starts within 300 ms
        List<Long> sorted = new ArrayList<>(starts);
        Collections.sort(sorted);
        for (int i = 2; i < sorted.size(); i++) {
            assertThat(sorted.get(i) - sorted.get(i - 2)).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
        }
    }

    @Test
    void givenRateLimitAndOneCallAtATime_whenCallsWait_thenTheyGoFirstInFirstOut() throws Exception {
        List<Integer> order = new CopyOnWriteArrayList<>();
        rateLimited(1, order);

        assertThat(order).containsExactly(0, 1, 2, 3, 4);
    }

    private List<Long> rateLimited(int concurrency) throws Exception {
        return rateLimited(concurrency, new CopyOnWriteArrayList<>());
    }

    /** Five calls through a gate of 2 calls per 300 ms; their start times, in the order they started. */
    private List<Long> rateLimited(int concurrency, List<Integer> order) throws Exception {
        ConnectionGate limited = new ConnectionGate(new ConnectionLimits("slow", concurrency,
                RateLimit.parse("k", "2/300ms"), 5, Duration.ofMinutes(1), 3, Duration.ofSeconds(1)), timer);
        List<Long> starts = new CopyOnWriteArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                int n = i;
                limited.enter(pass -> {
                    starts.add(System.nanoTime());
                    order.add(n);
                    pass.succeeded();
                    pass.close();
                }, refused::add);
            }
            assertThat(limited.waiting()).as("waiting without a thread").isPositive();

            await().atMost(WAIT).until(() -> starts.size() == 5);
            return starts;
        } finally {
            limited.close();
        }
    }

    @Test
    void givenRateLimitReached_whenCallsWaitAndThenAllGo_thenOneLineWhenTheHoldStartsAndOneWhenItEnds()
            throws Exception {
        ConnectionHolds holds = new ConnectionHolds();
        ConnectionGate limited = new ConnectionGate(new ConnectionLimits("slow", 5, RateLimit.parse("k", "2/500ms"),
                5, Duration.ofMinutes(1), 3, Duration.ofSeconds(1)), timer, holds);
        List<Long> starts = new CopyOnWriteArrayList<>();
        try (LogCapture log = LogCapture.of(ConnectionHolds.class)) {
            for (int i = 0; i < 7; i++) {
                limited.enter(pass -> {
                    starts.add(System.nanoTime());
                    pass.succeeded();
                    pass.close();
                }, refused::add);
            }
            assertThat(holds.reasons("slow")).containsExactly(ConnectionHolds.Reason.RATE_LIMIT);
            assertThat(holds.describe("slow")).isEqualTo("rate limit");

            await().atMost(WAIT).until(() -> starts.size() == 7 && holds.reasons("slow").isEmpty());

            assertThat(log.messages(Level.WARN)).singleElement().asString()
                    .startsWith("connection slow: held by its rate limit: 2/500ms reached; its calls wait for a slot");
            assertThat(log.messages(Level.INFO)).singleElement().asString()
                    .startsWith("connection slow: no longer held by its rate limit (held for ");
            assertThat(holds.describe("slow")).isEqualTo("none");
        } finally {
            limited.close();
        }
    }

    @Test
    void givenBreakerOpensFailsItsProbeAndCloses_whenLogged_thenOneLineWhenItOpensAndOneWhenItCloses()
            throws Exception {
        ConnectionHolds holds = new ConnectionHolds();
        ConnectionGate sick = new ConnectionGate(new ConnectionLimits("sick", 1, null, 5, Duration.ofMinutes(1), 2,
                Duration.ofMillis(100)), timer, holds);
        BlockingQueue<ConnectionGate.Pass> passes = new LinkedBlockingQueue<>();
        try (LogCapture log = LogCapture.of(ConnectionHolds.class)) {
            for (boolean probeSucceeds : new boolean[] {false, false, false, true}) {
                await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> {
                    try {
                        sick.enter(passes::add, refused::add);
                        return true;
                    } catch (BreakerOpenException stillOpen) {
                        return false;
                    }
                });
                ConnectionGate.Pass p = passes.poll(10, TimeUnit.SECONDS);
                if (probeSucceeds) {
                    p.succeeded();
                } else {
                    p.failed();
                }
                p.close();
                if (!probeSucceeds && sick.state() == CircuitBreaker.State.OPEN) {
                    assertThat(holds.reasons("sick")).containsExactly(ConnectionHolds.Reason.CIRCUIT_BREAKER);
                }
            }

            assertThat(sick.state()).isEqualTo(CircuitBreaker.State.CLOSED);
            assertThat(holds.reasons("sick")).isEmpty();
            assertThat(log.messages(Level.WARN)).as("opened once, its failed probe logs nothing").singleElement()
                    .asString().isEqualTo("connection sick: held by its circuit breaker: 2 failed calls in a row; "
                            + "its records wait, one probe call every 100ms until the provider answers again");
            assertThat(log.messages(Level.INFO)).singleElement().asString()
                    .startsWith("connection sick: no longer held by its circuit breaker (held for ");
        } finally {
            sick.close();
        }
    }

    @Test
    void givenWaitingCalls_whenTheGateCloses_thenTheyAreRefused() throws Exception {
        enter();
        enter();
        enter();
        assertThat(gate.waiting()).isEqualTo(1);

        gate.close();

        assertThat(refused).hasSize(1);
        assertThat(gate.waiting()).isZero();
    }

    @Test
    void givenGates_whenObserved_thenHealthDetailsAndGaugesShowEachBreakerAndWhatWaits() throws Exception {
        ConnectionGates gates = new ConnectionGates(Map.of("acme", new ConnectionLimits("acme", 2, null, 5,
                Duration.ofMinutes(1), 1, Duration.ofMinutes(1))));
        // 7 records of acme read and without an outcome
        gates.countHoldingWith(c -> c.equals("acme") ? 7 : 0);
        try {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            gates.bindMetrics(registry);
            BlockingQueue<ConnectionGate.Pass> passes = new LinkedBlockingQueue<>();
            gates.gate("acme").enter(passes::add, refused::add);
            ConnectionGate.Pass pass = passes.poll(10, TimeUnit.SECONDS);
            pass.failed();
            pass.close();

            assertThat(registry.get(ConnectionGates.CIRCUIT_STATE_METRIC).tag("connection", "acme").gauge().value())
                    .isEqualTo(2.0);
            assertThat(registry.get(ConnectionGates.RECORDS_WAITING_METRIC).tag("connection", "acme").gauge()
                    .value()).isEqualTo(7.0);
            try (DefaultCamelContext camel = new DefaultCamelContext()) {
                CircuitBreakerHealthCheck check = new CircuitBreakerHealthCheck(gates);
                check.setCamelContext(camel);
                HealthCheck.Result result = check.call();
                assertThat(result.getState()).isEqualTo(HealthCheck.State.UP);
                assertThat(result.getDetails()).containsEntry("acme.circuit", "OPEN")
                        .containsEntry("acme.in-flight", 0).containsEntry("acme.waiting", 7)
                        .containsEntry("acme.held-by", "circuit breaker");
                assertThat(check.isReadiness()).isTrue();
                assertThat(check.isLiveness()).isFalse();
            }
        } finally {
            gates.close();
        }
    }

    private void enter() {
        gate.enter(pass -> {
            threads.add(Thread.currentThread().getName());
            admitted.add(pass);
        }, refused::add);
    }

    private void fail(int n) throws InterruptedException {
        for (int i = 0; i < n; i++) {
            enter();
            ConnectionGate.Pass p = admitted.poll(10, TimeUnit.SECONDS);
            p.failed();
            p.close();
        }
    }

    private void succeed() throws InterruptedException {
        enter();
        ConnectionGate.Pass p = admitted.poll(10, TimeUnit.SECONDS);
        p.succeeded();
        p.close();
    }
}
