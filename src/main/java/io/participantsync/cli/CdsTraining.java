package io.participantsync.cli;

import io.participantsync.ParticipantSync;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The training run of the build's class-data-sharing archive ({@code target/participant-sync.jsa}, made by
 * {@code mvn package} with {@code -XX:ArchiveClassesAtExit}; the {@code participant-sync} wrapper starts the JVM with
 * it, which roughly halves the time to ready). Does what {@code run --sandbox} does on free ports in a scratch
 * folder: starts the service, waits until {@code /observe/health/ready} answers 200, sends {@code samples/csv/mixed.csv}
 * through the HTTP API and waits for its outcomes, then stops. It never fails the build: whatever was loaded until a
 * failure is archived all the same, and without an archive the wrapper simply starts without one.
 */
public final class CdsTraining {

    private static final Duration GIVE_UP = Duration.ofSeconds(120);

    private CdsTraining() {
    }

    public static void main(String[] args) {
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(GIVE_UP.toMillis());
                System.err.println("cds training: not done after " + GIVE_UP.toSeconds() + " s, stopping");
                System.exit(0);
            } catch (InterruptedException done) {
                // finished in time
            }
        }, "cds-training-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        try {
            train();
        } catch (Exception | Error e) {
            System.err.println("cds training incomplete (the archive keeps what was loaded): " + e);
        }
        watchdog.interrupt();
        System.exit(0);
    }

    private static void train() throws Exception {
        Path dir = Files.createTempDirectory("ps-cds-training");
        try {
            int management = freePort();
            int api = freePort();
            Properties p = new Properties();
            p.setProperty("camel.management.port", Integer.toString(management));
            p.setProperty("camel.server.port", Integer.toString(api));
            p.setProperty("jms.port", Integer.toString(freePort()));
            p.setProperty("data.dir", dir.resolve("data").toString());
            p.setProperty("csv.inbox", dir.resolve("inbox").toString());
            p.setProperty("dead-letter.dir", dir.resolve("dead-letter").toString());
            p.setProperty("queue.report-dir", dir.resolve("reports").toString());
            p.setProperty("sync.report-dir", dir.resolve("reports").toString());
            Path config = dir.resolve("training.properties");
            try (OutputStream out = Files.newOutputStream(config)) {
                p.store(out, "participant-sync CDS training run");
            }
            GlobalOptions options = new GlobalOptions();
            options.sandbox = true;
            options.config = config;
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(2)).build();
            try (Runtime rt = Runtime.load(options); ParticipantSync app = ParticipantSync.start(rt.settings, true)) {
                URI ready = URI.create("http://127.0.0.1:" + management + "/observe/health/ready");
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (status(http, HttpRequest.newBuilder(ready).GET().build()) != 200) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("not ready within 60 s");
                    }
                    Thread.sleep(20);
                }
                Path sample = Path.of("samples", "csv", "mixed.csv");
                if (Files.isReadable(sample)) {
                    status(http, HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api
                            + "/api/v1/participant-updates?wait=30")).header("Content-Type", "text/csv")
                            .POST(HttpRequest.BodyPublishers.ofFile(sample)).build());
                }
                status(http, HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + management
                        + "/observe/metrics")).GET().build());
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static int status(HttpClient http, HttpRequest request) throws InterruptedException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException notYet) {
            return -1;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
