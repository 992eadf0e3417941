package io.participantsync.observe;

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

/** Test fixture: the sandbox plus the service as `run` starts it (edges and both HTTP servers on free ports). */
final class ObservedApp implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final SandboxServer sandbox;
    final ParticipantSync app;
    final int managementPort;
    private final Path dir;

    private ObservedApp(SandboxServer sandbox, ParticipantSync app, int managementPort, Path dir) {
        this.sandbox = sandbox;
        this.app = app;
        this.managementPort = managementPort;
        this.dir = dir;
    }

    static ObservedApp start(Path dir) {
        SandboxServer sandbox = SandboxServer.start(0);
        Settings settings = Settings.load(null, Map.of());
        Map<String, String> props = new LinkedHashMap<>(sandbox.connectionProperties());
        props.put("dead-letter.dir", dir.resolve("dead-letter").toString());
        props.put("data.dir", dir.resolve("data").toString());
        props.put("csv.inbox", dir.resolve("inbox").toString());
        // the business server on any free port; the management server on a port of its own (with the same port,
        // here 0, Camel would serve both from one server)
        props.put("camel.server.port", "0");
        props.put("camel.management.port", String.valueOf(freePort()));
        props.put("delivery.initial-backoff-ms", "20");
        props.put("delivery.max-backoff-ms", "200");
        settings.overrideAll(props);
        try {
            ParticipantSync app = ParticipantSync.start(settings, true);
            return new ObservedApp(sandbox, app, app.servers().managementPort(), dir);
        } catch (RuntimeException e) {
            sandbox.close();
            throw e;
        }
    }

    /** GET on the management server, e.g. {@code /observe/health/ready}. */
    HttpResponse<String> get(String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
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

    /** Sends records as one batch through the core and waits for its report. */
    BatchReport send(List<ParticipantUpdate> records) {
        Map<String, Object> headers = new HashMap<>();
        headers.put(Headers.SOURCE_KIND, "test");
        headers.put(Headers.SOURCE_NAME, "observe-batch");
        headers.put(Headers.REPORT_PATH, dir.resolve("report-" + System.nanoTime() + ".json").toString());
        return app.producerTemplate().requestBodyAndHeaders(Endpoints.INGEST_BATCH,
                RecordSource.of(records, List.of()), headers, BatchReport.class);
    }

    static ParticipantUpdate record(String provider, String connection, Map<String, String> fields) {
        return ParticipantUpdate.of(provider, connection, fields, Source.of("test", "observe-batch", 1));
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        app.close();
        sandbox.close();
    }
}
