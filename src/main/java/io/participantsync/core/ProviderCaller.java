package io.participantsync.core;

import io.participantsync.auth.TokenService;
import io.participantsync.delivery.BreakerOpenException;
import io.participantsync.delivery.ConnectionGate;
import io.participantsync.delivery.ConnectionGates;
import io.participantsync.http.HttpResponse;
import io.participantsync.http.HttpTransport;
import io.participantsync.model.DeliveryException;
import io.participantsync.model.ParticipantUpdate;
import io.participantsync.model.ProviderError;
import io.participantsync.model.Reconciliation;
import io.participantsync.provider.AuthMethod;
import io.participantsync.provider.Connection;
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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes the calls of one {@link Plan.Deliver}: the adapter's guard read if it has one, then the update, each with
 * the connection's authentication and one fresh token after a 401. Every request passes its connection's
 * {@link ConnectionGate} (circuit breaker, concurrency cap, rate limit) and tells the breaker how it went. Returns
 * the successful answer or throws a {@link DeliveryException} that says whether a retry may help; the route's error
 * handler does the retrying.
 * <p>
 * Reconciliation: when the update's answer is lost (timeout, reset: {@link #answerLost}), the edit may have been
 * applied. Where the adapter has a verify read, it is made at once and again before the edit is sent on a later
 * attempt: if the participant already shows the update, the record is {@code updated} (verified) and no second edit
 * is sent. A later attempt refused with an error the adapter says may mean "already applied" is verified with the
 * read, or, without one (Evia Sign), taken as applied and marked unverified. Any other error stands.
 */
public final class ProviderCaller {

    /** What a delivery ended with: the provider's answer, or ({@code response} null) a reconciliation. */
    public record Delivered(HttpResponse response, Reconciliation reconciliation) {
    }

    private final HttpTransport http;
    private final TokenService tokens;
    private final ProviderCallListener listener;
    private final ConnectionGates gates;
    private final Map<String, AuthMethod> authByConnection = new ConcurrentHashMap<>();

    public ProviderCaller(HttpTransport http, TokenService tokens) {
        this(http, tokens, ProviderCallListener.NONE, ConnectionGates.unlimited());
    }

    /** @param listener told of each call and its duration (metrics) */
    public ProviderCaller(HttpTransport http, TokenService tokens, ProviderCallListener listener) {
        this(http, tokens, listener, ConnectionGates.unlimited());
    }

    public ProviderCaller(HttpTransport http, TokenService tokens, ConnectionGates gates) {
        this(http, tokens, ProviderCallListener.NONE, gates);
    }

    /**
     * @param listener told of each call and its duration (metrics)
     * @param gates    each connection's circuit breaker, concurrency cap and rate limit
     */
    public ProviderCaller(HttpTransport http, TokenService tokens, ProviderCallListener listener,
            ConnectionGates gates) {
        this.http = http;
        this.tokens = tokens;
        this.listener = listener;
        this.gates = gates;
    }

    /** Delivers a record no earlier attempt of which lost its answer. */
    public HttpResponse deliver(Plan.Deliver plan) {
        return deliver(plan, false, DeliveryAttempt.unbounded()).response();
    }

    public Delivered deliver(Plan.Deliver plan, boolean answerLostBefore) {
        return deliver(plan, answerLostBefore, DeliveryAttempt.unbounded());
    }

    /**
     * Delivers a record; {@code answerLostBefore} says an earlier attempt's update call got no answer (the exchange
     * remembers it from {@link #answerLost}).
     */
    public Delivered deliver(Plan.Deliver plan, boolean answerLostBefore, DeliveryAttempt attempt) {
        ProviderAdapter adapter = plan.adapter();
        ParticipantUpdate update = plan.update();
        Optional<ProviderRequest> verify = answerLostBefore
                ? adapter.verifyRequest(update, plan.connection()) : Optional.empty();
        if (verify.isPresent() && verified(plan, verify.get(), attempt)) {
            return reconciled(true, "the answer to an earlier attempt was lost; " + update.provider()
                    + "'s read shows the update in effect, so it was not sent again");
        }
        try {
            Optional<ProviderRequest> guard = adapter.guardRequest(update, plan.connection());
            if (guard.isPresent()) {
                HttpResponse answer = call(plan.connection(), adapter, guard.get(), false, attempt);
                Optional<String> refusal = adapter.checkGuard(update, answer.body());
                if (refusal.isPresent()) {
                    throw DeliveryException.permanent(new ProviderError(0, null, refusal.get()), "guard");
                }
            }
            return new Delivered(call(plan.connection(), adapter, plan.request(), true, attempt), null);
        } catch (DeliveryException e) {
            if (answerLost(e)) {
                // the edit may have landed: look now, while the record is at hand, and retry only if it has not
                Optional<ProviderRequest> look = adapter.verifyRequest(update, plan.connection());
                try {
                    if (look.isPresent() && verified(plan, look.get(), attempt)) {
                        return reconciled(true, "the answer was lost (" + e.error().message() + "); "
                                + update.provider() + "'s read shows the update in effect");
                    }
                } catch (DeliveryException readFailed) {
                    // the read failed too: the lost answer stands, and the next attempt looks again
                }
                throw e;
            }
            if (!answerLostBefore || e.transientError() || !adapter.mayBeAlreadyApplied(update, e.error())) {
                throw e;
            }
            String refused = "the answer to an earlier attempt was lost and the retry was refused ("
                    + describe(e.error()) + ")";
            if (verify.isPresent()) {
                if (verified(plan, verify.get(), attempt)) {
                    return reconciled(true, refused + "; " + update.provider()
                            + "'s read shows the update in effect: the earlier attempt applied it");
                }
                throw e;
            }
            return reconciled(false, refused + ", which means the earlier attempt applied it; unverified: "
                    + update.provider() + " has no read to confirm it");
        }
    }

