package io.participantsync.e2e;

import static io.participantsync.e2e.QueueTestSupport.SIX_RECORDS;
import static io.participantsync.e2e.QueueTestSupport.array;
import static io.participantsync.e2e.QueueTestSupport.await;
import static io.participantsync.e2e.QueueTestSupport.files;
import static io.participantsync.e2e.QueueTestSupport.reports;
import static io.participantsync.e2e.QueueTestSupport.sendJms;
import static org.assertj.core.api.Assertions.assertThat;

import io.participantsync.sandbox.SandboxServer;
import io.participantsync.support.TestApp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service's runtime data is its user's only: after a run (own JVM, as started from a shell with the usual umask
 * 022) that used the state store, the log file, the inbox's processed-files list and the embedded broker's journal,
 * {@code data.dir} and every folder under it is 0700 and every file 0600.
 */
class OwnerOnlyDataIT {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void givenRunThatUsedStateLogsInboxAndJms_thenEveryFolderUnderDataIs0700AndEveryFile0600() throws Exception {
        Assumptions.assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path data = dir.resolve("data");
        try (SandboxServer sandbox = SandboxServer.start(0)) {
            Map<String, String> props = TestApp.properties(sandbox, dir, Map.of());
            int port = Integer.parseInt(props.get("jms.port"));
            Path config = dir.resolve("svc.properties");
            Properties p = new Properties();
            p.putAll(new HashMap<>(props));
            try (Writer w = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
                p.store(w, null);
            }
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx384m", "-Dps.log.dir=" + data.resolve("logs"), "-cp", System.getProperty("java.class.path"),
                    "io.participantsync.Application", "run", "--config", config.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("svc.out").toFile()).start();
            try {
                await("the service's JMS port", WAIT, () -> ChildProcess.listening(port) || !child.isAlive());
                assertThat(child.isAlive()).as("service running (see svc.out)").isTrue();
                Files.createDirectories(dir.resolve("inbox"));
                Files.copy(Path.of("samples/csv/zigned.csv"), dir.resolve("inbox/zigned.csv"));
                sendJms(port, "participant-updates", array(SIX_RECORDS));
                await("the queue message's and the CSV file's reports", WAIT,
                        () -> !reports(dir.resolve("reports")).isEmpty()
                                && !files(dir.resolve("inbox/.archive"), ".report.json").isEmpty());

                // walked until no file vanishes under the walk (a batch's temporary rows file goes once it is stored)
                java.util.concurrent.atomic.AtomicReference<List<String>> walked = new java.util.concurrent.atomic
                        .AtomicReference<>(List.of());
                await("a walk of data/", WAIT, () -> !walked.updateAndGet(before -> names(data)).isEmpty());
                assertThat(walked.get()).as("what the run left under data/").contains("processed-files.txt",
                        "participant-sync.mv.db", "participant-sync.log").anyMatch(n -> n.endsWith(".amq"));
                // the message was consumed; its records (personal numbers among them) stay in the journal files
                await("every folder under data/ 0700 and every file 0600 (while the service runs)", WAIT,
                        () -> notOwnerOnly(data).isEmpty());
            } finally {
                child.destroy();
                assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(notOwnerOnly(data)).as("after the service stopped").isEmpty();
        }
    }

    /** The names of everything under {@code root}; empty when a file vanished while it was walked. */
    private static List<String> names(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            return s.map(f -> f.getFileName().toString()).toList();
        } catch (IOException | UncheckedIOException e) {
            return List.of();
        }
    }

    /** Every path under {@code root} (itself included) that is not rwx------ (folder) or rw------- (file). */
    private static List<String> notOwnerOnly(Path root) {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            s.forEach(f -> {
                try {
                    String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(f, LinkOption.NOFOLLOW_LINKS));
                    boolean folder = Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS);
                    if (!mode.equals(folder ? "rwx------" : "rw-------")) {
                        out.add(root.relativize(f) + " " + mode);
                    }
                } catch (NoSuchFileException e) {
                    // a temporary file gone meanwhile
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            out.add("cannot walk: " + e);
        }
        return out;
    }
}
