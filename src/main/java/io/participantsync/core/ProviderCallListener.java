package io.participantsync.core;

import io.participantsync.provider.Connection;

/**
 * Told of every HTTP call {@link ProviderCaller} makes to a provider (guard reads and updates, failed calls too), with
 * how long it took. Called on the delivery thread: implementations must be fast and must not throw.
 */
@FunctionalInterface
public interface ProviderCallListener {

    /** A listener that ignores every call. */
    ProviderCallListener NONE = (connection, status, nanos) -> { };

    /**
     * @param status the HTTP status of the answer, or 0 when no answer arrived (connection refused or reset,
     *               timeout)
     * @param nanos  time from sending the request to having read the answer (or the I/O error)
     */
    void onCall(Connection connection, int status, long nanos);
}
