package io.participantsync.core;

import io.participantsync.model.DeliveryException;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteConfigurationBuilder;

/**
 * Retries and failures of {@code dispatch-update}, in one route configuration: a transient {@link DeliveryException}
 * (connection error, timeout, 408, 429, 5xx) is redelivered with exponential backoff and jitter, asynchronously (no
 * thread sleeps), honouring the provider's Retry-After, until {@code delivery.max-attempts}; then, or at once for a
 * permanent error, the exception is handled and recorded as the record's outcome (failed or rejected).
 */
public final class DeliveryErrorHandling extends RouteConfigurationBuilder {

    private final OutcomeRecorder recorder;
    private final DeliveryPolicy policy;

    public DeliveryErrorHandling(OutcomeRecorder recorder, DeliveryPolicy policy) {
        this.recorder = recorder;
        this.policy = policy;
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
                    .asyncDelayedRedelivery()
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
        int attempts = e.getProperty(Headers.ATTEMPTS, 0, Integer.class);
        return d != null && d.transientError() && attempts < policy.maxAttempts();
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
