package io.participantsync.core;

import io.participantsync.config.Connections;
import io.participantsync.delivery.Admission;
import io.participantsync.delivery.OrderingKey;
import io.participantsync.delivery.ParticipantTurns;
import io.participantsync.model.DeliveryOutcome;
import io.participantsync.model.ParticipantUpdate;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;
import org.apache.camel.support.AsyncProcessorSupport;
import org.apache.camel.support.SynchronizationAdapter;

/**
 * The one core path every edge ends in, as four routes:
 * <ul>
 * <li>{@code ingest-batch}: opens the batch, reads its records on a reader thread of its own (the edge that took
 * the input is free at once), and for each record waits while the record's connection holds its maximum of records
 * in memory ({@code delivery.max-waiting-per-connection}: back-pressure on this source only), takes the record's turn
 * in its participant's queue, and hands it over to {@code dispatch-update} (a wire tap); then waits, holding no thread,
 * for every record's outcome, and closes the batch with its report.</li>
 * <li>{@code dispatch-update}, one record: waits for its participant's turn (arrival order per participant; other
 * participants go in parallel), plans it, skips the call when there is nothing to send, makes its write-ahead mark
 * durable, delivers it and records its one outcome.</li>
 * <li>{@code deliver}: the record's calls as one step, which {@link DeliveryRetries} (the one place that decides to
 * try again) redelivers as a whole after a transient failure, asynchronously.</li>
 * <li>{@code call-provider}, one attempt: for each of its calls (a read first when the record is in doubt,
 * SigningHub's guard read, the update), waits for the connection's permit, sends the request with camel-http on one
 * of the connection's call threads, classifies the answer and reconciles it with what the record needs.</li>
 * </ul>
 * No step holds a thread while a record waits for its turn, its mark, a permit, a backoff or a breaker.
 */
public final class CoreRoutes extends RouteBuilder {

    /** The camel-http endpoint of provider calls: each call's full URL is in {@code CamelHttpUri}. */
    static final String PROVIDER_HTTP = "http://provider?throwExceptionOnFailure=false";
    /** The pseudo-connection of records whose connection cannot be resolved (they are rejected without a call). */
    static final String NO_CONNECTION = "(none)";

    private final Dispatcher dispatcher;
    private final ProviderCalls calls;
    private final OutcomeRecorder recorder;
    private final Batches batches;
    private final ParticipantTurns turns;
    private final Admission admission;
    private final Connections connections;
    private final Checkpoints checkpoints;
    private final Clock clock;
    private final int maxReaders;
    private volatile ExecutorService readers;

    /**
     * @param maxReaders batches read at once, each on a thread of its own while it reads (a reader waits while the
     *                   connection of its next record is full); more wait for a reader
     */
    public CoreRoutes(Dispatcher dispatcher, ProviderCalls calls, OutcomeRecorder recorder, Batches batches,
            ParticipantTurns turns, Admission admission, Connections connections, Checkpoints checkpoints,
            Clock clock, int maxReaders) {
        this.dispatcher = dispatcher;
        this.calls = calls;
        this.recorder = recorder;
        this.batches = batches;
        this.turns = turns;
        this.admission = admission;
        this.connections = connections;
        this.checkpoints = checkpoints;
        this.clock = clock;
        this.maxReaders = maxReaders;
    }

    @Override
    public void configure() {
        ThreadPoolProfile readerPool = new ThreadPoolProfile("batch-readers");
        readerPool.setPoolSize(1);
        readerPool.setMaxPoolSize(maxReaders);
        // no queue: a batch gets a reader of its own at once (beyond maxReaders, its caller reads it)
        readerPool.setMaxQueueSize(0);
        readerPool.setKeepAliveTime(60L);
        readerPool.setRejectedPolicy(ThreadPoolRejectedPolicy.CallerRuns);
        readerPool.setAllowCoreThreadTimeOut(true);
        readers = getContext().getExecutorServiceManager().newThreadPool(this, "batch-reader", readerPool);

        from(Endpoints.INGEST_BATCH).routeId("ingest-batch")
                .process(this::openBatch).id("open-batch")
                .threads().executorService(readers).id("read-on-own-thread")
                .doTry().id("read")
                    .split(body()).streaming().stopOnException().id("read-records")
                        .process(this::admit).id("admit")
                        .wireTap(Endpoints.DISPATCH_UPDATE).id("hand-over")
                    .end()
                .endDoTry()
                .doCatch(Exception.class)
                    .process(this::readingStopped)
                .end()
                .process(new AwaitOutcomes()).id("await-outcomes")
                .process(this::closeBatch).id("close-batch");

        from(Endpoints.DISPATCH_UPDATE).routeId("dispatch-update")
                .routeConfigurationId(Endpoints.RECORD_ERRORS)
                .process(new AwaitTurn()).id("await-turn")
                .process(this::plan).id("plan")
                .filter(exchangeProperty(Headers.PLAN).isInstanceOf(Plan.Deliver.class)).id("skip-unless-sending")
                    .process(new WriteAheadMark()).id("write-ahead-mark")
                    .to(Endpoints.DELIVER).id("send")
                .end()
                .process(recorder::record).id("record-outcome");

        from(Endpoints.DELIVER).routeId("deliver")
                .routeConfigurationId(Endpoints.DELIVERY_RETRIES)
                .to(Endpoints.CALL_PROVIDER).id("attempt");

        from(Endpoints.CALL_PROVIDER).routeId("call-provider")
                .errorHandler(noErrorHandler())
                .process(calls::startAttempt).id("start-attempt")
                .loopDoWhile(calls::hasCall).id("calls")
                    .process(calls.awaitPermit()).id("await-permit")
                    .doTry()
                        .process(calls::prepareRequest).id("prepare-request")
                        .to(PROVIDER_HTTP).id("http")
                    .doCatch(Exception.class)
                        .process(calls::callFailed)
                    .end()
                    .process(calls::classify).id("classify-answer")
                    .process(calls::reconcile).id("reconcile")
                .end();
    }

