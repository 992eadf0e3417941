package io.participantsync.support;

import io.participantsync.http.HttpResponse;
import io.participantsync.http.HttpTransport;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An {@link HttpTransport} for unit tests: records every call and answers each from a script registered per method
 * and URL prefix (answers are used in order, the last one repeats). Can block each call briefly to widen races.
 */
public final class FakeHttpTransport implements HttpTransport {

    /** One request as the transport received it. */
    public record Call(String method, String url, Map<String, String> headers, String body) {

        /** The body read as an {@code application/x-www-form-urlencoded} form. */
        public Map<String, String> form() {
            Map<String, String> form = new LinkedHashMap<>();
            if (body == null || body.isEmpty()) {
                return form;
            }
            for (String pair : body.split("&")) {
                int eq = pair.indexOf('=');
                String key = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : pair.substring(eq + 1);
                form.put(URLDecoder.decode(key, StandardCharsets.UTF_8),
                        URLDecoder.decode(value, StandardCharsets.UTF_8));
            }
            return form;
        }
    }

    /** Answers one call, or throws the IOException of a call that got no answer. */
    @FunctionalInterface
    public interface Answer {
        HttpResponse answer(Call call) throws IOException;
    }

    private record Script(String method, String urlPrefix, List<Answer> answers, AtomicInteger used) {
    }

    private final List<Script> scripts = new ArrayList<>();
    private final List<Call> calls = new ArrayList<>();
    private volatile Duration delay = Duration.ZERO;

    /** Scripts the answers to calls of {@code method} whose URL starts with {@code urlPrefix}. */
    public synchronized FakeHttpTransport on(String method, String urlPrefix, Answer... answers) {
        if (answers.length == 0) {
            throw new IllegalArgumentException("at least one answer");
        }
        scripts.add(new Script(method, urlPrefix, List.of(answers), new AtomicInteger()));
        return this;
    }

    /** Every call waits this long before it is answered. */
    public FakeHttpTransport delay(Duration delay) {
        this.delay = delay;
        return this;
    }

    @Override
    public HttpResponse send(String method, String url, Map<String, String> headers, String body)
            throws IOException {
        Call call = new Call(method, url, Map.copyOf(headers), body);
        Answer answer;
        synchronized (this) {
            calls.add(call);
            answer = scripts.stream()
                    .filter(s -> s.method().equals(method) && url.startsWith(s.urlPrefix()))
                    .findFirst()
                    .map(s -> s.answers().get(Math.min(s.used().getAndIncrement(), s.answers().size() - 1)))
                    .orElseThrow(() -> new AssertionError("unexpected call " + method + " " + url));
        }
        if (!delay.isZero()) {
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        return answer.answer(call);
    }

    /** Every call so far, oldest first. */
    public synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    /** The calls of {@code method} whose URL starts with {@code urlPrefix}, oldest first. */
    public synchronized List<Call> calls(String method, String urlPrefix) {
        return calls.stream().filter(c -> c.method().equals(method) && c.url().startsWith(urlPrefix)).toList();
    }

    public static Answer respond(int status, String body) {
        return call -> new HttpResponse(status, body, Map.of());
    }

    public static Answer respond(int status, String body, Map<String, String> headers) {
        return call -> new HttpResponse(status, body, headers);
    }

    public static Answer fail(String message) {
        return call -> {
            throw new IOException(message);
        };
    }

    /** No connection could be made (nothing was sent): {@link java.net.ConnectException}. */
    public static Answer refuse(String message) {
        return call -> {
            throw new java.net.ConnectException(message);
        };
    }

    /** A token answer {@code {"access_token": ..., "expires_in": ...}}. */
    public static Answer token(String accessToken, long expiresIn) {
        return respond(200, "{\"access_token\":\"" + accessToken + "\",\"token_type\":\"Bearer\",\"expires_in\":"
                + expiresIn + "}");
    }

    /** Token answers numbered from 1: {@code <prefix>1}, {@code <prefix>2}, ... valid for {@code expiresIn} s. */
    public static Answer numberedTokens(String prefix, long expiresIn) {
        AtomicInteger n = new AtomicInteger();
        return call -> token(prefix + n.incrementAndGet(), expiresIn).answer(call);
    }
}
