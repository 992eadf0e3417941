package io.participantsync.core;

import io.participantsync.delivery.ConnectionGates;
import io.participantsync.delivery.ConnectionLimits;
import io.participantsync.model.DeliveryException;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteConfigurationBuilder;

/**
 * Retries and failures of {@code dispatch-update}, in one route configuration: a transient {@link DeliveryException}
 * (connection error, timeout, 408, 429, 5xx) is redelivered with exponential backoff and jitter, honouring the
 * provider's Retry-After, while the record has attempts ({@code connections.<name>.max-attempts}) and time
 * ({@code connections.<name>.retry-budget}) left; then, or at once for a permanent error, the exception is handled
 * and recorded as the record's outcome (failed or rejected). Redelivery is synchronous on purpose: it waits on the
 * record's delivery lane, so no later update of the same participant overtakes it.
 */
public final class DeliveryErrorHandling extends RouteConfigurationBuilder {

    private final OutcomeRecorder recorder;
    private final DeliveryPolicy policy;
    private final ConnectionGates gates;

    public DeliveryErrorHandling(OutcomeRecorder recorder, DeliveryPolicy policy, ConnectionGates gates) {
        this.recorder = recorder;
        this.policy = policy;
        this.gates = gates;
    }

    @Override
    public void configuration() {
        routeConfiguration(Endpoints.ERROR_HANDLING)
                .onException(DeliveryException.class)
                    .retryWhile(this::retryable)
                    .redeliveryDelay(policy.initialBackoffMs())
                    .useExponentialBackOff()
                    .backOffMultiplier(policy.backoffMultiplier())
                    .maximumRedeliveryDelay(policy.maxBackoffMs())
                    .useCollisionAvoidance()
                    .onExceptionOccurred(this::honourRetryAfter)
                    .logRetryAttempted(false)
                    .logExhausted(false)
                    .handled(true)
                    .process(recorder::recordHandled)
                .end()
                .onException(Exception.class)
                    .handled(true)
                    .logExhausted(false)
                    .process(recorder::recordHandled)
                .end();
    }

    private boolean retryable(Exchange e) {
        DeliveryException d = exception(e);
        Plan plan = e.getProperty(Headers.PLAN, Plan.class);
        if (d == null || !d.transientError() || !(plan instanceof Plan.Deliver)) {
            return false;
        }
        ConnectionLimits limits = gates.gate(plan.connectionName()).limits();
        int attempts = e.getProperty(Headers.ATTEMPTS, 0, Integer.class);
        return attempts < limits.maxAttempts() && budgetLeft(e, limits);
    }

    /** Time since the first try, less the time queued for the connection's limits, is within the retry budget. */
    private static boolean budgetLeft(Exchange e, ConnectionLimits limits) {
        Long first = e.getProperty(Headers.FIRST_TRY_NANOS, Long.class);
        if (first == null) {
            return true;
        }
        long spent = System.nanoTime() - first - e.getProperty(Headers.QUEUED_NANOS, 0L, Long.class);
        return spent < limits.retryBudget().toNanos();
    }

    /** Retry-After wins over the computed backoff (capped at the maximum backoff). */
    private void honourRetryAfter(Exchange e) {
        DeliveryException d = exception(e);
        if (d != null && d.retryAfterMs() >= 0) {
            e.getIn().setHeader(Exchange.REDELIVERY_DELAY, Math.min(d.retryAfterMs(), policy.maxBackoffMs()));
        } else {
            e.getIn().removeHeader(Exchange.REDELIVERY_DELAY);
        }
    }

    /**
     * The failure of the attempt that just ended. Camel adds the previous attempt's exception to the new one as
     * suppressed, and {@code getException(Class)} searches those too: it could return an earlier transient error and
     * retry a permanent one.
     */
    private static DeliveryException exception(Exchange e) {
        if (e.getException() instanceof DeliveryException current) {
            return current;
        }
        DeliveryException d = e.getException(DeliveryException.class);
        if (d == null) {
            d = e.getProperty(Exchange.EXCEPTION_CAUGHT, DeliveryException.class);
        }
        return d;
    }
}
