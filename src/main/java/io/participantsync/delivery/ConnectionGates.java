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
import java.util.function.ToIntFunction;

/**
 * The {@link ConnectionGate} of every configured connection, built once at startup from their
 * {@link ConnectionLimits}; its state feeds the readiness check and the {@code participant_sync_circuit_state}
 * gauge. A connection it does not know (only in tests that build connections by hand) gets a gate without rate
 * limit. {@link #close()} stops every gate's call threads.
 */
public final class ConnectionGates implements AutoCloseable {

    /** The metric: 0 closed, 1 half-open, 2 open, tagged {@code connection}. */
    public static final String CIRCUIT_STATE_METRIC = "participant_sync_circuit_state";
    /** The metric: records of the connection read and waiting (no outcome yet, not in a call), tagged {@code connection}. */
    public static final String RECORDS_WAITING_METRIC = "participant_sync_records_waiting";

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "connection-gates");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, ConnectionGate> gates = new ConcurrentHashMap<>();
    private final Map<String, ConnectionGate> configured;
    private final ConnectionHolds holds;
    // records each connection holds in memory (read, no outcome yet): see Admission
    private volatile ToIntFunction<String> holding = c -> 0;

    public ConnectionGates(Map<String, ConnectionLimits> limits) {
        this(limits, new ConnectionHolds());
    }

    /** @param holds what holds each connection (rate limit, breaker; the token service adds its own) */
    public ConnectionGates(Map<String, ConnectionLimits> limits, ConnectionHolds holds) {
        this.holds = holds;
        Map<String, ConnectionGate> byName = new LinkedHashMap<>();
        limits.forEach((name, l) -> byName.put(name, new ConnectionGate(l, timer, holds)));
        this.configured = Collections.unmodifiableMap(byName);
        gates.putAll(byName);
    }

    /** Gates for hand-built connections: no rate limit, 64 calls in flight, a breaker after 1000 failures. */
    public static ConnectionGates unlimited() {
        return new ConnectionGates(Map.of());
    }

    public ConnectionGate gate(String connection) {
        return gates.computeIfAbsent(connection, n -> new ConnectionGate(new ConnectionLimits(n, 64, null, 1,
                Duration.ofMinutes(5), 1000, Duration.ofSeconds(1)), timer, holds));
    }

    public ConnectionHolds holds() {
        return holds;
    }

    /** Where the records each connection holds in memory are counted ({@link Admission#holding}). */
    public void countHoldingWith(ToIntFunction<String> holding) {
        this.holding = holding;
    }

    /**
     * Records of {@code connection} read and without an outcome that are not in a call now: waiting for their turn,
     * a permit, a rate-limit slot, a retry or the breaker.
     */
    public int recordsWaiting(String connection) {
        ConnectionGate gate = gates.get(connection);
        return Math.max(0, holding.applyAsInt(connection) - (gate == null ? 0 : gate.inFlight()));
    }

    /** The configured connections' gates, in configuration order. */
    public Map<String, ConnectionGate> configured() {
        return configured;
    }

    /**
     * Registers the {@code participant_sync_circuit_state{connection}} and
     * {@code participant_sync_records_waiting{connection}} gauges of each configured connection.
     */
    public void bindMetrics(MeterRegistry registry) {
        configured.forEach((name, gate) -> {
            Gauge.builder(CIRCUIT_STATE_METRIC, gate, ConnectionGate::stateCode)
                    .tag("connection", name)
                    .description("circuit breaker of the connection: 0 closed, 1 half-open, 2 open")
                    .register(registry);
            Gauge.builder(RECORDS_WAITING_METRIC, this, g -> g.recordsWaiting(name))
                    .tag("connection", name)
                    .description("records of the connection read and waiting (for their turn, a permit, a "
                            + "rate-limit slot, a retry or the circuit breaker), not in a call")
                    .register(registry);
        });
    }

    @Override
    public void close() {
        gates.values().forEach(ConnectionGate::close);
        timer.shutdownNow();
    }
}
