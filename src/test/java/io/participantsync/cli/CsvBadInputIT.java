package io.participantsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.participantsync.Application;
import io.participantsync.support.ConsoleCapture;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code sync} on bad CSV files: every physical row has one outcome, a file without a header sends nothing. */
class CsvBadInputIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HEADER = "provider,connection,contract_id,party_id,participant_id,name";

    @TempDir
    Path dir;

    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();
    private final ByteArrayOutputStream err = console.err();

    private Path config() throws Exception {
        return CommandLineIT.config(dir);
    }

    @Test
    void givenBrokenQuoteInRowTwoOfFive_whenSync_thenFourSentOneRejectedWithItsTextAndReceivedFive()
            throws Exception {
        Path csv = dir.resolve("broken.csv");
        Files.writeString(csv, HEADER + "\n"
                + "oneflow,,100101,200101,300101,Row One\n"
                + "oneflow,,100101,200101,300101,\"Row \"Two\" broken\"\n"
                + "oneflow,,100101,200101,300102,Row Three\n"
                + "oneflow,,100101,200100,300100,Row Four\n"
                + "oneflow,,100102,200201,300202,Row Five\n");
        Path report = dir.resolve("broken.report.json");

        int code = Application.execute("--sandbox", "sync", csv.toString(), "--report", report.toString(),
                "--config", config().toString());

        assertThat(code).as(err.toString()).isEqualTo(1);
        JsonNode r = JSON.readTree(report.toFile());
        assertThat(r.path("counts").path("received").asInt()).isEqualTo(5);
        assertThat(r.path("counts").path("updated").asInt()).isEqualTo(4);
        assertThat(r.path("counts").path("rejected").asInt()).isEqualTo(1);
        List<String> lines = Files.readAllLines(Path.of(r.path("rejected_csv").get(0).asText()));
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).startsWith("oneflow,,100101,200101,300101,\"\"\"Row \"\"Two\"\" broken\"\"\",")
                .contains("cannot parse CSV at row 2: Invalid character between encapsulated token and delimiter")
                .doesNotContain("at line");
    }

    @Test
    void givenFileWithoutHeaderLine_whenSync_thenExit1NothingSentAndTheMessageSaysSo() throws Exception {
        Path csv = dir.resolve("no-header.csv");
        Files.writeString(csv, "oneflow,,100101,200101,300101,X\noneflow,,100101,200101,300102,Y\n");
        Path report = dir.resolve("no-header.report.json");

        int code = Application.execute("--sandbox", "sync", csv.toString(), "--report", report.toString(),
                "--config", config().toString());

        assertThat(code).isEqualTo(1);
        JsonNode r = JSON.readTree(report.toFile());
        assertThat(r.path("counts").path("updated").asInt()).isZero();
        assertThat(r.path("counts").path("rejected").asInt()).isEqualTo(1);
        assertThat(r.toString()).contains("the first line is not a header").doesNotContain("header only");
    }
}
