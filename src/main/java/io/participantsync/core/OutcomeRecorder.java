package io.participantsync.core;

import io.participantsync.deadletter.DeadLetterWriter;
import io.participantsync.deadletter.Redaction;
import io.participantsync.delivery.Admission;
import io.participantsync.delivery.ParticipantTurns;
import io.participantsync.model.DeliveryException;
import io.participantsync.model.DeliveryOutcome;
import io.participantsync.model.Outcome;
import io.participantsync.model.ParticipantUpdate;
import io.participantsync.model.Problem;
import io.participantsync.model.ProviderError;
import io.participantsync.model.Reconciliation;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the end of a record's journey into its one {@link DeliveryOutcome}: writes the dead letter for rejected and
 * failed records, then the record's checkpoint (when its source is checkpointed), adds the outcome to its batch,
 * tells the outcome listeners (a sync job's change detection, metrics) and logs one line (ids, provider, outcome;
 * never field values). A record planned {@link Plan.Resumed} re-emits its checkpointed outcome, marked
 * {@code fromCheckpoint}.
 */
public final class OutcomeRecorder {

    private static final Logger LOG = LoggerFactory.getLogger("participant-sync.outcomes");

    private final Batches batches;
    private final DeadLetterWriter deadLetters;
    private final Clock clock;
    private final List<OutcomeListener> listeners = new CopyOnWriteArrayList<>();
    private final Checkpoints checkpoints;
    private final ParticipantTurns turns;
    private final Admission admission;

    /**
     * @param listeners   told of every outcome after it is recorded in its batch (metrics)
     * @param checkpoints where the final outcome of each checkpointed record is saved
     * @param turns       a recorded record's turn ends here: the next record of its participant may go
     * @param admission   a recorded record no longer counts towards its connection's records in memory
     */
    public OutcomeRecorder(Batches batches, DeadLetterWriter deadLetters, Clock clock,
            List<OutcomeListener> listeners, Checkpoints checkpoints, ParticipantTurns turns, Admission admission) {
        this.batches = batches;
        this.deadLetters = deadLetters;
        this.clock = clock;
        this.listeners.addAll(listeners);
        this.checkpoints = checkpoints;
        this.turns = turns;
        this.admission = admission;
    }

    /**
     * Adds a listener told of every outcome once it is recorded. A listener that throws is logged and ignored: the
     * outcome stands.
     */
    public void addListener(OutcomeListener listener) {
        listeners.add(listener);
    }

    /** Records the outcome of a record that went through without an error (possibly after retries). */
    public void record(Exchange exchange) {
        record(exchange, null);
    }

