package io.participantsync.core;

import io.participantsync.auth.TokenService;
import io.participantsync.http.HttpResponse;
import io.participantsync.http.HttpTransport;
import io.participantsync.model.DeliveryException;
import io.participantsync.model.Reconciliation;
import io.participantsync.provider.AuthMethod;
import io.participantsync.provider.Connection;
import io.participantsync.provider.ProviderRequest;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Drives one record's {@link Delivery} through its calls the way route {@code call-provider} does, synchronously over
 * an {@link HttpTransport} (a fake in unit tests), with the one retry {@link DeliveryRetries} makes without a backoff:
 * a 401 on an OAuth connection is tried again once with a fresh token. Other transient failures are thrown, as an
 * attempt ends with them.
 */
public final class DeliveryDriver {

    /** What a delivery ended with: the provider's answer, or ({@code response} null) a reconciliation. */
    public record Delivered(HttpResponse response, Reconciliation reconciliation) {
    }

    private final HttpTransport http;
    private final TokenService tokens;
    private final ProviderCallListener listener;
    private Delivery last;

    public DeliveryDriver(HttpTransport http, TokenService tokens) {
        this(http, tokens, ProviderCallListener.NONE);
    }

    public DeliveryDriver(HttpTransport http, TokenService tokens, ProviderCallListener listener) {
        this.http = http;
        this.tokens = tokens;
        this.listener = listener;
    }

    /** Delivers a record no earlier attempt of which lost its answer; its answer (throws if it was reconciled). */
    public HttpResponse deliver(Plan.Deliver plan) {
        Delivered d = deliver(plan, false);
        if (d.response() == null) {
            throw new AssertionError("reconciled instead of answered: " + d.reconciliation());
        }
        return d.response();
    }

    /** Delivers a record; {@code answerLostBefore} says an earlier attempt's update got no answer. */
    public Delivered deliver(Plan.Deliver plan, boolean answerLostBefore) {
        Delivery d = new Delivery(plan, plan.inDoubt());
        if (answerLostBefore) {
            d.answerLostBefore();
        }
        last = d;
        while (true) {
            try {
                attempt(d);
                return new Delivered(d.response(), d.reconciliation());
            } catch (DeliveryException e) {
                AuthMethod auth = plan.adapter().authMethod(plan.connection());
                if (!e.unauthorized() || d.reauthenticated() || !(auth instanceof AuthMethod.OAuth)) {
                    throw e;
                }
                d.reauthenticating();
                tokens.invalidate(plan.connection(), d.authorization());
            }
        }
    }

    /** The delivery of the last record, to look at its state. */
    public Delivery last() {
        return last;
    }

    private void attempt(Delivery d) {
        d.startAttempt(System.nanoTime());
        Connection connection = d.plan().connection();
        AuthMethod auth = d.plan().adapter().authMethod(connection);
        while (d.hasCall()) {
            ProviderRequest request = d.nextRequest();
            Map<String, String> headers = new LinkedHashMap<>(request.headers());
            Map<String, String> authHeaders = tokens.headers(connection, auth);
            headers.putAll(authHeaders);
            d.authorization(authHeaders.get("Authorization"));
            d.sending();
            String url = connection.baseUrl() + request.path() + (request.query() == null ? "" : "?"
                    + request.query());
            long started = System.nanoTime();
            try {
                HttpResponse response = http.send(request.method(), url, headers, request.body());
                listener.onCall(connection, response.status(), System.nanoTime() - started);
                d.heard(response);
            } catch (IOException e) {
                listener.onCall(connection, 0, System.nanoTime() - started);
                d.unheard(e);
            }
            d.reconcile();
        }
    }
}
