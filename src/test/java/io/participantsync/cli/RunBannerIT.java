package io.participantsync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.participantsync.sandbox.SandboxServer;
import io.participantsync.support.TestApp;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run} as started from a shell: its banner names the HTTP API's URL, and its first batches (provider calls,
 * metrics on) leave no WARN from the Prometheus registry in the log.
 */
class RunBannerIT {

    @TempDir
    Path dir;

    @Test
    void givenRun_whenFirstBatchDone_thenBannerNamesHttpApiAndLogHasNoPrometheusWarning() throws Exception {
        try (SandboxServer sandbox = SandboxServer.start(0)) {
            Map<String, String> props = TestApp.properties(sandbox, dir, Map.of());
            Path config = dir.resolve("run.properties");
            Properties p = new Properties();
            p.putAll(new HashMap<>(props));
            try (Writer w = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
                p.store(w, null);
            }
            Path out = dir.resolve("run.out");
            Path logs = dir.resolve("logs");
            Process run = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx384m", "-Dps.log.dir=" + logs, "-cp", System.getProperty("java.class.path"),
                    "io.participantsync.Application", "run", "--config", config.toString())
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            try {
                Files.createDirectories(dir.resolve("inbox"));
                Files.copy(Path.of("samples/csv/mixed.csv"), dir.resolve("inbox/mixed.csv"));
                await("the CSV drop's report (see run.out)").atMost(Duration.ofSeconds(90))
                        .until(() -> !run.isAlive() || RunAnywhereIT.reports(dir.resolve("inbox/.archive")) > 0);
                assertThat(run.isAlive()).as(Files.readString(out)).isTrue();
                assertThat(Files.readString(out)).contains("participant-sync: HTTP API at http://127.0.0.1:"
                        + props.get("camel.server.port") + "/api/v1");
                assertThat(Files.readString(logs.resolve("participant-sync.log")))
                        .doesNotContain("PrometheusMeterRegistry");
            } finally {
                run.destroy();
                assertThat(run.waitFor(60, TimeUnit.SECONDS)).isTrue();
            }
        }
    }
}
