package io.participantsync.core;

/** The core's entry points and route ids. Edges in routes/ end in {@link #INGEST_BATCH}. */
public final class Endpoints {

    /** Body: a {@link RecordSource} (or any Iterable/Iterator of ParticipantUpdate); headers: see {@link Headers}. */
    public static final String INGEST_BATCH = "direct:ingest-batch";
    /** One record, from its participant's turn to its outcome. */
    public static final String DISPATCH_UPDATE = "direct:dispatch-update";
    /** One record's calls, tried again as a whole by {@link #DELIVERY_RETRIES}. */
    public static final String DELIVER = "direct:deliver";
    /** One attempt: its calls, each through the connection's gate and camel-http. */
    public static final String CALL_PROVIDER = "direct:call-provider";
    /** The route configuration that decides whether a failed attempt is tried again (route {@code deliver}). */
    public static final String DELIVERY_RETRIES = "delivery-retries";
    /** The route configuration that turns any other error of a record into its outcome. */
    public static final String RECORD_ERRORS = "record-errors";

    private Endpoints() {
    }
}
