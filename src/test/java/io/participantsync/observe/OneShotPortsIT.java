package io.participantsync.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.participantsync.Application;
import io.participantsync.ParticipantSync;
import io.participantsync.config.ConfigurationException;
import io.participantsync.config.Settings;
import io.participantsync.sandbox.SandboxServer;
import io.participantsync.support.TestApp;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one-shot `sync` binds neither the business nor the management port; the service (`run`) needs both. */
class OneShotPortsIT {

    @TempDir
    Path dir;

    @Test
    void givenBothPortsTakenByAnotherProcess_whenSync_thenItStillRunsAndExits0() throws Exception {
        try (ServerSocket business = takenPort(); ServerSocket management = takenPort()) {
            Path config = dir.resolve("test.properties");
            Files.writeString(config, "dead-letter.dir=" + dir.resolve("dead-letter") + "\ndata.dir="
                    + dir.resolve("data") + "\ncamel.server.port=" + business.getLocalPort()
                    + "\ncamel.management.port=" + management.getLocalPort() + "\n");
            PrintStream oldOut = System.out;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code;
            try {
                System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
                code = Application.execute("--sandbox", "sync", "samples/csv/mixed.csv", "--report",
                        dir.resolve("mixed.report.json").toString(), "--config", config.toString());
            } finally {
                System.setOut(oldOut);
            }

            assertThat(code).as(out.toString(StandardCharsets.UTF_8)).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("(received 8)");
        }
    }

    @Test
    void givenServicePortsFree_whenServiceStarts_thenBothServersListenOnLoopback() throws Exception {
        try (SandboxServer sandbox = SandboxServer.start(0)) {
            Settings settings = settings(sandbox, String.valueOf(TestApp.freePort()));
            try (ParticipantSync app = ParticipantSync.start(settings, true)) {
                assertThat(app.servers().businessPort()).isPositive();
                assertThat(app.servers().managementPort()).isPositive().isNotEqualTo(app.servers().businessPort());
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), app.servers().managementPort())) {
                    assertThat(s.isConnected()).isTrue();
                }
            }
        }
    }

    @Test
    void givenManagementPortTaken_whenServiceStarts_thenStartFailsNamingThePort() throws Exception {
        try (ServerSocket management = takenPort(); SandboxServer sandbox = SandboxServer.start(0)) {
            Settings settings = settings(sandbox, String.valueOf(management.getLocalPort()));

            assertThatThrownBy(() -> ParticipantSync.start(settings, true).close())
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("camel.management.port " + management.getLocalPort() + " is in use: "
                            + "set camel.management.port or CAMEL_MANAGEMENT_PORT");
        }
    }

    /** The test service's settings (free ports for everything, the JMS broker's included), these two ports aside. */
    private Settings settings(SandboxServer sandbox, String managementPort) {
        Settings settings = Settings.load(null, Map.of());
        settings.overrideAll(TestApp.properties(sandbox, dir, Map.of("camel.server.port", "0",
                "camel.management.port", managementPort)));
        return settings;
    }

    private static ServerSocket takenPort() throws Exception {
        return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }
}
