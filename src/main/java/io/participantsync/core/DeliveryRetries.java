package io.participantsync.core;

import io.participantsync.delivery.ConnectionGates;
import io.participantsync.delivery.ConnectionLimits;
import io.participantsync.model.DeliveryException;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteConfigurationBuilder;

/**
 * The one place that decides whether a record tries again. Route configuration {@code delivery-retries} (route
 * {@code deliver}): a failed attempt is tried again as a whole, by Camel's asynchronous redelivery (the record waits
 * on a timer, holding no thread), when
 * <ul>
 * <li>it was transient (connection error, timeout, 408, 429, 5xx, an open circuit breaker, a token request limit),
 * and the record has attempts ({@code connections.<name>.max-attempts}) and time ({@code retry-budget}, less the time
 * it queued for its connection's limits) left: after exponential backoff with jitter, or the provider's Retry-After
 * (capped at the maximum backoff), or when the breaker lets a call through again; or</li>
 * <li>it was a 401 on a connection with OAuth tokens and no fresh token was tried yet for the record: at once, with
 * a fresh token.</li>
 * </ul>
 * Otherwise the failure is handled and becomes the record's outcome ({@code failed} or {@code rejected}).
 * Configuration {@code record-errors} (route {@code dispatch-update}) turns any other error into the outcome.
 */
public final class DeliveryRetries extends RouteConfigurationBuilder {

    /** The decision of {@link #decide}, until the error handler asks. */
    private static final String TRY_AGAIN = "PsTryAgain";

    private final OutcomeRecorder recorder;
    private final DeliveryPolicy policy;
    private final ConnectionGates gates;
    private final ProviderCalls calls;

    public DeliveryRetries(OutcomeRecorder recorder, DeliveryPolicy policy, ConnectionGates gates,
            ProviderCalls calls) {
        this.recorder = recorder;
        this.policy = policy;
        this.gates = gates;
        this.calls = calls;
    }

    @Override
    public void configuration() {
        routeConfiguration(Endpoints.DELIVERY_RETRIES)
                .onException(DeliveryException.class)
                    .onExceptionOccurred(this::decide)
                    .retryWhile(e -> Boolean.TRUE.equals(e.getProperty(TRY_AGAIN, Boolean.class)))
                    .asyncDelayedRedelivery()
                    .redeliveryDelay(policy.initialBackoffMs())
                    .useExponentialBackOff()
                    .backOffMultiplier(policy.backoffMultiplier())
                    .maximumRedeliveryDelay(policy.maxBackoffMs())
                    .useCollisionAvoidance()
                    .logRetryAttempted(false)
                    .logExhausted(false)
                    .handled(true)
                    .process(recorder::recordHandled)
                .end()
                .onException(Exception.class)
                    .onExceptionOccurred(e -> release(e))
                    .handled(true)
                    .logExhausted(false)
                    .process(recorder::recordHandled)
                .end();
        routeConfiguration(Endpoints.RECORD_ERRORS)
                .onException(Exception.class)
                    .handled(true)
                    .logExhausted(false)
                    .process(recorder::recordHandled)
                .end();
    }

    /**
     * Decides after each failed attempt, before Camel computes the delay: frees the permit a failed call may still
     * hold, then whether to try again and when (a Retry-After or breaker wait wins over the computed backoff).
     */
    private void decide(Exchange e) {
        Delivery d = release(e);
        DeliveryException failure = exception(e);
        boolean again = d != null && failure != null && tryAgain(d, failure);
        e.setProperty(TRY_AGAIN, again);
        if (!again) {
            return;
        }
        long delay = -1;
        if (failure.unauthorized()) {
            d.reauthenticating();
            calls.invalidateToken(d);
            delay = 0;
        } else if (failure.retryAfterMs() >= 0) {
            delay = Math.min(failure.retryAfterMs(), policy.maxBackoffMs());
            if ("circuit_open".equals(failure.error().code())) {
                // many records wait for one breaker: spread them so they do not all ask at once
                delay += ThreadLocalRandom.current().nextLong(Math.max(1, delay / 5) + 1);
            }
        }
        if (delay >= 0) {
            e.getIn().setHeader(Exchange.REDELIVERY_DELAY, delay);
        } else {
            e.getIn().removeHeader(Exchange.REDELIVERY_DELAY);
        }
    }

    private boolean tryAgain(Delivery d, DeliveryException failure) {
        if (failure.unauthorized()) {
            return !d.reauthenticated() && calls.renewable(d);
        }
        if (!failure.transientError()) {
            return false;
        }
        ConnectionLimits limits = gates.gate(d.plan().connectionName()).limits();
        return d.attempts() < limits.maxAttempts()
                && d.spentNanos(System.nanoTime()) < limits.retryBudget().toNanos();
    }

    private static Delivery release(Exchange e) {
        Delivery d = e.getProperty(Headers.DELIVERY, Delivery.class);
        if (d != null) {
            d.releasePass();
        }
        return d;
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
