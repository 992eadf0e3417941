package io.participantsync.sync;

/** A sync job's source could not be read at all (no connection, a failing query, an HTTP error): the run is empty. */
final class SourceException extends Exception {

    private static final long serialVersionUID = 1L;

    SourceException(String message) {
        super(message, null, false, false);
    }
}
