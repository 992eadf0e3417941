package io.participantsync.core;

import io.participantsync.auth.TokenService;
import io.participantsync.delivery.BreakerOpenException;
import io.participantsync.delivery.ConnectionGate;
import io.participantsync.delivery.ConnectionGates;
import io.participantsync.http.HttpResponse;
import io.participantsync.model.DeliveryException;
import io.participantsync.model.ProviderError;
import io.participantsync.provider.AuthMethod;
import io.participantsync.provider.Connection;
import io.participantsync.provider.Disposition;
import io.participantsync.provider.ProviderRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.http.HttpMethods;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * The steps of route {@code call-provider}, one provider call each time round its loop: {@link #awaitPermit()} (the
 * connection's breaker, concurrency and rate limit; no thread waits), {@link #prepareRequest} (method, URL, headers
 * with the connection's authentication, body: nothing else of the exchange goes to the provider), the camel-http
 * call, {@link #classify} (frees the permit, tells the breaker and the metrics) and {@link #reconcile} (the
 * record's {@link Delivery} decides the attempt's next call, or that it is done, or throws what it failed with).
 */
public final class ProviderCalls {

    private final ConnectionGates gates;
    private final TokenService tokens;
    private final ProviderCallListener listener;
    private final Map<String, AuthMethod> authByConnection = new ConcurrentHashMap<>();

    public ProviderCalls(ConnectionGates gates, TokenService tokens, ProviderCallListener listener) {
        this.gates = gates;
        this.tokens = tokens;
        this.listener = listener;
    }

    static Delivery delivery(Exchange e) {
        return e.getProperty(Headers.DELIVERY, Delivery.class);
    }

    /** Begins an attempt (each time the error handler tries the record again, too). */
    public void startAttempt(Exchange e) {
        delivery(e).startAttempt(System.nanoTime());
    }

    /** The loop's condition: the attempt has a call left. */
    public boolean hasCall(Exchange e) {
        return delivery(e).hasCall();
    }

    /**
     * Waits for the connection's permit without a thread: the exchange goes on, on one of the connection's call
     * threads, once its breaker, a concurrency permit and a rate-limit slot allow. A breaker that keeps calls back
     * fails the attempt with a transient {@code circuit_open} error that says when to try again (no call counted).
     */
    public AsyncProcessor awaitPermit() {
        return new AsyncProcessorSupport() {
            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                Delivery d = delivery(exchange);
                Connection connection = d.plan().connection();
                ConnectionGate gate = gates.gate(connection.name());
                try {
                    gate.enter(pass -> {
                        d.admitted(pass, System.nanoTime());
                        callback.done(false);
                    }, refused -> {
                        exchange.setException(refused instanceof BreakerOpenException open ? circuitOpen(open)
                                : stopping(connection));
                        callback.done(false);
                    });
                    return false;
                } catch (BreakerOpenException open) {
                    exchange.setException(circuitOpen(open));
                } catch (RejectedExecutionException closing) {
                    exchange.setException(stopping(connection));
                }
                callback.done(true);
                return true;
            }

            @Override
            public String toString() {
                return "awaitPermit";
            }
        };
    }

    private static DeliveryException circuitOpen(BreakerOpenException open) {
        return DeliveryException.transientFailure(new ProviderError(0, "circuit_open", open.getMessage()),
                open.retryAfterMs());
    }

    private static DeliveryException stopping(Connection connection) {
        return DeliveryException.transientFailure(new ProviderError(0, "stopping", "the service stopped before the call "
                + "to " + connection.provider() + " could be made"), -1);
    }

    /**
     * Puts the current call on the message: method and full URL (camel-http's {@code CamelHttpUri}), the adapter's
     * headers and the connection's authentication (fetching a token if needed), the JSON body. Every other header
     * is removed first, so nothing of the record's journey reaches the provider.
     */
    public void prepareRequest(Exchange e) {
        Delivery d = delivery(e);
        ProviderRequest request = d.nextRequest();
        Connection connection = d.plan().connection();
        Message in = e.getIn();
        in.getHeaders().clear();
        // the enum itself: camel-http reads this header as HttpMethods, and converting a String to it goes through
        // the type converter's slow fallback path on every call
        in.setHeader(Exchange.HTTP_METHOD, HttpMethods.valueOf(request.method().toUpperCase(Locale.ROOT)));
        in.setHeader(Exchange.HTTP_URI, connection.baseUrl() + request.path()
                + (request.query() == null ? "" : "?" + request.query()));
        request.headers().forEach(in::setHeader);
        AuthMethod auth = authByConnection.computeIfAbsent(connection.name(),
                n -> d.plan().adapter().authMethod(connection));
        Map<String, String> authHeaders = tokens.headers(connection, auth);
        authHeaders.forEach(in::setHeader);
        d.authorization(authHeaders.get("Authorization"));
        d.sending();
        // bytes, not String: a String entity without a charset would be sent as ISO-8859-1
        in.setBody(request.body() == null ? null : request.body().getBytes(StandardCharsets.UTF_8));
    }

    /** The call could not be made or got no answer (caught around {@link #prepareRequest} and the HTTP call). */
    public void callFailed(Exchange e) {
        Exception caught = e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        e.removeProperty(Exchange.EXCEPTION_CAUGHT);
        Delivery d = delivery(e);
        IOException io = ioCause(caught);
        if (io != null) {
            d.unheard(io);
        } else if (caught instanceof RuntimeException r) {
            d.failedBeforeAnswer(r);
        } else {
            d.failedBeforeAnswer(new IllegalStateException(caught));
        }
    }

    private static IOException ioCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof IOException io) {
                return io;
            }
            if (c instanceof DeliveryException) {
                return null;
            }
        }
        return null;
    }

    /**
     * Reads the answer (status, body, headers) for the record's {@link Delivery}, tells the breaker whether the
     * connection works (a transient failure counts towards opening it) and the metrics how the call went, and frees
     * the permit.
     */
    public void classify(Exchange e) throws IOException {
        Delivery d = delivery(e);
        ConnectionGate.Pass pass = d.pass();
        Connection connection = d.plan().connection();
        long nanos = System.nanoTime() - d.callStartNanos();
        try {
            if (d.hasFailedBeforeAnswer()) {
                return;
            }
            if (d.hasNoAnswer()) {
                listener.onCall(connection, 0, nanos);
                if (pass != null) {
                    pass.failed();
                }
                return;
            }
            Message out = e.getMessage();
            Integer status = out.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
            int code = status == null ? 0 : status;
            byte[] bytes = bytes(out);
            Map<String, String> headers = new LinkedHashMap<>();
            out.getHeaders().forEach((k, v) -> {
                if (!k.startsWith("Camel") && v != null) {
                    headers.put(k, v.toString());
                }
            });
            listener.onCall(connection, code, nanos);
            if (pass != null) {
                if (d.plan().adapter().classify(code) == Disposition.RETRY) {
                    pass.failed();
                } else {
                    pass.succeeded();
                }
            }
            d.heard(new HttpResponse(code, bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8), headers));
        } finally {
            d.releasePass();
        }
    }

    /** The record's {@link Delivery} reads what came back: next call, done, or the attempt's failure. */
    public void reconcile(Exchange e) {
        delivery(e).reconcile();
    }

    /** A fresh token for the connection instead of the one a 401 refused (the error handler's retry uses it). */
    void invalidateToken(Delivery d) {
        Connection connection = d.plan().connection();
        AuthMethod auth = authByConnection.get(connection.name());
        if (auth instanceof AuthMethod.OAuth) {
            tokens.invalidate(connection, d.authorization());
        }
    }

    /** Whether a fresh token can help with a 401 on this connection (only an OAuth token can be renewed). */
    boolean renewable(Delivery d) {
        return authByConnection.get(d.plan().connection().name()) instanceof AuthMethod.OAuth;
    }

    /**
     * The answer's body. camel-http hands a small answer with a Content-Length over as bytes, and any other (an
     * empty 200, a chunked one) as a stream cache: read here with {@code readAllBytes}, which Camel's type converter
     * would copy through an 8 KB buffered stream and a 4 KB copy buffer on every call.
     */
    private static byte[] bytes(Message out) throws IOException {
        Object body = out.getBody();
        if (body == null) {
            return null;
        }
        if (body instanceof byte[] b) {
            return b;
        }
        if (body instanceof InputStream in) {
            try (in) {
                return in.readAllBytes();
            }
        }
        return out.getBody(byte[].class);
    }
}
