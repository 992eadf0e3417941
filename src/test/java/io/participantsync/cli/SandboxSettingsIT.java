package io.participantsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.participantsync.Application;
import io.participantsync.sandbox.SandboxServer;
import io.participantsync.support.ConsoleCapture;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code sandbox} prints is a working configuration: saved as a file and given to {@code sync --config}
 * (without --sandbox), every row of a sample reaches the sandbox; and a one-row batch is "1 record".
 */
class SandboxSettingsIT {

    @TempDir
    Path dir;

    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();
    private final ByteArrayOutputStream out = console.out();
    private final ByteArrayOutputStream err = console.err();

    @Test
    void givenPrintedSandboxSettings_whenSyncWithThemAsConfig_thenExit0AndOneRecordSingular() throws Exception {
        try (SandboxServer sandbox = SandboxServer.start(0)) {
            Path config = dir.resolve("sandbox.properties");
            Files.writeString(config, SandboxCommand.connectionSettings(sandbox) + "data.dir=" + dir.resolve("data")
                    + "\ndead-letter.dir=" + dir.resolve("dead-letter") + "\nsync.report-dir=" + dir.resolve("reports")
                    + "\n");
            List<String> lines = Files.readAllLines(Path.of("samples/csv/zigned.csv"));
            Path oneRow = dir.resolve("one.csv");
            Files.write(oneRow, lines.subList(0, 2));

            assertThat(SandboxCommand.connectionSettings(sandbox)).doesNotContain("<sandbox secret>");

            int code = Application.execute("sync", oneRow.toString(), "--config", config.toString());

            assertThat(code).as(err.toString() + out).isZero();
            assertThat(out.toString()).contains(": 1 record from one.csv").doesNotContain("1 records");
            assertThat(sandbox.appliedEdits()).hasSize(1);
        }
    }
}
