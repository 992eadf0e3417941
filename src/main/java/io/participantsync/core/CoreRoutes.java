package io.participantsync.core;

import io.participantsync.config.Connections;
import io.participantsync.delivery.ConnectionGates;
import io.participantsync.delivery.ConnectionLimits;
import io.participantsync.delivery.DeliveryLanes;
import io.participantsync.delivery.OrderingKey;
import io.participantsync.model.DeliveryException;
import io.participantsync.model.DeliveryOutcome;
import io.participantsync.model.ParticipantUpdate;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.ObjectHelper;

/**
 * The one core path every edge ends in. {@code ingest-batch} opens a batch, reads its records one by one and hands
 * each to its participant's {@link DeliveryLanes lane} (same participant: one after the other, in arrival order;
 * different participants: in parallel), where it goes through {@code dispatch-update}; the batch closes with its
 * report once every record has an outcome. {@code dispatch-update} plans a record, calls the provider when there is
 * something to send, and records the outcome; retries and failures are handled by {@link DeliveryErrorHandling},
 * synchronously on the lane, so a record waiting for a retry holds back the later records of its participant.
 */
public final class CoreRoutes extends RouteBuilder {

    private static final String SPLIT_RECORDS = "direct:split-records";

    private final Dispatcher dispatcher;
    private final ProviderCaller caller;
    private final OutcomeRecorder recorder;
    private final Batches batches;
    private final DeliveryLanes lanes;
    private final Connections connections;
    private final ConnectionGates gates;
    private final Clock clock;
    private volatile ProducerTemplate template;
    /** dispatch-update, looked up once: by its URI, Camel would normalise the URI again for every record. */
    private volatile Endpoint dispatchUpdate;

