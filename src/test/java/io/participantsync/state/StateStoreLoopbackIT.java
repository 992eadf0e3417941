package io.participantsync.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.participantsync.support.TestApp;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded state store while the service runs: H2's AUTO_SERVER (which lets {@code sync} beside {@code run} open
 * the same file) listens on loopback only, and a {@code sync} in another process on the same data dir succeeds.
 */
class StateStoreLoopbackIT {

    @TempDir
    Path dir;

    @Test
    void givenRunningService_whenSyncStartedBesideItOnSameDataDir_thenStoreListensOnLoopbackOnlyAndSyncSucceeds()
            throws Exception {
        try (TestApp app = TestApp.start(dir, true, Map.of())) {
            Path lock = dir.resolve("data/state/participant-sync.lock.db");
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(lock));
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(lock)) {
                p.load(r);
            }
            String server = p.getProperty("server");
            assertThat(server).as("AUTO_SERVER address in the lock file").isNotNull();
            int port = Integer.parseInt(server.substring(server.lastIndexOf(':') + 1));
            assertThat(java.net.InetAddress.getByName(server.substring(0, server.lastIndexOf(':')))
                    .isLoopbackAddress()).as(server).isTrue();
            List<String> listening = listeningAddresses(port);
            assumeThat(listening).as("/proc/net/tcp shows the listener (Linux)").isNotEmpty();
            assertThat(listening).as("addresses listening on the state store's port %d", port)
                    .allMatch(StateStoreLoopbackIT::loopback);

            Path config = dir.resolve("sync.properties");
            Properties props = new Properties();
            props.putAll(new HashMap<>(TestApp.properties(app.sandbox, dir,
                    Map.of("sync.report-dir", dir.resolve("reports").toString()))));
            try (Writer w = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
                props.store(w, null);
            }
            Path out = dir.resolve("sync.out");
            Process sync = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-Dps.log.dir=" + dir.resolve("sync-logs"), "-cp",
                    System.getProperty("java.class.path"), "io.participantsync.Application", "sync",
                    "samples/csv/zigned.csv", "--config", config.toString())
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            assertThat(sync.waitFor(120, TimeUnit.SECONDS)).as("sync finished").isTrue();
            assertThat(sync.exitValue()).as(Files.readString(out)).isZero();
            assertThat(Files.readString(out)).contains("zigned");
        }
    }

    /** Local addresses (hex, as /proc/net/tcp{,6} print them) of the sockets listening on {@code port}. */
    private static List<String> listeningAddresses(int port) throws Exception {
        List<String> out = new ArrayList<>();
        String hexPort = String.format(Locale.ROOT, "%04X", port);
        for (String f : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path table = Path.of(f);
            if (!Files.isReadable(table)) {
                continue;
            }
            for (String line : Files.readAllLines(table)) {
                String[] cols = line.trim().split("\\s+");
                if (cols.length > 3 && cols[3].equals("0A") && cols[1].endsWith(":" + hexPort)) {
                    out.add(cols[1].substring(0, cols[1].indexOf(':')));
                }
            }
        }
        return out;
    }

    /** 127.x.x.x (little-endian hex, also IPv4-mapped) or ::1. */
    private static boolean loopback(String hex) {
        return hex.endsWith("7F") && (hex.length() == 8 || hex.startsWith("0000000000000000FFFF0000"))
                || hex.equals("00000000000000000000000001000000");
    }
}
