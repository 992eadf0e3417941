package io.participantsync.core;

import io.participantsync.http.HttpResponse;
import io.participantsync.model.DeliveryOutcome;
import io.participantsync.model.ParticipantUpdate;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * The one core path every edge ends in. {@code ingest-batch} opens a batch, streams its records one by one
 * (different participants in parallel, up to {@code delivery.concurrency}) into {@code dispatch-update}, and closes
 * the batch with its report once every record has an outcome. {@code dispatch-update} plans a record, calls the
 * provider when there is something to send, and records the outcome; retries and failures are handled by
 * {@link DeliveryErrorHandling}.
 */
public final class CoreRoutes extends RouteBuilder {

    private static final String SPLIT_RECORDS = "direct:split-records";

    private final Dispatcher dispatcher;
    private final ProviderCaller caller;
    private final OutcomeRecorder recorder;
    private final Batches batches;
    private final ExecutorService deliveryPool;
    private final Clock clock;

    public CoreRoutes(Dispatcher dispatcher, ProviderCaller caller, OutcomeRecorder recorder, Batches batches,
            ExecutorService deliveryPool, Clock clock) {
        this.dispatcher = dispatcher;
        this.caller = caller;
        this.recorder = recorder;
        this.batches = batches;
        this.deliveryPool = deliveryPool;
        this.clock = clock;
    }

    @Override
    public void configure() {
        from(Endpoints.INGEST_BATCH).routeId("ingest-batch")
                .process(this::openBatch)
                .doTry()
                    .to(SPLIT_RECORDS)
                .doFinally()
                    .process(this::closeBatch)
                .end();

        from(SPLIT_RECORDS).routeId("split-records")
                .split(body()).streaming().parallelProcessing().executorService(deliveryPool)
                    .to(Endpoints.DISPATCH_UPDATE)
                .end();

        from(Endpoints.DISPATCH_UPDATE).routeId("dispatch-update")
                .routeConfigurationId(Endpoints.ERROR_HANDLING)
                .process(this::plan)
                .filter(e -> e.getProperty(Headers.PLAN) instanceof Plan.Deliver)
                    .process(this::deliver)
                .end()
                .process(recorder::record);
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
        Object body = e.getIn().getBody();
        String sourceId = e.getIn().getHeader(Headers.SOURCE_ID, String.class);
        if (sourceId != null && !sourceId.isBlank() && body instanceof RecordSource records) {
            body = RecordSource.checkpointed(records, sourceId);
            e.getIn().setBody(body);
        }
        e.setProperty(Headers.RECORDS, body);
    }

    private void closeBatch(Exchange e) {
        Object records = e.getProperty(Headers.RECORDS);
        List<String> notes = List.of();
        if (records instanceof RecordSource source) {
            notes = source.notes();
            source.close();
        }
        if (e.getException() != null) {
            // the split itself broke (not a record): say so in the report rather than lose the batch
            notes = new java.util.ArrayList<>(notes);
            notes.add("batch stopped early: " + e.getException().getMessage());
        }
        BatchReport report = batches.close(e.getIn().getHeader(Headers.BATCH_ID, String.class), notes);
        e.getIn().setBody(report);
    }

    private void plan(Exchange e) {
        e.setProperty(Headers.STARTED_AT, clock.instant());
        e.setProperty(Headers.PLAN, dispatcher.plan(e.getIn().getBody(ParticipantUpdate.class)));
    }

    /** Re-run as a whole on each redelivery: guard read, token, update call. */
    private void deliver(Exchange e) {
        e.setProperty(Headers.ATTEMPTS, e.getProperty(Headers.ATTEMPTS, 0, Integer.class) + 1);
        HttpResponse response = caller.deliver(e.getProperty(Headers.PLAN, Plan.Deliver.class));
        e.setProperty(Headers.RESPONSE, response);
    }
}