    public CoreRoutes(Dispatcher dispatcher, ProviderCaller caller, OutcomeRecorder recorder, Batches batches,
            DeliveryLanes lanes, Connections connections, ConnectionGates gates, Clock clock) {
        this.dispatcher = dispatcher;
        this.caller = caller;
        this.recorder = recorder;
        this.batches = batches;
        this.lanes = lanes;
        this.connections = connections;
        this.gates = gates;
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
                .process(this::splitIntoLanes);

        // plan and delivery are one step: Camel's error handler wraps every step of a route, and one that may
        // redeliver copies the exchange before each step it wraps (plan, filter, deliver and record were four
        // copies of every record); a redelivery re-runs this step, which plans only once
        from(Endpoints.DISPATCH_UPDATE).routeId("dispatch-update")
                .routeConfigurationId(Endpoints.ERROR_HANDLING)
                .process(this::planAndDeliver)
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
        List<String> sources = body instanceof RecordSource records ? records.sourceIds() : List.of();
        if (!sources.isEmpty()) {
            sources.forEach(dispatcher::sourceOpened);
            e.setProperty(Headers.OPEN_SOURCES, sources);
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
        List<?> openSources = e.getProperty(Headers.OPEN_SOURCES, List.class);
        if (openSources != null) {
            openSources.forEach(id -> dispatcher.sourceClosed((String) id));
        }
        BatchReport report = batches.close(e.getIn().getHeader(Headers.BATCH_ID, String.class), notes);
        e.getIn().setBody(report);
    }

    /** Plans the record (on its first try only) and, when there is something to send, calls the provider. */
    private void planAndDeliver(Exchange e) {
        Plan plan = e.getProperty(Headers.PLAN, Plan.class);
        if (plan == null) {
            e.setProperty(Headers.STARTED_AT, clock.instant());
            plan = dispatcher.plan(e.getIn().getBody(ParticipantUpdate.class));
            e.setProperty(Headers.PLAN, plan);
        }
        if (plan instanceof Plan.Deliver deliver) {
            deliver(e, deliver);
        }
    }

    /**
     * Streams the batch's records into their lanes (blocking while a lane is full) and returns once every one of
     * them has an outcome. Each record travels in its own exchange with the batch's headers.
     */
    private void splitIntoLanes(Exchange batch) {
        Iterator<?> records = ObjectHelper.createIterator(batch.getIn().getBody());
        Pending pending = new Pending();
        try {
            while (records.hasNext()) {
                Object next = records.next();
                Exchange record = batch.copy();
                record.removeProperty(Headers.RECORDS);
                record.removeProperty(Headers.OPEN_SOURCES);
                record.setException(null);
                record.getIn().setBody(next);
                OrderingKey key = next instanceof ParticipantUpdate u ? OrderingKey.of(u, connections)
                        : new OrderingKey(String.valueOf(next), null);
                pending.add();
                try {
                    lanes.submit(key, () -> {
                        try {
                            dispatch(record);
                        } finally {
                            pending.done();
                        }
                    });
                } catch (RuntimeException notQueued) {
                    pending.done();
                    throw notQueued;
                }
            }
        } finally {
            pending.awaitNone();
        }
    }

    /** Runs one record through dispatch-update; a record that somehow got no outcome gets one here. */
    private void dispatch(Exchange record) {
        ProducerTemplate t = template;
        if (t == null) {
            synchronized (this) {
                if (template == null) {
                    dispatchUpdate = getContext().getEndpoint(Endpoints.DISPATCH_UPDATE);
                    template = getContext().createProducerTemplate();
                }
                t = template;
            }
        }
        try {
            t.send(dispatchUpdate, record);
        } catch (RuntimeException e) {
            record.setException(e);
        }
        if (!Boolean.TRUE.equals(record.getProperty(Headers.RECORDED, Boolean.class))) {
            Exception failure = record.getException() != null ? record.getException()
                    : new IllegalStateException("the record left dispatch-update without an outcome");
            record.setProperty(Exchange.EXCEPTION_CAUGHT, failure);
            recorder.recordHandled(record);
        }
    }

    /**
     * Re-run as a whole on each redelivery: guard read, token, update call. An attempt counts only when a request
     * went out (not when the connection's circuit breaker kept it back); the retry budget starts with the first try
     * and leaves out the time spent queueing for the connection's concurrency and rate limits.
     */
    private void deliver(Exchange e, Plan.Deliver plan) {
        ConnectionLimits limits = gates.gate(plan.connectionName()).limits();
        long now = System.nanoTime();
        Long first = e.getProperty(Headers.FIRST_TRY_NANOS, Long.class);
        if (first == null) {
            first = now;
            e.setProperty(Headers.FIRST_TRY_NANOS, first);
        }
        long queued = e.getProperty(Headers.QUEUED_NANOS, 0L, Long.class);
        DeliveryAttempt attempt = new DeliveryAttempt(first + queued + limits.retryBudget().toNanos());
        boolean answerLost = e.getProperty(Headers.ANSWER_LOST, false, Boolean.class);
        try {
            ProviderCaller.Delivered delivered = caller.deliver(plan, answerLost, attempt);
            e.setProperty(Headers.RESPONSE, delivered.response());
            e.setProperty(Headers.RECONCILIATION, delivered.reconciliation());
        } catch (DeliveryException failure) {
            // an attempt whose answer was lost may have been applied: later attempts reconcile (ProviderCaller)
            if (ProviderCaller.answerLost(failure)) {
                e.setProperty(Headers.ANSWER_LOST, true);
            }
            throw failure;
        } finally {
            if (attempt.sent()) {
                e.setProperty(Headers.ATTEMPTS, e.getProperty(Headers.ATTEMPTS, 0, Integer.class) + 1);
            }
            e.setProperty(Headers.QUEUED_NANOS, queued + attempt.queuedNanos());
        }
    }

    /** Records of one batch handed to lanes and not yet finished. */
    private static final class Pending {
        private int count;

        synchronized void add() {
            count++;
        }

        synchronized void done() {
            if (--count == 0) {
                notifyAll();
            }
        }

        /** Waits for every record: a batch never closes with records still out, even when interrupted. */
        synchronized void awaitNone() {
            boolean interrupted = false;
            while (count > 0) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
