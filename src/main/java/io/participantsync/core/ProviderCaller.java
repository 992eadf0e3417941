package io.participantsync.core;

import io.participantsync.auth.TokenService;
import io.participantsync.delivery.BreakerOpenException;
import io.participantsync.delivery.ConnectionGate;
import io.participantsync.delivery.ConnectionGates;
import io.participantsync.http.HttpResponse;
import io.participantsync.http.HttpTransport;
import io.participantsync.model.DeliveryException;
import io.participantsync.model.ProviderError;
import io.participantsync.provider.AuthMethod;
import io.participantsync.provider.Connection;
import io.participantsync.provider.Disposition;
import io.participantsync.provider.ProviderAdapter;
import io.participantsync.provider.ProviderRequest;
import java.io.IOException;
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
 */
public final class ProviderCaller {

    private final HttpTransport http;
    private final TokenService tokens;
    private final ConnectionGates gates;
    private final Map<String, AuthMethod> authByConnection = new ConcurrentHashMap<>();

    /** Without limits: every connection gets a gate with no rate limit (tests). */
    public ProviderCaller(HttpTransport http, TokenService tokens) {
        this(http, tokens, ConnectionGates.unlimited());
    }

    public ProviderCaller(HttpTransport http, TokenService tokens, ConnectionGates gates) {
        this.http = http;
        this.tokens = tokens;
        this.gates = gates;
    }

    public HttpResponse deliver(Plan.Deliver plan) {
        return deliver(plan, DeliveryAttempt.unbounded());
    }

    /** Delivers, recording in {@code attempt} whether a request went out and how long it queued at the gate. */
    public HttpResponse deliver(Plan.Deliver plan, DeliveryAttempt attempt) {
        ProviderAdapter adapter = plan.adapter();
        Optional<ProviderRequest> guard = adapter.guardRequest(plan.update(), plan.connection());
        if (guard.isPresent()) {
            HttpResponse answer = call(plan.connection(), adapter, guard.get(), attempt);
            Optional<String> refusal = adapter.checkGuard(plan.update(), answer.body());
            if (refusal.isPresent()) {
                throw DeliveryException.permanent(new ProviderError(0, null, refusal.get()), "guard");
            }
        }
        return call(plan.connection(), adapter, plan.request(), attempt);
    }

    private HttpResponse call(Connection connection, ProviderAdapter adapter, ProviderRequest request,
            DeliveryAttempt progress) {
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
                try {
                    response = http.send(request.method(), url, headers, request.body());
                } catch (IOException e) {
                    pass.failed();
                    throw DeliveryException.transientFailure(new ProviderError(0, "io_error",
                            "no answer from " + connection.provider() + ": " + describe(e)), -1);
                }
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
