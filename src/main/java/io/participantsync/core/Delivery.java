package io.participantsync.core;

import io.participantsync.delivery.ConnectionGate;
import io.participantsync.http.HttpResponse;
import io.participantsync.model.DeliveryException;
import io.participantsync.model.ParticipantUpdate;
import io.participantsync.model.ProviderError;
import io.participantsync.model.Reconciliation;
import io.participantsync.provider.Disposition;
import io.participantsync.provider.ProviderAdapter;
import io.participantsync.provider.ProviderRequest;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * One record's delivery as it goes (an exchange property of the record): the calls of each attempt, what came back,
 * and what the record has spent (attempts, time, time queued for its connection). Plain logic, no I/O: the
 * {@code call-provider} route makes each call it asks for and hands the answer back.
 * <p>
 * An attempt's calls, in order: a <b>verify read</b> first when the record is in doubt (an earlier attempt's update
 * lost its answer, or an earlier run was stopped while the update was under way: its write-ahead mark has no outcome)
 * and the provider has a read; SigningHub's <b>guard read</b>; the <b>update</b>. When the read shows the update in
 * effect, the record is {@code updated} (verified) and nothing is sent. When the update's answer is lost, the read is
 * made at once. When a record in doubt is refused with an error the adapter says may mean "already applied", the read
 * decides, or, without a read (Evia Sign), the refusal counts as applied and the outcome says unverified. Any other
 * error stands. Whether to try again after a failed attempt is not decided here but by {@link DeliveryRetries}.
 */
public final class Delivery {

    /** Why a record is in doubt: its update may have been applied already. */
    enum Doubt {
        NONE, ANSWER_LOST, RUN_INTERRUPTED
    }

    private enum Call {
        /** The read before sending, for a record in doubt. */
        VERIFY,
        GUARD,
        UPDATE,
        /** The read at once after the update's answer was lost. */
        VERIFY_AFTER_LOSS,
        /** The read that checks a refusal which may mean "already applied". */
        VERIFY_REFUSAL
    }

    private final Plan.Deliver plan;
    private Doubt doubt;
    private int attempts;
    private long firstTryNanos = -1;
    private long queuedNanos;
    private boolean reauthenticated;
    private boolean freshToken;
    // this attempt
    private boolean sent;
    private Call next;
    private Call current;
    private DeliveryException lost;
    private DeliveryException refusal;
    private HttpResponse response;
    private Reconciliation reconciliation;
    // this call
    private ConnectionGate.Pass pass;
    private String authorization;
    private long callStartNanos;
    private HttpResponse heard;
    private IOException unheard;
    private RuntimeException failedBeforeAnswer;

    /** @param inDoubt the record's write-ahead mark was found without an outcome (a run stopped mid-call) */
    public Delivery(Plan.Deliver plan, boolean inDoubt) {
        this.plan = plan;
        this.doubt = inDoubt ? Doubt.RUN_INTERRUPTED : Doubt.NONE;
    }

    /** An attempt of this record before it was made in this process lost its answer (tests, replays). */
    void answerLostBefore() {
        doubt = Doubt.ANSWER_LOST;
    }

    public Plan.Deliver plan() {
        return plan;
    }

    /** Begins an attempt: its first call is chosen (see the class comment). */
    public void startAttempt(long nowNanos) {
        if (firstTryNanos < 0) {
            firstTryNanos = nowNanos;
        }
        if (freshToken) {
            // the attempt a 401 interrupted goes on with a fresh token: it still counts once
            freshToken = false;
        } else {
            sent = false;
        }
        current = null;
        lost = null;
        refusal = null;
        response = null;
        reconciliation = null;
        next = doubt != Doubt.NONE && verifyRead().isPresent() ? Call.VERIFY : firstCall();
    }

    private Call firstCall() {
        return guardRead().isPresent() ? Call.GUARD : Call.UPDATE;
    }

    /** Whether the attempt has a call to make. */
    public boolean hasCall() {
        return next != null;
    }

    /** The next call of the attempt; it becomes the current one. */
    public ProviderRequest nextRequest() {
        if (next == null) {
            throw new IllegalStateException("no call left in this attempt");
        }
        current = next;
        next = null;
        return switch (current) {
            case VERIFY, VERIFY_AFTER_LOSS, VERIFY_REFUSAL -> verifyRead().orElseThrow();
            case GUARD -> guardRead().orElseThrow();
            case UPDATE -> plan.request();
        };
    }

    /** The current call was admitted by its connection (its breaker, concurrency and rate limit). */
    public void admitted(ConnectionGate.Pass pass, long nowNanos) {
        this.pass = pass;
        this.callStartNanos = nowNanos;
        queuedNanos += pass.queuedNanos();
    }