    @SuppressWarnings("unchecked")
    private void openBatch(Exchange e) {
        String id = e.getIn().getHeader(Headers.BATCH_ID, String.class);
        if (id == null || id.isBlank()) {
            id = UUID.randomUUID().toString();
            e.getIn().setHeader(Headers.BATCH_ID, id);
        }
        String report = e.getIn().getHeader(Headers.REPORT_PATH, String.class);
        Consumer<DeliveryOutcome> listener = e.getIn().getHeader(Headers.OUTCOME_LISTENER, Consumer.class);
        batches.open(id, e.getIn().getHeader(Headers.SOURCE_KIND, "unknown", String.class),
                e.getIn().getHeader(Headers.SOURCE_NAME, id, String.class), report == null ? null : Path.of(report),
                listener);
        e.setProperty(Headers.BATCH, id);
        Object body = e.getIn().getBody();
        String sourceId = e.getIn().getHeader(Headers.SOURCE_ID, String.class);
        if (sourceId != null && !sourceId.isBlank() && body instanceof RecordSource records) {
            body = RecordSource.checkpointed(records, sourceId);
            e.getIn().setBody(body);
        }
        List<String> sources = body instanceof RecordSource records ? records.sourceIds() : List.of();
        if (!sources.isEmpty()) {
            sources.forEach(dispatcher::sourceOpened);
            e.setProperty(Headers.OPEN_SOURCES, sources);
        }
        e.setProperty(Headers.RECORDS, body);
    }

