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
        SandboxServer sandbox = SandboxServer.start(0);
        Settings settings = Settings.load(null, Map.of());
        Map<String, String> props = new LinkedHashMap<>(sandbox.connectionProperties());
        props.put("dead-letter.dir", dir.resolve("dead-letter").toString());
        props.put("data.dir", dir.resolve("data").toString());
        props.put("csv.inbox", dir.resolve("inbox").toString());
        props.put("csv.read-lock-min-age-ms", "200");
        props.put("csv.poll-delay-ms", "100");
        props.put("delivery.initial-backoff-ms", "20");
        props.put("delivery.max-backoff-ms", "200");
        // with edges the HTTP servers start too: any free port, so tests never clash with a running service
        props.put("camel.server.port", "0");
        props.put("camel.management.port", "0");
        props.putAll(extra);
        settings.overrideAll(props);
        try {
            return new TestApp(sandbox, ParticipantSync.start(settings, withEdges), dir);
        } catch (RuntimeException e) {
            sandbox.close();
            throw e;
        }
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
