package io.participantsync.delivery;

/**
 * A call was not made: its connection's circuit breaker keeps calls back (the provider failed repeatedly and the
 * breaker's wait has not passed, or its one probe is under way). Not an attempt; the delivery's error handler decides
 * whether the record tries again after {@link #retryAfterMs()}.
 */
public final class BreakerOpenException extends RuntimeException {

    private final String connection;
    private final long retryAfterMs;

    public BreakerOpenException(String connection, long retryAfterMs) {
        super("circuit breaker of connection '" + connection + "' is open (the provider failed repeatedly)", null,
                false, false);
        this.connection = connection;
        this.retryAfterMs = retryAfterMs;
    }

    public String connection() {
        return connection;
    }

    /** When the breaker may let a call through again. */
    public long retryAfterMs() {
        return retryAfterMs;
    }
}
