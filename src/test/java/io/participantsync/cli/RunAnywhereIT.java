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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run} started in a folder without {@code routes/}: the edges shipped in the jar (classpath) are loaded. */
class RunAnywhereIT {

    @TempDir
    Path dir;

    @Test
    void givenWorkingDirectoryWithoutRoutesFolder_whenRun_thenShippedEdgesLoadedAndCsvDropWorks() throws Exception {
        try (SandboxServer sandbox = SandboxServer.start(0)) {
            Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
            Path config = dir.resolve("run.properties");
            Properties p = new Properties();
            p.putAll(new HashMap<>(TestApp.properties(sandbox, dir, Map.of())));
            try (Writer w = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
                p.store(w, null);
            }
            Path out = dir.resolve("run.out");
            Process run = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx384m", "-Dps.log.dir=" + dir.resolve("logs"), "-cp", System.getProperty("java.class.path"),
                    "io.participantsync.Application", "run", "--config", config.toString())
                    .directory(elsewhere.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            try {
                Files.createDirectories(dir.resolve("inbox"));
                Files.copy(Path.of("samples/csv/zigned.csv"), dir.resolve("inbox/zigned.csv"));
                await("the CSV drop's report (see run.out)").atMost(Duration.ofSeconds(90))
                        .until(() -> !run.isAlive() || reports(dir.resolve("inbox/.archive")) > 0);
                assertThat(run.isAlive()).as(Files.readString(out)).isTrue();
                assertThat(Files.readString(out)).doesNotContain("NoSuchFileException");
            } finally {
                run.destroy();
                assertThat(run.waitFor(60, TimeUnit.SECONDS)).isTrue();
            }
        }
    }

    /** Batch reports archived under {@code archive} so far. */
    static long reports(Path archive) throws Exception {
        if (!Files.isDirectory(archive)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(archive)) {
            return s.filter(f -> f.getFileName().toString().endsWith(".report.json")).count();
        }
    }
}
