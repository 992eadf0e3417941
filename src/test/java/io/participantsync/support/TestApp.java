package io.participantsync.support;

import io.participantsync.ParticipantSync;
import io.participantsync.config.Settings;
import io.participantsync.core.BatchReport;
import io.participantsync.core.Endpoints;
import io.participantsync.core.Headers;
import io.participantsync.core.RecordSource;
import io.participantsync.model.ParticipantUpdate;
import io.participantsync.model.Source;
import io.participantsync.sandbox.SandboxServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one test fixture that starts the service: a sandbox (on a free port) plus the service pointed at it, with its
 * folders under a directory of the test's and every port it could bind (HTTP API, management server, embedded JMS
 * broker) a free one, so tests run beside each other, other builds and a service on the default ports. The service
 * runs as {@code run} starts it ({@code withEdges}: routes/ loaded from disk, both HTTP servers, the broker, the state
 * store) or as the one-shot commands do (the core only). {@link #close()} stops both.
 */
public final class TestApp implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public final SandboxServer sandbox;
    public final ParticipantSync app;
    public final Path dir;

    private TestApp(SandboxServer sandbox, ParticipantSync app, Path dir) {
        this.sandbox = sandbox;
        this.app = app;
        this.dir = dir;
    }

    /**
     * Starts a sandbox and the service; {@code withEdges} loads routes/ from disk with the inbox under {@code dir} and
     * opens the state store.
     */
    public static TestApp start(Path dir, boolean withEdges, Map<String, String> extra) {
        return start(SandboxServer.start(0), dir, withEdges, extra, withEdges);
    }

    /** As above; {@code withState} opens the state store (H2 under {@code dir}/data unless {@code state.jdbc-url}). */
    public static TestApp start(Path dir, boolean withEdges, Map<String, String> extra, boolean withState) {
        return start(SandboxServer.start(0), dir, withEdges, extra, withState);
    }

    /** Starts the service against a running sandbox (which {@link #close()} closes too). */
    public static TestApp start(SandboxServer sandbox, Path dir, boolean withEdges, Map<String, String> extra) {
        return start(sandbox, dir, withEdges, extra, withEdges);
    }

    /** Starts the service against a running sandbox (which {@link #close()} closes too, as does a failed start). */
    public static TestApp start(SandboxServer sandbox, Path dir, boolean withEdges, Map<String, String> extra,
            boolean withState) {
        for (int attempt = 1;; attempt++) {
            Settings settings = Settings.load(null, Map.of());
            settings.overrideAll(properties(sandbox, dir, extra));
            try {
                return new TestApp(sandbox, ParticipantSync.start(settings, withEdges, withState), dir);
            } catch (RuntimeException e) {
                // a free port can be taken by another process between freePort() and the bind: new ports, again
                if (attempt < 3 && portTaken(e) && PORT_KEYS.stream().noneMatch(extra::containsKey)) {
                    continue;
                }
                sandbox.close();
                throw e;
            }
        }
    }

    private static final List<String> PORT_KEYS = List.of("camel.server.port", "camel.management.port", "jms.port");

    private static boolean portTaken(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (m.contains("is port") && m.contains("taken") || m.contains("Address already in use")
                    || m.contains("is in use")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The settings a test service runs with: sandbox connections, folders under {@code dir}, short polls and backoffs,
     * a free port for every server, then {@code extra}. Also what tests write to a {@code --config} file for a child
     * JVM or a command.
     */
    public static Map<String, String> properties(SandboxServer sandbox, Path dir, Map<String, String> extra) {
        Map<String, String> props = new LinkedHashMap<>(sandbox.connectionProperties());
        props.put("dead-letter.dir", dir.resolve("dead-letter").toString());
        props.put("data.dir", dir.resolve("data").toString());
        props.put("csv.inbox", dir.resolve("inbox").toString());
        props.put("csv.read-lock-min-age-ms", "200");
        props.put("csv.poll-delay-ms", "100");
        props.put("delivery.initial-backoff-ms", "20");
        props.put("delivery.max-backoff-ms", "200");
        // no fixed port in tests (tests and other builds may run at once): HTTP API, management server, JMS broker
        // (two distinct ports: equal ports would make Camel serve both from one server)
        props.put("camel.server.port", String.valueOf(freePort()));
        props.put("camel.management.port", String.valueOf(freePort()));
        props.put("jms.port", String.valueOf(freePort()));
        props.put("queue.report-dir", dir.resolve("reports").toString());
        props.putAll(extra);
        return props;
    }

    /** A TCP port free right now on 127.0.0.1. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The HTTP API's base URL (when started with the edges). */
    public String apiUrl() {
        return "http://127.0.0.1:" + app.servers().businessPort();
    }

    /** The port the management server (health, metrics) listens on (when started with the edges). */
    public int managementPort() {
        return app.servers().managementPort();
    }

    /** GET on the management server, e.g. {@code /observe/health/ready}. */
    public HttpResponse<String> get(String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort() + path))
                .timeout(Duration.ofSeconds(10)).GET().build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends records as one batch through the core (direct:ingest-batch, as `sync` does) and waits for its report. */
    public BatchReport send(List<ParticipantUpdate> records) {
        Map<String, Object> headers = new HashMap<>();
        headers.put(Headers.SOURCE_KIND, "test");
        headers.put(Headers.SOURCE_NAME, "test-batch");
        headers.put(Headers.REPORT_PATH, dir.resolve("report-" + System.nanoTime() + ".json").toString());
        return app.producerTemplate().requestBodyAndHeaders(Endpoints.INGEST_BATCH,
                RecordSource.of(records, List.of()), headers, BatchReport.class);
    }

    /** A record of the test batch {@link #send} sends (row 1). */
    public static ParticipantUpdate record(String provider, String connection, Map<String, String> fields) {
        return ParticipantUpdate.of(provider, connection, fields, Source.of("test", "test-batch", 1));
    }

    @Override
    public void close() {
        app.close();
        sandbox.close();
    }
}