    /** The current call is going out (its token is at hand): an attempt counts once one of its calls goes out. */
    public void sending() {
        if (!sent) {
            sent = true;
            attempts++;
        }
    }

    /** The pass of the call under way, or {@code null}. */
    public ConnectionGate.Pass pass() {
        return pass;
    }

    /** Gives the current call's pass back (once the answer is read, or when the call failed before). */
    public void releasePass() {
        ConnectionGate.Pass p = pass;
        pass = null;
        if (p != null) {
            p.close();
        }
    }

    /** The Authorization header the current call carries: a 401 invalidates that token. */
    public void authorization(String value) {
        this.authorization = value;
    }

    public String authorization() {
        return authorization;
    }

    public long callStartNanos() {
        return callStartNanos;
    }

    /** The current call's answer. */
    public void heard(HttpResponse answer) {
        heard = answer;
    }

    /** The current call got no answer. */
    public void unheard(IOException e) {
        unheard = e;
    }

    /** Whether the current call got no answer. */
    public boolean hasNoAnswer() {
        return unheard != null;
    }

    /** Whether the current call could not be made. */
    public boolean hasFailedBeforeAnswer() {
        return failedBeforeAnswer != null;
    }

    /** The current call could not be made (its token could not be had, ...). */
    public void failedBeforeAnswer(RuntimeException e) {
        failedBeforeAnswer = e;
    }

    /**
     * Reads what the current call came back with ({@link #heard}, {@link #unheard} or {@link #failedBeforeAnswer}):
     * the attempt goes on with its next call, or ends with the record updated ({@link #done()}), or throws the
     * {@link DeliveryException} (or other failure) the attempt failed with.
     */
    public void reconcile() {
        HttpResponse answer = heard;
        IOException noAnswer = unheard;
        RuntimeException failure = failedBeforeAnswer;
        heard = null;
        unheard = null;
        failedBeforeAnswer = null;
        if (failure != null) {
            throw failure;
        }
        if (noAnswer != null) {
            noAnswer(noAnswer);
        } else if (answer != null) {
            answered(answer);
        } else {
            throw new IllegalStateException("the call came back with nothing");
        }
    }

    /**
     * Reads the provider's answer to the current call: the attempt goes on with its next call, or ends with the
     * record updated ({@link #done()}), or throws the {@link DeliveryException} the attempt failed with.
     */
    void answered(HttpResponse answer) {
        ProviderAdapter adapter = plan.adapter();
        Disposition disposition = adapter.classify(answer.status());
        switch (current) {
            case VERIFY -> {
                if (disposition == Disposition.SUCCESS) {
                    if (shows(answer)) {
                        reconciled(true, doubtMessage() + "; " + provider()
                                + "'s read shows the update in effect, so it was not sent again");
                        return;
                    }
                    next = firstCall();
                } else if (disposition == Disposition.REJECT) {
                    // a read that fails for good does not show the update: send it
                    next = firstCall();
                } else {
                    throw failure(answer, disposition);
                }
            }
            case GUARD -> {
                if (disposition != Disposition.SUCCESS) {
                    throw failure(answer, disposition);
                }
                Optional<String> refused = adapter.checkGuard(plan.update(), answer.body());
                if (refused.isPresent()) {
                    throw DeliveryException.permanent(new ProviderError(0, null, refused.get()), "guard");
                }
                next = Call.UPDATE;
            }
            case UPDATE -> {
                if (disposition == Disposition.SUCCESS) {
                    response = answer;
                    return;
                }
                DeliveryException e = failure(answer, disposition);
                if (doubt == Doubt.NONE || e.transientError() || e.unauthorized()
                        || !adapter.mayBeAlreadyApplied(plan.update(), e.error())) {
                    throw e;
                }
                if (verifyRead().isPresent()) {
                    refusal = e;
                    next = Call.VERIFY_REFUSAL;
                    return;
                }
                reconciled(false, refusedMessage(e) + ", which means the earlier attempt applied it; unverified: "
                        + provider() + " has no read to confirm it");
            }
            case VERIFY_AFTER_LOSS -> {
                if (disposition == Disposition.SUCCESS && shows(answer)) {
                    reconciled(true, "the answer was lost (" + lost.error().message() + "); " + provider()
                            + "'s read shows the update in effect");
                    return;
                }
                // not shown, or the read failed too: the lost answer stands, and the next attempt looks again
                throw lost;
            }
            case VERIFY_REFUSAL -> {
                if (disposition == Disposition.SUCCESS) {
                    if (shows(answer)) {
                        reconciled(true, refusedMessage(refusal) + "; " + provider()
                                + "'s read shows the update in effect: the earlier attempt applied it");
                        return;
                    }
                    throw refusal;
                }
                if (disposition == Disposition.REJECT) {
                    throw refusal;
                }
                throw failure(answer, disposition);
            }
            default -> throw new IllegalStateException("no call under way");
        }
    }

