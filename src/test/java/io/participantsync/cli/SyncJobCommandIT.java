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
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The {@code sync-job NAME} command: exit codes 0, 1 and 2, the summary, and change detection across two runs. */
class SyncJobCommandIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern REPORT = Pattern.compile("Report: (\\S+)");

    @TempDir
    Path dir;

    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();
    private final ByteArrayOutputStream out = console.out();
    private final ByteArrayOutputStream err = console.err();

    /** A config with job "people" reading an H2 table holding {@code rows} (contract, party, participant, name). */
    private Path config(String... rows) throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("crm");
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE people (contract_id INT, party_id INT, participant_id INT, full_name VARCHAR(100))");
            for (String row : rows) {
                s.execute("INSERT INTO people VALUES (" + row + ")");
            }
        }
        Path config = dir.resolve("jobs.properties");
        Files.writeString(config, String.join("\n",
                "dead-letter.dir=" + dir.resolve("dead-letter"),
                "data.dir=" + dir.resolve("data"),
                "delivery.initial-backoff-ms=10",
                "sync-jobs.people.source=jdbc",
                "sync-jobs.people.jdbc-url=" + url,
                "sync-jobs.people.query=SELECT * FROM people ORDER BY participant_id",
                "sync-jobs.people.field-mapping=full_name=name",
                "sync-jobs.people.provider=oneflow",
                ""));
        return config;
    }

    @Test
    void givenValidRows_whenSyncJobTwice_thenExit0BothTimesUpdatedThenUnchanged() throws Exception {
        Path config = config("100101, 200101, 300101, 'Åsa Öberg-Lind'", "100102, 200201, 300202, 'Lars N.'");

        int first = Application.execute("--sandbox", "sync-job", "people", "--config", config.toString());

        assertThat(first).as(err.toString()).isZero();
        assertThat(out.toString()).contains("participant-sync sync-job: 2 records from people")
                .contains("(received 2)");
        JsonNode report = report(out.toString());
        assertThat(report.path("counts").path("updated").asInt()).isEqualTo(2);
        assertThat(report.path("source")).isEqualTo(JSON.readTree("{\"kind\": \"sync-job\", \"name\": \"people\"}"));
        out.reset();

        int second = Application.execute("sync-job", "people", "--sandbox", "--config", config.toString());

        assertThat(second).isZero();
        assertThat(report(out.toString()).path("counts").path("unchanged").asInt()).isEqualTo(2);
    }

    @Test
    void givenRowThatIsRejected_whenSyncJob_thenExit1AndTheProblemShown() throws Exception {
        Path config = config("100101, 200101, 300101, 'Åsa Öberg-Lind'", "100101, 200100, 300100, NULL");
        Files.writeString(config, "sync-jobs.people.query=SELECT contract_id, party_id, participant_id, "
                + "'new.owner@example.com' AS email FROM people WHERE party_id = 200100\n",
                StandardOpenOption.APPEND);

        int code = Application.execute("--sandbox", "sync-job", "people", "--config", config.toString());

        assertThat(code).isEqualTo(1);
        assertThat(out.toString()).contains("rejected  people row 1: oneflow answered HTTP 409");
    }

    @Test
    void givenUnknownJob_whenSyncJob_thenExit2NamingTheConfiguredJobs() throws Exception {
        int code = Application.execute("--sandbox", "sync-job", "nope", "--config", config().toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("no sync job named 'nope' (configured: people)");
    }

    @Test
    void givenJobWithoutQuery_whenSyncJob_thenExit2NamingTheKey() throws Exception {
        Path config = dir.resolve("bad.properties");
        Files.writeString(config, "sync-jobs.crm.source=jdbc\nsync-jobs.crm.jdbc-url=jdbc:h2:mem:x\n");

        int code = Application.execute("--sandbox", "sync-job", "crm", "--config", config.toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("sync-jobs.crm.query must be set for source jdbc");
    }

    private static JsonNode report(String output) throws Exception {
        Matcher m = REPORT.matcher(output);
        assertThat(m.find()).as(output).isTrue();
        return JSON.readTree(Path.of(m.group(1)).toFile());
    }
}
