package io.participantsync.model;

/**
 * A call to a provider (or its token endpoint) did not succeed. {@link #transientError()} says whether trying again
 * later may help (connection error, timeout, 408, 429, 5xx); {@code retryAfterMs} is the provider's Retry-After, or
 * -1. {@code category} is what the dead letter's {@code error_category} shows.
 */
public final class DeliveryException extends RuntimeException {

    private final ProviderError error;
    private final boolean transientError;
    private final long retryAfterMs;
    private final String category;
    private final boolean unauthorized;

    public DeliveryException(ProviderError error, boolean transientError, long retryAfterMs, String category) {
        this(error, transientError, retryAfterMs, category, false);
    }

    private DeliveryException(ProviderError error, boolean transientError, long retryAfterMs, String category,
            boolean unauthorized) {
        super(error.toString());
        this.error = error;
        this.transientError = transientError;
        this.retryAfterMs = retryAfterMs;
        this.category = category;
        this.unauthorized = unauthorized;
    }

    /**
     * The provider answered 401: permanent ({@code authentication}) unless a fresh token helps, which the delivery's
     * error handler tries once.
     */
    public static DeliveryException unauthorized(ProviderError error) {
        return new DeliveryException(error, false, -1, "authentication", true);
    }

    public static DeliveryException transientFailure(ProviderError error, long retryAfterMs) {
        return new DeliveryException(error, true, retryAfterMs, "transient");
    }

    public static DeliveryException permanent(ProviderError error, String category) {
        return new DeliveryException(error, false, -1, category);
    }

    public ProviderError error() {
        return error;
    }

    public boolean transientError() {
        return transientError;
    }

    public long retryAfterMs() {
        return retryAfterMs;
    }

    public String category() {
        return category;
    }

    /**
     * No stack trace: a delivery failure is an outcome, not a bug, and its message (with the cause of a lost answer)
     * says all there is; an outage makes thousands of them.
     */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }

    /** A 401: the token used may be stale (see {@link #unauthorized}). */
    public boolean unauthorized() {
        return unauthorized;
    }
}
