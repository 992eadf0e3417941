package io.participantsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.participantsync.Application;
import io.participantsync.support.ConsoleCapture;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The command line: sync and validate exit codes, summaries and reports; usage and configuration errors exit 2. */
class CommandLineIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();
    private final ByteArrayOutputStream out = console.out();
    private final ByteArrayOutputStream err = console.err();

    private Path config() throws Exception {
        return config(dir);
    }

    /** A --config for the command-line tests: every folder under {@code dir}, short backoffs. */
    static Path config(Path dir) throws Exception {
        Path config = dir.resolve("test.properties");
        Files.writeString(config, "dead-letter.dir=" + dir.resolve("dead-letter") + "\ndata.dir=" + dir.resolve("data")
                + "\nsync.report-dir=" + dir.resolve("reports") + "\ndelivery.initial-backoff-ms=10\n");
        return config;
    }

    @Test
    void givenMixedSample_whenSyncWithSandbox_thenExit0AndAllFiveProvidersUpdated() throws Exception {
        Path report = dir.resolve("mixed.report.json");

        int code = Application.execute("--sandbox", "sync", "samples/csv/mixed.csv", "--report", report.toString(),
                "--config", config().toString());

        assertThat(code).as(err.toString()).isZero();
        JsonNode r = JSON.readTree(report.toFile());
        assertThat(r.path("counts").path("updated").asInt()).isEqualTo(7);
        assertThat(out.toString()).contains("total").contains("oneflow").contains("zigned").contains("signinghub")
                .contains("eviasign").contains("zoho").contains("(received 8)");
    }

    @Test
    void givenBadRowsSample_whenSync_thenExit1AndEveryBadRowInRejectedCsv() throws Exception {
        Path report = dir.resolve("bad.report.json");

        int code = Application.execute("sync", "samples/csv/bad-rows.csv", "--sandbox", "--report", report.toString(),
                "--config", config().toString());

        assertThat(code).isEqualTo(1);
        JsonNode r = JSON.readTree(report.toFile());
        assertThat(r.path("counts").path("rejected").asInt()).isEqualTo(14);
        Path rejected = Path.of(r.path("rejected_csv").get(0).asText());
        // header + 14 rejected rows; none of them without a reason
        java.util.List<String> lines = Files.readAllLines(rejected);
        assertThat(lines).hasSize(15);
        assertThat(lines.subList(1, 15)).allSatisfy(l -> assertThat(l).containsPattern(
                "(validation|provider),\"?bad-rows\\.csv row \\d+: "));
        assertThat(out.toString()).contains("fix and re-drop: " + rejected);
    }

    @Test
    void givenSandboxKnobsInConfig_whenSync_thenInjectedFaultsExhaustRetriesAndExit1() throws Exception {
        Path config = config();
        Files.writeString(config, Files.readString(config) + "sandbox.rate503=1.0\ndelivery.max-attempts=2\n");
        Path report = dir.resolve("faults.report.json");

        int code = Application.execute("sync", "--sandbox", "samples/csv/mixed.csv", "--report", report.toString(),
                "--config", config.toString());

        assertThat(code).isEqualTo(1);
        JsonNode r = JSON.readTree(report.toFile());
        assertThat(r.path("counts").path("failed").asInt()).isEqualTo(7);
        assertThat(r.path("counts").path("unchanged").asInt()).isEqualTo(1);
        assertThat(r.path("rows").findValues("attempts")).extracting(JsonNode::asInt).contains(2);
    }

    @Test
    void givenMissingFile_whenSync_thenExit2() throws Exception {
        assertThat(Application.execute("sync", "--sandbox", dir.resolve("nope.csv").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("nope.csv");
    }

    @Test
    void givenUnknownOption_whenRun_thenExit2() {
        assertThat(Application.execute("sync", "--frobnicate")).isEqualTo(2);
    }

    @Test
    void givenConnectionWithoutSecret_whenSync_thenExit2NamingTheKey() throws Exception {
        Path config = dir.resolve("bad.properties");
        Files.writeString(config, "connections.acme.provider=zigned\nconnections.acme.client-id=abc\n");

        int code = Application.execute("sync", "samples/csv/zigned.csv", "--config", config.toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("connections.acme.client-secret");
    }

    @Test
    void givenNoConnections_whenSyncWithoutSandbox_thenExit2WithAdvice() {
        int code = Application.execute("sync", "samples/csv/zigned.csv");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("no connection is configured").contains("--sandbox");
    }

    @Test
    void givenSamples_whenValidate_thenShowsRequestsWithSecretsMaskedAndCallsNothing() throws Exception {
        int code = Application.execute("validate", "--sandbox", "samples/csv/eviasign.csv", "samples/csv/zigned.csv");

        assertThat(code).as(out.toString()).isZero();
        String shown = out.toString();
        assertThat(shown).contains("SEND").contains("POST ").contains("/editrecipient").contains("PUT ");
        assertThat(shown).doesNotContain("482913").doesNotContain("19121212-1212");
        assertThat(shown).contains("***");
    }

    @Test
    void givenBadRows_whenValidate_thenExit1AndEachProblemShown() {
        int code = Application.execute("validate", "--sandbox", "samples/csv/bad-rows.csv");

        assertThat(code).isEqualTo(1);
        assertThat(out.toString()).contains("REJECT    bad-rows.csv row 3: email: 'asa.oberg(at)example.com' is not a "
                + "valid email address");
    }

    @Test
    void givenNoConnections_whenValidateWithoutSandbox_thenExit2AsSync() {
        int code = Application.execute("validate", "samples/csv/zigned.csv");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("no connection is configured").contains("--sandbox");
        assertThat(out.toString()).doesNotContain("REJECT");
    }

    @Test
    void givenBadRateLimit_whenValidate_thenExit2NamingTheKey() throws Exception {
        Path config = config();
        Files.writeString(config, Files.readString(config) + "connections.zig.provider=zigned\n"
                + "connections.zig.rate-limit=fast please\n");

        int code = Application.execute("validate", "--sandbox", "samples/csv/zigned.csv", "--config", config.toString());

        assertThat(code).as(out.toString()).isEqualTo(2);
        assertThat(err.toString()).contains("connections.zig.rate-limit");
    }

    @Test
    void givenMisspeltKeys_whenValidateOrSync_thenExit2WithSuggestion() throws Exception {
        Path config = config();
        Files.writeString(config, Files.readString(config) + "connections.zig.provider=zigned\n"
                + "connections.zig.rate-limt=10/1s\nconections.zag.provider=zigned\n");

        for (String command : new String[] {"validate", "sync"}) {
            err.reset();
            int code = Application.execute(command, "--sandbox", "samples/csv/zigned.csv", "--config",
                    config.toString());

            assertThat(code).as(command).isEqualTo(2);
            assertThat(err.toString()).as(command)
                    .contains("connections.zig.rate-limt is not a known key: did you mean connections.zig.rate-limit?")
                    .contains("conections.zag.provider is not a known key: did you mean connections.zag.provider?");
        }
    }

    @Test
    void givenProviderNameInAnotherCase_whenValidate_thenAccepted() throws Exception {
        Path config = config();
        Files.writeString(config, Files.readString(config) + "connections.zig.provider=Zigned\n");

        int code = Application.execute("validate", "--sandbox", "samples/csv/zigned.csv", "--config", config.toString());

        assertThat(code).as(err.toString()).isZero();
    }

    @Test
    void givenHelp_whenAnyCommand_thenUsageAndExit0() {
        assertThat(Application.execute("sync", "--help")).isZero();
        assertThat(out.toString()).contains("Usage:").contains("--report");
    }
}
