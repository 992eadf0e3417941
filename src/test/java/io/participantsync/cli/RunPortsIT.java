package io.participantsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.participantsync.Application;
import io.participantsync.support.ConsoleCapture;
import io.participantsync.support.TestApp;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code run} with a port it cannot listen on: exit 2 and one line naming the key, no stack trace. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RunPortsIT {

    @TempDir
    Path dir;

    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();
    private final ByteArrayOutputStream err = console.err();

    private Path config(String key, String value) throws Exception {
        Path config = dir.resolve("run.properties");
        StringBuilder sb = new StringBuilder();
        sb.append("data.dir=").append(dir.resolve("data")).append('\n');
        sb.append("dead-letter.dir=").append(dir.resolve("dead-letter")).append('\n');
        sb.append("csv.inbox=").append(dir.resolve("inbox")).append('\n');
        sb.append("queue.report-dir=").append(dir.resolve("reports")).append('\n');
        for (String k : List.of("camel.server.port", "camel.management.port", "jms.port")) {
            sb.append(k).append('=').append(k.equals(key) ? value : String.valueOf(TestApp.freePort())).append('\n');
        }
        Files.writeString(config, sb.toString());
        return config;
    }

    /** The lines the command wrote to stderr that are not log lines of the libraries at WARN. */
    private List<String> errLines() {
        return err.toString().lines().filter(l -> !l.isBlank()).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"jms.port", "camel.server.port", "camel.management.port"})
    void givenPortHeldByAnotherProgram_whenRun_thenExit2WithOneLineNamingTheKey(String key) throws Exception {
        try (ServerSocket held = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = held.getLocalPort();

            int code = Application.execute("run", "--sandbox", "--config", config(key, String.valueOf(port)).toString());

            assertThat(code).as(err.toString()).isEqualTo(2);
            String env = key.toUpperCase().replace('.', '_');
            assertThat(errLines()).as(err.toString()).containsExactly(
                    "participant-sync: " + key + " " + port + " is in use: set " + key + " or " + env);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jms.port", "camel.server.port", "camel.management.port"})
    void givenPortOutOfRange_whenRun_thenExit2WithOneLineNamingTheKey(String key) throws Exception {
        int code = Application.execute("run", "--sandbox", "--config", config(key, "99999").toString());

        assertThat(code).as(err.toString()).isEqualTo(2);
        assertThat(errLines()).as(err.toString()).hasSize(1);
        assertThat(errLines().get(0)).startsWith("participant-sync: " + key + " must be a port number")
                .contains("'99999'");
    }
}
