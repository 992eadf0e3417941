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

    public DeliveryException(ProviderError error, boolean transientError, long retryAfterMs, String category) {
        super(error.toString());
        this.error = error;
        this.transientError = transientError;
        this.retryAfterMs = retryAfterMs;
        this.category = category;
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
}
