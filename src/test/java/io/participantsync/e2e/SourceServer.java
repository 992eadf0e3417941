package io.participantsync.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Test fixture: a tiny HTTP server standing in for a partner's export. Each path answers a fixed body and Content-Type
 * when the request carries the expected Authorization header (401 otherwise); a path can be held until released.
 */
final class SourceServer implements AutoCloseable {

    static final String TOKEN = "partner-s3cret-token";

    private final HttpServer server;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final List<String> queries = new CopyOnWriteArrayList<>();
    private final CountDownLatch requested = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);

    private record Answer(String contentType, String body, boolean held) {
    }

    private SourceServer(HttpServer server) {
        this.server = server;
    }

    static SourceServer start() {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            SourceServer s = new SourceServer(http);
            http.createContext("/", s::handle);
            http.setExecutor(Executors.newCachedThreadPool());
            http.start();
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    SourceServer answer(String path, String contentType, String body) {
        answers.put(path, new Answer(contentType, body, false));
        return this;
    }

    /** Like {@link #answer}, but the first request waits until {@link #release()}. */
    SourceServer answerHeld(String path, String contentType, String body) {
        answers.put(path, new Answer(contentType, body, true));
        return this;
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** The Authorization headers received, in order. */
    List<String> authorizations() {
        return List.copyOf(authorizations);
    }

    /** The raw query strings received, in order. */
    List<String> queries() {
        return List.copyOf(queries);
    }

    boolean awaitRequested() throws InterruptedException {
        return requested.await(20, TimeUnit.SECONDS);
    }

    void release() {
        released.countDown();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        authorizations.add(String.valueOf(auth));
        queries.add(String.valueOf(exchange.getRequestURI().getRawQuery()));
        Answer a = answers.get(exchange.getRequestURI().getPath());
        if (a == null) {
            reply(exchange, 404, "text/plain", "not found");
            return;
        }
        if (!("Bearer " + TOKEN).equals(auth)) {
            reply(exchange, 401, "application/json", "{\"error\": \"unauthorized\"}");
            return;
        }
        if (a.held()) {
            requested.countDown();
            try {
                released.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        reply(exchange, 200, a.contentType(), a.body());
    }

    private static void reply(HttpExchange exchange, int status, String contentType, String body)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
    }
}
