package io.participantsync.delivery;

/**
 * A call was not made: its connection's circuit breaker stayed open until the record's retry budget ran out. Not an
 * attempt; the caller turns it into a transient failure.
 */
public final class BreakerOpenException extends RuntimeException {

    private final String connection;

    public BreakerOpenException(String connection) {
        super("circuit breaker of connection '" + connection + "' is open (the provider failed repeatedly); "
                + "the retry budget ran out while waiting for it");
        this.connection = connection;
    }

    public String connection() {
        return connection;
    }
}