    /**
     * Whether a delivery error means the update call was sent but its answer never came (read timeout, connection
     * reset or closed): the provider may have applied it. A refused or timed-out connection never reached it.
     */
    public static boolean answerLost(DeliveryException e) {
        Throwable cause = e.getCause();
        if (!(cause instanceof IOException)) {
            return false;
        }
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException
                    || t instanceof NoRouteToHostException || t.getClass().getSimpleName().equals(
                            "ConnectTimeoutException")) {
                return false;
            }
        }
        return true;
    }

    /** The verify read shows the update; a read that fails for good counts as "not shown" (the caller decides). */
    private boolean verified(Plan.Deliver plan, ProviderRequest read, DeliveryAttempt attempt) {
        HttpResponse answer;
        try {
            answer = call(plan.connection(), plan.adapter(), read, false, attempt);
        } catch (DeliveryException e) {
            if (e.transientError()) {
                throw e;
            }
            return false;
        }
        return plan.adapter().verify(plan.update(), plan.connection(), answer.body());
    }

    private static Delivered reconciled(boolean verified, String message) {
        return new Delivered(null, new Reconciliation(verified, message));
    }

    private static String describe(ProviderError error) {
        return error.toString();
    }

    /** @param edit whether this is the update itself (its lost answer is marked, see {@link #answerLost}) */
    private HttpResponse call(Connection connection, ProviderAdapter adapter, ProviderRequest request,
            boolean edit, DeliveryAttempt progress) {
        ConnectionGate gate = gates.gate(connection.name());
        AuthMethod auth = authByConnection.computeIfAbsent(connection.name(), n -> adapter.authMethod(connection));
        String url = connection.baseUrl() + request.path() + (request.query() == null ? "" : "?" + request.query());
        for (int attempt = 1;; attempt++) {
            Map<String, String> headers = new LinkedHashMap<>(request.headers());
            Map<String, String> authHeaders = tokens.headers(connection, auth);
            headers.putAll(authHeaders);
            HttpResponse response;
            Disposition disposition;
            try (ConnectionGate.Pass pass = enter(gate, connection, progress)) {
                long started = System.nanoTime();
                try {
                    response = http.send(request.method(), url, headers, request.body());
                } catch (IOException e) {
                    listener.onCall(connection, 0, System.nanoTime() - started);
                    pass.failed();
                    DeliveryException failure = DeliveryException.transientFailure(new ProviderError(0,
                            "io_error", "no answer from " + connection.provider() + ": " + describe(e)), -1);
                    if (edit) {
                        failure.initCause(e);
                    }
                    throw failure;
                }
                listener.onCall(connection, response.status(), System.nanoTime() - started);
                disposition = adapter.classify(response.status());
                if (disposition == Disposition.RETRY) {
                    pass.failed();
                } else {
                    pass.succeeded();
                }
            }
            switch (disposition) {
                case SUCCESS:
                    return response;
                case REAUTHENTICATE:
                    if (attempt == 1 && auth instanceof AuthMethod.OAuth) {
                        tokens.invalidate(connection, authHeaders.get("Authorization"));
                        continue;
                    }
                    throw DeliveryException.permanent(readError(adapter, response), "authentication");
                case RETRY:
                    throw DeliveryException.transientFailure(readError(adapter, response),
                            retryAfterMs(response.header("Retry-After")));
                default:
                    throw DeliveryException.permanent(readError(adapter, response), "provider");
            }
        }
    }

    private static ConnectionGate.Pass enter(ConnectionGate gate, Connection connection, DeliveryAttempt progress) {
        ConnectionGate.Pass pass;
        try {
            pass = gate.enter(progress.breakerDeadlineNanos());
        } catch (BreakerOpenException e) {
            throw DeliveryException.transientFailure(new ProviderError(0, "circuit_open", e.getMessage()), -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DeliveryException.transientFailure(new ProviderError(0, "interrupted",
                    "stopped while waiting to call " + connection.provider()), -1);
        }
        progress.admitted(pass.queuedNanos());
        return pass;
    }

    private static ProviderError readError(ProviderAdapter adapter, HttpResponse response) {
        return adapter.readError(response.status(), response.body(), response.headers());
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
