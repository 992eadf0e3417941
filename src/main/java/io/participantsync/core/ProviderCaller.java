package io.participantsync.core;

import io.participantsync.auth.TokenService;
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
 * the connection's authentication and one fresh token after a 401. Returns the successful answer or throws a
 * {@link DeliveryException} that says whether a retry may help; the route's error handler does the retrying.
 */
public final class ProviderCaller {

    private final HttpTransport http;
    private final TokenService tokens;
    private final ProviderCallListener listener;
    private final Map<String, AuthMethod> authByConnection = new ConcurrentHashMap<>();

    public ProviderCaller(HttpTransport http, TokenService tokens) {
        this(http, tokens, ProviderCallListener.NONE);
    }

    /** @param listener told of each call and its duration (metrics) */
    public ProviderCaller(HttpTransport http, TokenService tokens, ProviderCallListener listener) {
        this.http = http;
        this.tokens = tokens;
        this.listener = listener;
    }

    public HttpResponse deliver(Plan.Deliver plan) {
        ProviderAdapter adapter = plan.adapter();
        Optional<ProviderRequest> guard = adapter.guardRequest(plan.update(), plan.connection());
        if (guard.isPresent()) {
            HttpResponse answer = call(plan.connection(), adapter, guard.get());
            Optional<String> refusal = adapter.checkGuard(plan.update(), answer.body());
            if (refusal.isPresent()) {
                throw DeliveryException.permanent(new ProviderError(0, null, refusal.get()), "guard");
            }
        }
        return call(plan.connection(), adapter, plan.request());
    }

    private HttpResponse call(Connection connection, ProviderAdapter adapter, ProviderRequest request) {
        AuthMethod auth = authByConnection.computeIfAbsent(connection.name(), n -> adapter.authMethod(connection));
        String url = connection.baseUrl() + request.path() + (request.query() == null ? "" : "?" + request.query());
        for (int attempt = 1;; attempt++) {
            Map<String, String> headers = new LinkedHashMap<>(request.headers());
            Map<String, String> authHeaders = tokens.headers(connection, auth);
            headers.putAll(authHeaders);
            HttpResponse response;
            long started = System.nanoTime();
            try {
                response = http.send(request.method(), url, headers, request.body());
            } catch (IOException e) {
                listener.onCall(connection, 0, System.nanoTime() - started);
                throw DeliveryException.transientFailure(new ProviderError(0, "io_error",
                        "no answer from " + connection.provider() + ": " + describe(e)), -1);
            }
            listener.onCall(connection, response.status(), System.nanoTime() - started);
            Disposition disposition = adapter.classify(response.status());
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
