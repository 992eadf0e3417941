package io.participantsync.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/** Verifies a connection's gate: breaker opening, waiting for the probe, the concurrency cap, health and gauge. */
class ConnectionGateTest {

    private static final long LONG = TimeUnit.SECONDS.toNanos(30);

    private final ConnectionGate gate = new ConnectionGate(new ConnectionLimits("acme", 2, null, 5,
            Duration.ofMinutes(1), 3, Duration.ofMillis(200)));

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
    void givenOpenBreaker_whenTheDeadlineComesFirst_thenNoCallAndBreakerOpenException() throws Exception {
        fail(3);

        assertThatThrownBy(() -> gate.enter(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20)))
                .isInstanceOf(BreakerOpenException.class).hasMessageContaining("'acme'");
        assertThat(gate.inFlight()).isZero();
    }

    @Test
    void givenOpenBreaker_whenCallersWait_thenOneProbeGoesAndTheOthersFollowItsSuccess() throws Exception {
        fail(3);
        CompletableFuture<ConnectionGate.Pass> probe = CompletableFuture.supplyAsync(this::enterQuietly);
        ConnectionGate.Pass probePass = probe.get(10, TimeUnit.SECONDS);
        assertThat(gate.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(gate.stateCode()).isEqualTo(1);

        CompletableFuture<ConnectionGate.Pass> follower = CompletableFuture.supplyAsync(this::enterQuietly);
        await().pollDelay(Duration.ZERO).during(Duration.ofMillis(150)).atMost(Duration.ofSeconds(5))
                .until(() -> !follower.isDone());
        assertThat(follower).isNotDone();
        probePass.succeeded();
        probePass.close();

        ConnectionGate.Pass next = follower.get(10, TimeUnit.SECONDS);
        assertThat(gate.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        next.succeeded();
        next.close();
    }

    @Test
    void givenCapOfTwo_whenAThirdCallerComes_thenItWaitsForAPermit() throws Exception {
        ConnectionGate.Pass a = gate.enter(System.nanoTime() + LONG);
        ConnectionGate.Pass b = gate.enter(System.nanoTime() + LONG);
        CompletableFuture<ConnectionGate.Pass> third = CompletableFuture.supplyAsync(this::enterQuietly);
        await().pollDelay(Duration.ZERO).during(Duration.ofMillis(150)).atMost(Duration.ofSeconds(5))
                .until(() -> !third.isDone());

        assertThat(third).isNotDone();
        assertThat(gate.inFlight()).isEqualTo(2);
        a.succeeded();
        a.close();
        ConnectionGate.Pass c = third.get(10, TimeUnit.SECONDS);
        assertThat(gate.inFlight()).isEqualTo(2);
        b.close();
        c.close();
        assertThat(gate.inFlight()).isZero();
    }

    @Test
    void givenGates_whenObserved_thenHealthDetailsAndGaugeShowEachBreaker() throws Exception {
        ConnectionGates gates = new ConnectionGates(Map.of("acme", new ConnectionLimits("acme", 2, null, 5,
                Duration.ofMinutes(1), 1, Duration.ofMinutes(1))));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        gates.bindMetrics(registry);
        ConnectionGate.Pass pass = gates.gate("acme").enter(System.nanoTime() + LONG);
        pass.failed();
        pass.close();

        assertThat(registry.get(ConnectionGates.CIRCUIT_STATE_METRIC).tag("connection", "acme").gauge().value())
                .isEqualTo(2.0);
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            CircuitBreakerHealthCheck check = new CircuitBreakerHealthCheck(gates);
            check.setCamelContext(camel);
            HealthCheck.Result result = check.call();
            assertThat(result.getState()).isEqualTo(HealthCheck.State.UP);
            assertThat(result.getDetails()).containsEntry("acme.circuit", "OPEN").containsEntry("acme.in-flight", 0);
            assertThat(check.isReadiness()).isTrue();
            assertThat(check.isLiveness()).isFalse();
        }
    }

    private ConnectionGate.Pass enterQuietly() {
        try {
            return gate.enter(System.nanoTime() + LONG);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private void fail(int n) throws InterruptedException {
        for (int i = 0; i < n; i++) {
            try (ConnectionGate.Pass p = gate.enter(System.nanoTime() + LONG)) {
                p.failed();
            }
        }
    }

    private void succeed() throws InterruptedException {
        try (ConnectionGate.Pass p = gate.enter(System.nanoTime() + LONG)) {
            p.succeeded();
        }
    }
}