    /**
     * Records the outcome of a record whose error the error handler handled (the exception is in
     * {@link Exchange#EXCEPTION_CAUGHT}). Only this path reads that property: it stays set after a retry succeeded.
     */
    public void recordHandled(Exchange exchange) {
        record(exchange, exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class));
    }

    private void record(Exchange exchange, Exception failure) {
        if (Boolean.TRUE.equals(exchange.getProperty(Headers.RECORDED, Boolean.class))) {
            return;
        }
        exchange.setProperty(Headers.RECORDED, true);
        try {
            recordOutcome(exchange, failure);
        } finally {
            // the exception is now an outcome: the caller must see success
            exchange.setException(null);
            release(exchange);
        }
    }

    /** The record's turn ends and it leaves its connection's records in memory: whatever happened, once. */
    private void release(Exchange exchange) {
        ParticipantTurns.Turn turn = exchange.getProperty(Headers.TURN, ParticipantTurns.Turn.class);
        String admitted = exchange.getProperty(Headers.ADMITTED, String.class);
        exchange.removeProperty(Headers.TURN);
        exchange.removeProperty(Headers.ADMITTED);
        if (admitted != null) {
            admission.release(admitted);
        }
        if (turn != null) {
            turns.release(turn);
        }
    }

    private void recordOutcome(Exchange exchange, Exception failure) {
        Plan plan = exchange.getProperty(Headers.PLAN, Plan.class);
        Delivery delivery = exchange.getProperty(Headers.DELIVERY, Delivery.class);
        int attempts = delivery == null ? 0 : delivery.attempts();
        Instant started = exchange.getProperty(Headers.STARTED_AT, Instant.class);
        ParticipantUpdate update = plan != null ? plan.update() : exchange.getIn().getBody(ParticipantUpdate.class);
        Instant startedAt = started == null ? clock.instant() : started;
        DeliveryOutcome outcome;
        String deadLetter;
        if (plan instanceof Plan.Resumed resumed) {
            outcome = resumedOutcome(resumed, startedAt);
            deadLetter = resumed.checkpoint().deadLetter();
            if (outcome.deadLettered()) {
                // the interrupted run's rejected CSV never reached its place: this batch's one holds the row again
                deadLetters.appendRejectedRow(outcome, batchId(exchange));
            }
        } else {
            outcome = outcome(plan, update, failure, attempts, startedAt,
                    delivery == null ? null : delivery.reconciliation(), delivery != null && delivery.answerLost());
            deadLetter = outcome.deadLettered() ? deadLetters.write(outcome, batchId(exchange)) : null;
            boolean marked = Boolean.TRUE.equals(exchange.getProperty(Headers.MARKED, Boolean.class))
                    || plan instanceof Plan.Deliver d && d.inDoubt();
            checkpoint(outcome, deadLetter, batchId(exchange), marked);
        }
        batches.record(batchId(exchange), outcome, deadLetter);
        log(outcome);
        notifyListeners(outcome);
    }

    /**
     * Saves the final outcome of a checkpointed record, after its dead letter. A store that fails is logged and the
     * outcome stands: the record is merely not known as done should the process crash before its batch ends.
     */
    private void checkpoint(DeliveryOutcome outcome, String deadLetter, String batchId, boolean marked) {
        ParticipantUpdate u = outcome.update();
        if (u == null || u.source() == null || u.source().sourceId() == null) {
            return;
        }
        String providerMessage = outcome.error() == null ? null : Redaction.redact(outcome.error().message(), u);
        try {
            checkpoints.save(Checkpoint.of(outcome, providerMessage, deadLetter, batchId, clock.instant(), marked));
        } catch (RuntimeException e) {
            LOG.warn("{}: cannot save the checkpoint of its outcome: {}", u.source().correlationId(), e.toString());
        }
    }

    private DeliveryOutcome resumedOutcome(Plan.Resumed r, Instant started) {
        Checkpoint c = r.checkpoint();
        return new DeliveryOutcome(r.update(), c.connection(), c.outcome(), c.category(), c.message(), c.error(),
                c.attempts(), started, clock.instant(), true);
    }

    private DeliveryOutcome outcome(Plan plan, ParticipantUpdate update, Exception failure, int attempts,
            Instant started, Reconciliation reconciliation, boolean answerLost) {
        Instant now = clock.instant();
        String where = update == null ? "" : update.source().describe() + ": ";
        if (plan instanceof Plan.Reject r) {
            String message = where + r.problems().stream().map(Problem::toString).collect(Collectors.joining("; "));
            return new DeliveryOutcome(update, r.connectionName(), Outcome.REJECTED, "validation", message, null, 0,
                    started, now);
        }
        if (plan instanceof Plan.Unchanged u) {
            return new DeliveryOutcome(update, u.connectionName(), Outcome.UNCHANGED, null, null, null, 0, started,
                    now);
        }
        String connection = plan == null ? null : plan.connectionName();
        if (failure == null && plan instanceof Plan.Deliver) {
            Reconciliation r = reconciliation == null ? null
                    : new Reconciliation(reconciliation.verified(), Redaction.redact(reconciliation.message(), update));
            return new DeliveryOutcome(update, connection, Outcome.UPDATED, null, null, null, attempts, started, now,
                    r);
        }
        if (failure instanceof DeliveryException d) {
            ProviderError error = d.error();
            String provider = update == null ? "provider" : update.provider();
            if (d.transientError()) {
                String message = where + "gave up after " + attempts + " attempt" + (attempts == 1 ? "" : "s")
                        + ": " + describe(provider, error)
                        + (answerLost ? "; an attempt's answer was lost, so the provider may have applied the update"
                                : "");
                return new DeliveryOutcome(update, connection, Outcome.FAILED, "transient",
                        Redaction.redact(message, update), error, attempts, started, now);
            }
            String message = where + describe(provider, error);
            return new DeliveryOutcome(update, connection, Outcome.REJECTED, d.category(),
                    Redaction.redact(message, update), error, attempts, started, now);
        }
        String message = where + "internal error: " + (failure == null ? "no plan" : failure.getClass().getSimpleName()
                + (failure.getMessage() == null ? "" : ": " + failure.getMessage()));
        LOG.error("internal error on {}", where, failure);
        return new DeliveryOutcome(update, connection, Outcome.FAILED, "internal", Redaction.redact(message, update),
                null, attempts, started, now);
    }

    private void notifyListeners(DeliveryOutcome outcome) {
        for (OutcomeListener l : listeners) {
            try {
                l.onOutcome(outcome);
            } catch (RuntimeException e) {
                // a listener (metrics) must never turn a recorded outcome into an error
                LOG.warn("outcome listener {} failed: {}", l.getClass().getSimpleName(), e.toString());
            }
        }
    }

    private static String describe(String provider, ProviderError e) {
        if (e.status() > 0) {
            return provider + " answered " + e;
        }
        return e.message() == null ? String.valueOf(e.code()) : e.message();
    }

    private static String batchId(Exchange exchange) {
        return exchange.getProperty(Headers.BATCH, String.class);
    }

    private static void log(DeliveryOutcome o) {
        ParticipantUpdate u = o.update();
        String id = u == null ? "?" : u.source().correlationId();
        if (o.deadLettered()) {
            LOG.warn("{} {} provider={} connection={} category={} attempts={}", id, o.outcome().label(),
                    u == null ? null : u.provider(), o.connection(), o.category(), o.attempts());
        } else if (LOG.isDebugEnabled()) {
            LOG.debug("{} {} provider={} connection={} attempts={}", id, o.outcome().label(),
                    u == null ? null : u.provider(), o.connection(), o.attempts());
        }
    }
}
