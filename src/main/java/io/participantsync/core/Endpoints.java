package io.participantsync.core;

/** The core's entry points and route ids. Edges in routes/ end in {@link #INGEST_BATCH}. */
public final class Endpoints {

    /** Body: a {@link RecordSource} (or any Iterable/Iterator of ParticipantUpdate); headers: see {@link Headers}. */
    public static final String INGEST_BATCH = "direct:ingest-batch";
    public static final String DISPATCH_UPDATE = "direct:dispatch-update";
    public static final String ERROR_HANDLING = "delivery-error-handling";

    private Endpoints() {
    }
}
