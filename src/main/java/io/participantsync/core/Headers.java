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

    // exchange properties
    static final String PLAN = "PsPlan";
    static final String ATTEMPTS = "PsAttempts";
    static final String STARTED_AT = "PsStartedAt";
    static final String RESPONSE = "PsResponse";
    static final String RECORDED = "PsRecorded";
    static final String RECORDS = "PsRecords";
    /** The source ids a batch registered with the Dispatcher when it opened (unregistered when it closes). */
    static final String OPEN_SOURCES = "PsOpenSources";
    /** Set once an attempt's update call got no answer (it may have been applied): later attempts reconcile. */
    static final String ANSWER_LOST = "PsAnswerLost";
    /** The {@code Reconciliation} of a record found already updated after a lost answer. */
    static final String RECONCILIATION = "PsReconciliation";
    /** {@link System#nanoTime()} of a record's first delivery try: its retry budget starts there. */
    static final String FIRST_TRY_NANOS = "PsFirstTryNanos";
    /** Time a record spent queueing for its connection's concurrency and rate limits (not in its retry budget). */
    static final String QUEUED_NANOS = "PsQueuedNanos";

    private Headers() {
    }
}
