package io.participantsync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.participantsync.deadletter.DeadLetterWriter;
import io.participantsync.model.DeliveryOutcome;
import io.participantsync.model.Outcome;
import io.participantsync.model.ParticipantUpdate;
import io.participantsync.model.ProviderError;
import io.participantsync.model.Source;
import io.participantsync.support.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Verifies batch counting, the JSON batch report (atomic, every row) and the closing of the batch's dead letters. */
class BatchesTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Instant START = Instant.parse("2024-05-06T10:00:00Z");
    private static final List<String> HEADER = List.of("provider", "agreement_id", "participant_id", "name",
            "identification_number");
    private static final String PN = "198001011234";

    @TempDir
    Path tmp;

    private final MutableClock clock = new MutableClock(START);
    private DeadLetterWriter deadLetters;
    private Batches batches;
    private Path reports;

    @BeforeEach
    void setUp() throws IOException {
        deadLetters = new DeadLetterWriter(tmp.resolve("dead-letter"), clock);
        batches = new Batches(clock, deadLetters, tmp.resolve("work"));
        reports = Files.createDirectories(tmp.resolve("archive"));
    }

    @Test
    void givenMixedOutcomes_whenClose_thenCountsAddUpAndReportHasEveryRow() throws IOException {
        Path reportFile = reports.resolve("people.csv.report.json");
        List<DeliveryOutcome> told = new ArrayList<>();
        batches.open("b1", "csv", "people.csv", reportFile, told::add);
        List<DeliveryOutcome> outcomes = List.of(
                outcome(1, "zigned", Outcome.UPDATED, null, null, null),
                outcome(2, "zigned", Outcome.UNCHANGED, null, null, null),
                outcome(3, "zigned", Outcome.REJECTED, "provider", "people.csv row 3: zigned answered HTTP 404",
                        new ProviderError(404, "404", "Participant " + PN + " not found")),
                outcome(4, "oneflow", Outcome.FAILED, "transient", "people.csv row 4: gave up after 4 attempts",
                        new ProviderError(503, null, "Service Unavailable")),
                outcome(5, null, Outcome.REJECTED, "validation", "people.csv row 5: provider: is required", null));
        List<String> deadLetterFiles = new ArrayList<>();
        for (DeliveryOutcome o : outcomes) {
            String dl = o.deadLettered() ? deadLetters.write(o, "b1") : null;
            deadLetterFiles.add(dl);
            batches.record("b1", o, dl);
        }
        clock.advance(Duration.ofSeconds(5));

        BatchReport report = batches.close("b1", List.of("header only: no data rows"));

        assertThat(told).containsExactlyElementsOf(outcomes);
        assertThat(report.received()).isEqualTo(5);
        assertThat(report.counts()).isEqualTo(Map.of(Outcome.UPDATED, 1L, Outcome.UNCHANGED, 1L, Outcome.REJECTED,
                2L, Outcome.FAILED, 1L));
        assertThat(report.allSucceeded()).isFalse();
        Path rejectedCsv = tmp.resolve("dead-letter/2024-05-06/people.rejected.csv");
        assertThat(report.rejectedCsvFiles()).containsExactly(rejectedCsv);
        assertThat(rejectedCsv).exists();

        JsonNode json = MAPPER.readTree(reportFile.toFile());
        assertThat(json.get("batch_id").asText()).isEqualTo("b1");
        assertThat(json.get("source")).isEqualTo(MAPPER.readTree("{\"kind\":\"csv\",\"name\":\"people.csv\"}"));
        assertThat(json.get("started_at").asText()).isEqualTo("2024-05-06T10:00:00Z");
        assertThat(json.get("finished_at").asText()).isEqualTo("2024-05-06T10:00:05Z");
        JsonNode counts = json.get("counts");
        assertThat(counts).isEqualTo(MAPPER.readTree(
                "{\"received\":5,\"updated\":1,\"unchanged\":1,\"rejected\":2,\"failed\":1}"));
        assertThat(counts.get("received").asLong()).isEqualTo(counts.get("updated").asLong()
                + counts.get("unchanged").asLong() + counts.get("rejected").asLong() + counts.get("failed").asLong());
        assertThat(json.get("by_provider")).isEqualTo(MAPPER.readTree("""
                {"(none)": {"updated": 0, "unchanged": 0, "rejected": 1, "failed": 0},
                 "oneflow": {"updated": 0, "unchanged": 0, "rejected": 0, "failed": 1},
                 "zigned": {"updated": 1, "unchanged": 1, "rejected": 1, "failed": 0}}
                """));
        assertThat(json.get("notes")).isEqualTo(MAPPER.readTree("[\"header only: no data rows\"]"));
        assertThat(json.get("rejected_csv")).isEqualTo(MAPPER.createArrayNode().add(rejectedCsv.toString()));
        JsonNode rows = json.get("rows");
        assertThat(rows).hasSize(5);
        assertThat(rows.get(0)).isEqualTo(MAPPER.readTree("""
                {"source": "people.csv", "row": 1, "correlation_id": "people.csv#1",
                 "participant": "agreement_id=c4zatmug6d5jtfyl1b5example, participant_id=clp0q2x9k0000abcd1234efgh",
                 "provider": "zigned", "connection": "zigned", "outcome": "updated", "attempts": 1}
                """));
        assertThat(rows.get(2)).isEqualTo(MAPPER.readTree("""
                {"source": "people.csv", "row": 3, "correlation_id": "people.csv#3",
                 "participant": "agreement_id=c4zatmug6d5jtfyl1b5example, participant_id=clp0q2x9k0000abcd1234efgh",
                 "provider": "zigned", "connection": "zigned", "outcome": "rejected", "http_status": 404, "error_category": "provider",
                 "message": "people.csv row 3: zigned answered HTTP 404", "provider_code": "404",
                 "provider_message": "Participant *** not found", "attempts": 1, "dead_letter": "%s"}
                """.formatted(deadLetterFiles.get(2))));
        // each row's dead_letter is the line of the batch's one dead-letter file that holds that row
        for (int i : new int[] {2, 3, 4}) {
            String location = rows.get(i).path("dead_letter").asText();
            assertThat(location).endsWith("-b1.deadletters.jsonl#" + (i - 1));
            assertThat(MAPPER.readTree(DeadLetterWriter.readLetter(location)).path("source").path("correlation_id")
                    .asText()).isEqualTo("people.csv#" + (i + 1));
        }
        List<Long> rowNumbers = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        rows.forEach(r -> {
            rowNumbers.add(r.get("row").asLong());
            labels.add(r.get("outcome").asText());
        });
        assertThat(rowNumbers).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(labels).containsExactly("updated", "unchanged", "rejected", "failed", "rejected");
        assertThat(new String(Files.readAllBytes(reportFile), StandardCharsets.UTF_8)).doesNotContain(PN);
    }

    @Test
    void givenClosedBatch_whenLookingAtTheFolders_thenNoTemporaryFileIsLeftAndReportIsOwnerOnly()
            throws IOException {
        Path reportFile = reports.resolve("r.json");
        batches.open("b2", "csv", "people.csv", reportFile, null);
        for (int row = 1; row <= 3; row++) {
            batches.record("b2", outcome(row, "zigned", Outcome.UPDATED, null, null, null), null);
        }
        assertThat(list(tmp.resolve("work"))).hasSize(1);

        batches.close("b2", null);

        assertThat(list(reports)).containsExactly(reportFile);
        assertThat(list(tmp.resolve("work"))).isEmpty();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(reportFile))).isEqualTo("rw-------");
        assertThat(MAPPER.readTree(reportFile.toFile()).get("rows")).hasSize(3);
        assertThat(batches.isOpen("b2")).isFalse();
    }

    @Test
    void givenNoReportFile_whenClose_thenSummaryOnlyAndNothingWritten() throws IOException {
        batches.open("b3", "cli", "sync", null, null);
        batches.record("b3", outcome(0, "zigned", Outcome.UNCHANGED, null, null, null), null);

        BatchReport report = batches.close("b3", List.of());

        assertThat(report.received()).isEqualTo(1);
        assertThat(report.count(Outcome.UNCHANGED)).isEqualTo(1);
        assertThat(report.allSucceeded()).isTrue();
        assertThat(report.reportFile()).isNull();
        assertThat(list(reports)).isEmpty();
        assertThat(list(tmp.resolve("work"))).isEmpty();
    }

    @Test
    void givenBatchIdWithPathCharacters_whenOpenRecordClose_thenWorksAndWritesOnlyInsideTheFolders()
            throws IOException {
        String id = "../2024/05/06 run#1";
        batches.open(id, "http", "request", reports.resolve("r.json"), null);
        batches.record(id, outcome(1, "zigned", Outcome.UPDATED, null, null, null), null);

        BatchReport report = batches.close(id, List.of());

        assertThat(report.batchId()).isEqualTo(id);
        assertThat(MAPPER.readTree(reports.resolve("r.json").toFile()).get("batch_id").asText()).isEqualTo(id);
        assertThat(list(tmp)).containsExactlyInAnyOrder(tmp.resolve("work"), reports);
        assertThat(list(tmp.resolve("work"))).isEmpty();
    }

    @Test
    void givenUnknownBatch_whenRecordOrClose_thenIllegalState() {
        DeliveryOutcome o = outcome(1, "zigned", Outcome.UPDATED, null, null, null);

        assertThatThrownBy(() -> batches.record("nope", o, null)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("nope");
        assertThatThrownBy(() -> batches.close("nope", List.of())).isInstanceOf(IllegalStateException.class);
    }

    private static DeliveryOutcome outcome(int row, String provider, Outcome outcome, String category,
            String message, ProviderError error) {
        List<String> values = List.of(provider == null ? "" : provider, "c4zatmug6d5jtfyl1b5example",
                "clp0q2x9k0000abcd1234efgh", "Anna", PN);
        ParticipantUpdate update = new ParticipantUpdate(provider, null, Map.of("agreement_id",
                "c4zatmug6d5jtfyl1b5example", "participant_id", "clp0q2x9k0000abcd1234efgh", "name", "Anna",
                "identification_number", PN), new Source("csv", "people.csv", row, START, "people.csv#" + row,
                row > 0 ? HEADER : null, row > 0 ? values : null), List.of());
        return new DeliveryOutcome(update, provider == null ? null : provider, outcome, category, message, error,
                outcome == Outcome.FAILED ? 4 : 1, START, START.plusSeconds(1));
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }
}