    /**
     * The current call got no answer. When it was the update and the request may have reached the provider (a read
     * timeout or a reset, not a refused connection), the record is in doubt from now on and the read is made at once
     * where the provider has one; otherwise the attempt fails with a transient error.
     */
    void noAnswer(IOException e) {
        DeliveryException failure = DeliveryException.transientFailure(new ProviderError(0, "io_error",
                "no answer from " + provider() + ": " + describe(e)), -1);
        if (current == Call.VERIFY_AFTER_LOSS) {
            throw lost;
        }
        if (current == Call.UPDATE && answerLost(e)) {
            failure.initCause(e);
            doubt = Doubt.ANSWER_LOST;
            lost = failure;
            if (verifyRead().isPresent()) {
                next = Call.VERIFY_AFTER_LOSS;
                return;
            }
        }
        throw failure;
    }

    /** Whether the record is done: updated, or found already updated ({@link #reconciliation()}). */
    public boolean done() {
        return response != null || reconciliation != null;
    }

    /** The update's answer, or {@code null} when the record was reconciled instead. */
    public HttpResponse response() {
        return response;
    }

    public Reconciliation reconciliation() {
        return reconciliation;
    }

    /** Whether an update of this record lost its answer in this run (the provider may have applied it). */
    public boolean answerLost() {
        return doubt == Doubt.ANSWER_LOST;
    }

    public int attempts() {
        return attempts;
    }

    /** Whether the attempt under way has sent a call (only then does it count). */
    public boolean sent() {
        return sent;
    }

    /** Time spent since the first try, less the time queued for the connection's concurrency and rate limits. */
    public long spentNanos(long nowNanos) {
        return firstTryNanos < 0 ? 0 : nowNanos - firstTryNanos - queuedNanos;
    }

    /** Whether a 401 has already been answered with a fresh token. */
    public boolean reauthenticated() {
        return reauthenticated;
    }

    /** A 401 is answered with a fresh token: the attempt it interrupted is made again, and counts once. */
    public void reauthenticating() {
        reauthenticated = true;
        freshToken = true;
    }

    private void reconciled(boolean verified, String message) {
        reconciliation = new Reconciliation(verified, message);
    }

    private String doubtMessage() {
        return doubt == Doubt.RUN_INTERRUPTED ? "the update was under way when an earlier run stopped"
                : "the answer to an earlier attempt was lost";
    }

    private String refusedMessage(DeliveryException e) {
        return (doubt == Doubt.RUN_INTERRUPTED
                ? "the update was under way when an earlier run stopped and sending it again was refused ("
                : "the answer to an earlier attempt was lost and the retry was refused (") + e.error() + ")";
    }

    private boolean shows(HttpResponse read) {
        return plan.adapter().verify(plan.update(), plan.connection(), read.body());
    }

    private Optional<ProviderRequest> verifyRead() {
        return plan.adapter().verifyRequest(plan.update(), plan.connection());
    }

    private Optional<ProviderRequest> guardRead() {
        return plan.adapter().guardRequest(plan.update(), plan.connection());
    }

    private String provider() {
        ParticipantUpdate u = plan.update();
        return u.provider();
    }

    /** The failure an answer that is not a success means. */
    private DeliveryException failure(HttpResponse answer, Disposition disposition) {
        ProviderError error = plan.adapter().readError(answer.status(), answer.body(), answer.headers());
        return switch (disposition) {
            case RETRY -> DeliveryException.transientFailure(error, retryAfterMs(answer.header("Retry-After")));
            case REAUTHENTICATE -> DeliveryException.unauthorized(error);
            default -> DeliveryException.permanent(error, "provider");
        };
    }

    /**
     * Whether an I/O error means the request was sent but its answer never came (read timeout, connection reset or
     * closed): the provider may have applied it. A refused or timed-out connection never reached it.
     */
    static boolean answerLost(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException
                    || t instanceof NoRouteToHostException || t.getClass().getSimpleName().equals(
                            "ConnectTimeoutException")) {
                return false;
            }
        }
        return true;
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : " " + m);
    }

    /** Retry-After as seconds or an HTTP date, in milliseconds; -1 when absent or unreadable. */
    static long retryAfterMs(String value) {
        if (value == null || value.isBlank()) {
            return -1;
        }
        String v = value.trim();
        try {
            return Math.max(0, Long.parseLong(v)) * 1000L;
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                return Math.max(0, Duration.between(ZonedDateTime.now(at.getZone()), at).toMillis());
            } catch (DateTimeParseException notDate) {
                return -1;
            }
        }
    }
}
