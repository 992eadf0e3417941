package io.participantsync.core;

/** Header and exchange-property names of the core. */
public final class Headers {

    /** Optional batch id (generated when absent). */
    public static final String BATCH_ID = "PsBatchId";
    /** Input kind: csv, http, jms, kafka, sync-job, cli. */
    public static final String SOURCE_KIND = "PsSourceKind";
    /** File name, request id or message id. */
    public static final String SOURCE_NAME = "PsSourceName";
    /** Where to write the JSON batch report (optional). */
    public static final String REPORT_PATH = "PsReportPath";
    /**
     * Optional stable identity of the input (e.g. {@code csv:<sha256>}): its records are checkpointed under it, so a
     * run interrupted by a crash resumes where it stopped (see {@link Checkpoints}).
     */
    public static final String SOURCE_ID = "PsSourceId";
    /** Optional {@code Consumer<DeliveryOutcome>} told of each outcome (the CLI's progress line). */
    public static final String OUTCOME_LISTENER = "PsOutcomeListener";

    // exchange properties of a batch
    /** The batch's id, on the batch and on each of its records. */
    static final String BATCH = "PsBatch";
    static final String RECORDS = "PsRecords";
    /** The source ids a batch registered with the Dispatcher when it opened (unregistered when it closes). */
    static final String OPEN_SOURCES = "PsOpenSources";
    /** Why reading a batch stopped before its end (its report says so). */
    static final String READING_STOPPED = "PsReadingStopped";

    // exchange properties of a record
    /** Its place in its participant's queue ({@code ParticipantTurns.Turn}). */
    static final String TURN = "PsTurn";
    /** The connection (or pseudo-connection) whose records in memory it counts towards. */
    static final String ADMITTED = "PsAdmitted";
    static final String PLAN = "PsPlan";
    /** The {@link Delivery} of a record that calls its provider. */
    static final String DELIVERY = "PsDelivery";
    /** Set once the record's write-ahead mark is durable. */
    static final String MARKED = "PsMarked";
    static final String STARTED_AT = "PsStartedAt";
    static final String RECORDED = "PsRecorded";

    private Headers() {
    }
}
