package io.participantsync.observe;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * The Camel readiness check of participant-sync: asks every {@link ReadinessCheck} bound in the Camel registry (found
 * on each call, so checks bound later count too) and is down when any of them is. Not a liveness check: a broker or
 * database outage makes the service unready, not dead.
 */
public final class ReadinessHealthCheck extends AbstractHealthCheck {

    /** The id under which the check appears in {@code /observe/health}. */
    public static final String ID = "participant-sync-dependencies";

    private final Supplier<CamelContext> camel;

    /**
     * @param camel the Camel context whose registry holds the {@link ReadinessCheck}s (Camel's registry repository
     *              does not inject the context into health checks it finds as beans)
     */
    public ReadinessHealthCheck(Supplier<CamelContext> camel) {
        super("participant-sync", ID);
        this.camel = camel;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    public boolean isReadiness() {
        return true;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        CamelContext context = getCamelContext() != null ? getCamelContext() : camel.get();
        List<ReadinessCheck> checks = new ArrayList<>(context.getRegistry().findByType(ReadinessCheck.class));
        checks.sort(Comparator.comparing(ReadinessCheck::name));
        List<String> down = new ArrayList<>();
        for (ReadinessCheck check : checks) {
            ReadinessCheck.Result result = run(check);
            String name = printable(check.name());
            String reason = printable(result.reason());
            builder.detail(name, result.ready() ? "UP" : "DOWN: " + reason);
            if (!result.ready()) {
                down.add(name + " (" + reason + ")");
            }
        }
        if (down.isEmpty()) {
            builder.message(checks.isEmpty() ? "no dependency to check" : "all dependencies reachable");
            builder.up();
        } else {
            builder.message("not ready: " + String.join(", ", down));
            builder.down();
        }
    }

    /** Camel's management server writes messages into its JSON answer without escaping them. */
    static String printable(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            sb.append(c == '"' ? '\'' : c == '\\' || Character.isISOControl(c) ? ' ' : c);
        }
        return sb.toString();
    }

    private static ReadinessCheck.Result run(ReadinessCheck check) {
        try {
            ReadinessCheck.Result r = check.check();
            return r == null ? ReadinessCheck.Result.down("no answer") : r;
        } catch (RuntimeException e) {
            return ReadinessCheck.Result.down(e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }
}
