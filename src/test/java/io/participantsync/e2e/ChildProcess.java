package io.participantsync.e2e;

import io.participantsync.core.Checkpoint;
import io.participantsync.state.CheckpointCodec;
import java.io.IOException;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Crash tests' helpers: the service as its own JVM on the test classpath ({@code run --config}), so it can be killed
 * like a crashed process (SIGKILL, {@link Process#destroyForcibly()}), and a look into its state store from outside.
 */
final class ChildProcess {

    private ChildProcess() {
    }

    /** Starts {@code participant-sync run} in a child JVM with {@code props}; its output goes to {@code dir/name.out}. */
    static Process startService(Path dir, String name, Map<String, String> props) throws IOException {
        Path config = dir.resolve(name + ".properties");
        Properties p = new Properties();
        p.putAll(new HashMap<>(props));
        try (Writer w = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            p.store(w, null);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx384m", "-Dps.log.dir=" + dir.resolve(name + "-logs"),
                "-cp", System.getProperty("java.class.path"), "io.participantsync.Application",
                "run", "--config", config.toString());
        pb.redirectErrorStream(true);
        pb.redirectOutput(dir.resolve(name + ".out").toFile());
        return pb.start();
    }

    /**
     * Whether the HTTP API on {@code port} serves its routes: a port that accepts connections may still answer 404
     * until Camel has registered the routes on it.
     */
    static boolean serving(int port) {
        try {
            java.net.http.HttpResponse<Void> r = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port
                            + "/api/v1/openapi.json")).timeout(java.time.Duration.ofSeconds(2)).GET().build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Rows with an outcome (not only a write-ahead mark) whose source id starts with {@code prefix}, read from the
     * embedded state store under {@code dataDir} while another process holds it (H2's AUTO_SERVER lets a second
     * process in); -1 when it cannot be read yet.
     */
    static long checkpoints(Path dataDir, String prefix) {
        try {
            return rows(dataDir, prefix).values().stream().filter(cp -> !cp.inDoubt()).count();
        } catch (SQLException e) {
            return -1;
        }
    }

    /** Rows whose write-ahead mark stands without an outcome, read from the embedded state store of a dead process. */
    static long marksWithoutOutcome(Path dataDir) {
        try {
            return rows(dataDir, "").values().stream().filter(Checkpoint::inDoubt).count();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the state store under " + dataDir, e);
        }
    }

    /** Each row's state (its first outcome, else its mark) of the sources whose id starts with {@code prefix}. */
    private static Map<String, Checkpoint> rows(Path dataDir, String prefix) throws SQLException {
        String url = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("state").resolve("participant-sync")
                + ";AUTO_SERVER=TRUE;IFEXISTS=TRUE";
        Map<String, Checkpoint> rows = new HashMap<>();
        try (Connection c = DriverManager.getConnection(url);
                PreparedStatement ps = c.prepareStatement("SELECT s.source_id, p.checkpoints FROM checkpoint_piece p "
                        + "JOIN checkpoint_source s ON s.source_no = p.source_no WHERE s.source_id LIKE ? "
                        + "ORDER BY p.piece_no")) {
            ps.setString(1, prefix + "%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    for (Checkpoint cp : CheckpointCodec.decode(rs.getString(1), rs.getString(2))) {
                        String key = cp.sourceId() + "#" + cp.row();
                        Checkpoint before = rows.get(key);
                        if (before == null || before.inDoubt() && !cp.inDoubt()) {
                            rows.put(key, cp);
                        }
                    }
                }
            }
        }
        return rows;
    }
}
