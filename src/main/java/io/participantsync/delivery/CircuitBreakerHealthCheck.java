package io.participantsync.delivery;

import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness check {@code participant-sync/circuit-breakers}: per connection, {@code <name>.circuit} =
 * {@code CLOSED}, {@code HALF_OPEN} or {@code OPEN}, {@code <name>.in-flight}, {@code <name>.waiting} (records read
 * and waiting, not in a call) and {@code <name>.held-by} ({@code none}, or what holds its records: rate limit,
 * circuit breaker, token request limit). It stays UP while connections are held: the instance still accepts input
 * and the waiting records go out once the provider recovers; the details say which provider is down or limited.
 */
public final class CircuitBreakerHealthCheck extends AbstractHealthCheck {

    private final ConnectionGates gates;

    public CircuitBreakerHealthCheck(ConnectionGates gates) {
        super("participant-sync", "circuit-breakers");
        this.gates = gates;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        gates.configured().forEach((name, gate) -> {
            builder.detail(name + ".circuit", gate.state().name());
            builder.detail(name + ".in-flight", gate.inFlight());
            builder.detail(name + ".waiting", gates.recordsWaiting(name));
            builder.detail(name + ".held-by", gates.holds().describe(name));
        });
        builder.up();
    }
}
