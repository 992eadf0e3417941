package io.participantsync.e2e;

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
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test fixture: a sandbox plus the service pointed at it, with its folders under a temporary directory. */
final class TestApp implements AutoCloseable {

    final SandboxServer sandbox;
    final ParticipantSync app;
    final Path dir;

    private TestApp(SandboxServer sandbox, ParticipantSync app, Path dir) {
        this.sandbox = sandbox;
        this.app = app;
        this.dir = dir;
    }

    /** Starts sandbox and service; {@code withEdges} loads routes/ from disk with the inbox under {@code dir}. */
    static TestApp start(Path dir, boolean withEdges, Map<String, String> extra) {
        return start(SandboxServer.start(0), dir, withEdges, extra, withEdges);
    }

    /** As above; {@code withState} opens the state store (H2 under {@code dir}/data unless {@code state.jdbc-url}). */
    static TestApp start(Path dir, boolean withEdges, Map<String, String> extra, boolean withState) {
        return start(SandboxServer.start(0), dir, withEdges, extra, withState);
    }

    /** Starts the service against a running sandbox (which {@link #close()} closes too). */
    static TestApp start(SandboxServer sandbox, Path dir, boolean withEdges, Map<String, String> extra) {
        return start(sandbox, dir, withEdges, extra, withEdges);
    }

    static TestApp start(SandboxServer sandbox, Path dir, boolean withEdges, Map<String, String> extra,
            boolean withState) {
        Settings settings = Settings.load(null, Map.of());
        settings.overrideAll(properties(sandbox, dir, extra));
        try {
            return new TestApp(sandbox, ParticipantSync.start(settings, withEdges, withState), dir);
        } catch (RuntimeException e) {
            sandbox.close();
            throw e;
        }
    }

    /** The settings a test service runs with: sandbox connections, folders under {@code dir}, then {@code extra}. */
    static Map<String, String> properties(SandboxServer sandbox, Path dir, Map<String, String> extra) {
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
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The HTTP API's base URL (when started with the edges). */
    String apiUrl() {
        return "http://127.0.0.1:" + app.settings().get("camel.server.port");
    }

    /** Sends records as one batch through the core (as `sync` does) and waits for the report. */
    BatchReport send(List<ParticipantUpdate> records) {
        Map<String, Object> headers = new HashMap<>();
        headers.put(Headers.SOURCE_KIND, "test");
        headers.put(Headers.SOURCE_NAME, "test-batch");
        headers.put(Headers.REPORT_PATH, dir.resolve("report-" + System.nanoTime() + ".json").toString());
        return app.producerTemplate().requestBodyAndHeaders(Endpoints.INGEST_BATCH,
                RecordSource.of(records, List.of()), headers, BatchReport.class);
    }

    static ParticipantUpdate record(String provider, String connection, Map<String, String> fields) {
        return ParticipantUpdate.of(provider, connection, fields, Source.of("test", "test-batch", 1));
    }

    @Override
    public void close() {
        app.close();
        sandbox.close();
    }
}
