package io.participantsync.delivery;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The {@link ConnectionGate} of every configured connection, built once at startup from their
 * {@link ConnectionLimits}; its state feeds the readiness check and the {@code participant_sync_circuit_state}
 * gauge. A connection it does not know (only in tests that build connections by hand) gets a gate without rate
 * limit. {@link #close()} stops every gate's call threads.
 */
public final class ConnectionGates implements AutoCloseable {

    /** The metric: 0 closed, 1 half-open, 2 open, tagged {@code connection}. */
    public static final String CIRCUIT_STATE_METRIC = "participant_sync_circuit_state";

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "connection-gates");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, ConnectionGate> gates = new ConcurrentHashMap<>();
    private final Map<String, ConnectionGate> configured;

    public ConnectionGates(Map<String, ConnectionLimits> limits) {
        Map<String, ConnectionGate> byName = new LinkedHashMap<>();
        limits.forEach((name, l) -> byName.put(name, new ConnectionGate(l, timer)));
        this.configured = Collections.unmodifiableMap(byName);
        gates.putAll(byName);
    }

    /** Gates for hand-built connections: no rate limit, 64 calls in flight, a breaker after 1000 failures. */
    public static ConnectionGates unlimited() {
        return new ConnectionGates(Map.of());
    }

    public ConnectionGate gate(String connection) {
        return gates.computeIfAbsent(connection, n -> new ConnectionGate(new ConnectionLimits(n, 64, null, 1,
                Duration.ofMinutes(5), 1000, Duration.ofSeconds(1)), timer));
    }

    /** The configured connections' gates, in configuration order. */
    public Map<String, ConnectionGate> configured() {
        return configured;
    }

    /** Registers one {@code participant_sync_circuit_state{connection}} gauge per configured connection. */
    public void bindMetrics(MeterRegistry registry) {
        configured.forEach((name, gate) -> Gauge.builder(CIRCUIT_STATE_METRIC, gate, ConnectionGate::stateCode)
                .tag("connection", name)
                .description("circuit breaker of the connection: 0 closed, 1 half-open, 2 open")
                .register(registry));
    }

    @Override
    public void close() {
        gates.values().forEach(ConnectionGate::close);
        timer.shutdownNow();
    }
}