    /**
     * On the reader, in arrival order: counts the record in its batch, waits while its connection holds its maximum
     * of records in memory, and takes its participant's next turn. Should the record not be handed over after all,
     * it still gets its outcome (failed, internal).
     */
    private void admit(Exchange record) throws InterruptedException {
        record.removeProperty(Headers.RECORDS);
        record.removeProperty(Headers.OPEN_SOURCES);
        // the input's headers (a file's, a message's) are the batch's: the record needs none of them
        record.getIn().getHeaders().clear();
        batches.handedOver(record.getProperty(Headers.BATCH, String.class));
        record.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onFailure(Exchange failed) {
                failed.setProperty(Exchange.EXCEPTION_CAUGHT, failed.getException());
                recorder.recordHandled(failed);
            }
        });
        Object body = record.getIn().getBody();
        OrderingKey key;
        String connection = NO_CONNECTION;
        if (body instanceof ParticipantUpdate u) {
            key = OrderingKey.of(u, connections);
            String provider = u.provider() == null ? null : u.provider().trim().toLowerCase(java.util.Locale.ROOT);
            Connections.Resolution r = provider == null ? null : connections.resolve(provider, u.connection());
            if (r != null && r.connection() != null) {
                connection = r.connection().name();
            }
        } else {
            key = new OrderingKey(String.valueOf(body), null);
        }
        admission.admit(connection);
        record.setProperty(Headers.ADMITTED, connection);
        record.setProperty(Headers.TURN, turns.reserve(key));
    }

    /** The split broke (not a record: e.g. the file could not be read on): the report says so. */
    private void readingStopped(Exchange e) {
        Exception caught = e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        e.removeProperty(Exchange.EXCEPTION_CAUGHT);
        e.setProperty(Headers.READING_STOPPED, "batch stopped early: " + (caught == null ? "unknown error"
                : caught.getMessage()));
    }

    private void closeBatch(Exchange e) {
        Object records = e.getProperty(Headers.RECORDS);
        List<String> notes = new ArrayList<>();
        String failure = null;
        if (records instanceof RecordSource source) {
            notes.addAll(source.notes());
            failure = source.failure();
        }
        String stopped = e.getProperty(Headers.READING_STOPPED, String.class);
        if (stopped != null) {
            notes.add(stopped);
            failure = failure == null ? stopped : failure;
        }
        List<?> openSources = e.getProperty(Headers.OPEN_SOURCES, List.class);
        if (openSources != null) {
            openSources.forEach(id -> dispatcher.sourceClosed((String) id));
        }
        BatchReport report = batches.close(e.getProperty(Headers.BATCH, String.class), notes, failure);
        e.getIn().setBody(report);
    }

    /** Plans the record: resumed, rejected, unchanged, or to be sent (see {@link Dispatcher}). */
    private void plan(Exchange e) {
        e.setProperty(Headers.STARTED_AT, clock.instant());
        Plan plan = dispatcher.plan(e.getIn().getBody(ParticipantUpdate.class));
        e.setProperty(Headers.PLAN, plan);
        if (plan instanceof Plan.Deliver deliver) {
            e.setProperty(Headers.DELIVERY, new Delivery(deliver, deliver.inDoubt()));
        }
    }

    /**
     * The batch's reading is done (the source is closed at once): the batch waits, holding no thread, until every
     * record handed over has its outcome, then goes on on a reader thread (the report may be long to write).
     */
    private final class AwaitOutcomes extends AsyncProcessorSupport {
        @Override
        public boolean process(Exchange exchange, AsyncCallback callback) {
            if (exchange.getProperty(Headers.RECORDS) instanceof RecordSource source) {
                source.close();
            }
            // 0: in process(), 1: returned (the batch goes on later), 2: every outcome was in before it returned
            AtomicInteger state = new AtomicInteger();
            batches.whenAllRecorded(exchange.getProperty(Headers.BATCH, String.class), () -> {
                if (!state.compareAndSet(0, 2)) {
                    readers.execute(() -> callback.done(false));
                }
            });
            if (state.compareAndSet(0, 1)) {
                return false;
            }
            callback.done(true);
            return true;
        }

        @Override
        public String toString() {
            return "awaitOutcomes";
        }
    }

    /** Parks the record until every earlier record of its participant has its outcome. */
    private final class AwaitTurn extends AsyncProcessorSupport {
        @Override
        public boolean process(Exchange exchange, AsyncCallback callback) {
            exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                @Override
                public void onDone(Exchange done) {
                    if (!Boolean.TRUE.equals(done.getProperty(Headers.RECORDED, Boolean.class))) {
                        // a record must never end without an outcome (nor keep its participant's turn)
                        done.setProperty(Exchange.EXCEPTION_CAUGHT, done.getException() != null
                                ? done.getException()
                                : new IllegalStateException("the record left dispatch-update without an outcome"));
                        recorder.recordHandled(done);
                    }
                }
            });
            ParticipantTurns.Turn turn = exchange.getProperty(Headers.TURN, ParticipantTurns.Turn.class);
            if (turn == null || turns.await(turn, () -> callback.done(false))) {
                callback.done(true);
                return true;
            }
            return false;
        }

        @Override
        public String toString() {
            return "awaitTurn";
        }
    }

    /**
     * Makes the record's write-ahead mark durable before its call can go out (the checkpoint writer commits marks in
     * groups, as soon as it is free), holding no thread meanwhile. A record that is not checkpointed, or whose mark
     * an earlier run made, goes on at once.
     */
    private final class WriteAheadMark extends AsyncProcessorSupport {
        @Override
        public boolean process(Exchange exchange, AsyncCallback callback) {
            Plan.Deliver plan = exchange.getProperty(Headers.PLAN, Plan.Deliver.class);
            ParticipantUpdate u = plan.update();
            String sourceId = u.source() == null ? null : u.source().sourceId();
            if (sourceId == null || plan.inDoubt()) {
                callback.done(true);
                return true;
            }
            Checkpoint mark = Checkpoint.mark(sourceId, u.source().row(), plan.connectionName(),
                    exchange.getProperty(Headers.BATCH, String.class), clock.instant());
            try {
                checkpoints.mark(mark, failure -> {
                    if (failure != null) {
                        exchange.setException(failure);
                    } else {
                        exchange.setProperty(Headers.MARKED, true);
                    }
                    callback.done(false);
                });
            } catch (RuntimeException e) {
                exchange.setException(e);
                callback.done(true);
                return true;
            }
            return false;
        }

        @Override
        public String toString() {
            return "writeAheadMark";
        }
    }
}
