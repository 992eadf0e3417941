package io.participantsync.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.participantsync.deadletter.DeadLetterWriter;
import io.participantsync.core.BatchReport;
import io.participantsync.core.Checkpoint;
import io.participantsync.core.Endpoints;
import io.participantsync.core.Headers;
import io.participantsync.core.RecordSource;
import io.participantsync.model.Outcome;
import io.participantsync.model.ParticipantUpdate;
import io.participantsync.model.Source;
import io.participantsync.sandbox.AppliedEdit;
import io.participantsync.state.CheckpointStore;
import io.participantsync.support.TestApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The core's checkpoints: every checkpointed record's outcome is saved, and a saved row is re-emitted, not sent. */
class CheckpointIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestApp app;
    private static Path dir;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("ps-checkpoint");
        app = TestApp.start(dir, false, Map.of(), true);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @BeforeEach
    void reset() {
        app.sandbox.reset();
    }

    @Test
    void givenCheckpointedSource_whenBatchRuns_thenEachRowsFinalOutcomeIsSaved() throws Exception {
        String source = "test:" + System.nanoTime();

        BatchReport r = send(source, threeRecords());

        CheckpointStore store = app.app.checkpoints();
        assertThat(r.received()).isEqualTo(3);
        assertThat(store.count(source)).isEqualTo(3);
        assertThat(store.find(source, 1)).get().extracting(Checkpoint::outcome).isEqualTo(Outcome.UPDATED);
        assertThat(store.find(source, 2)).get().extracting(Checkpoint::outcome).isEqualTo(Outcome.UPDATED);
        Checkpoint rejected = store.find(source, 3).orElseThrow();
        assertThat(rejected.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(rejected.category()).isEqualTo("validation");
        assertThat(rejected.deadLetter()).isNotNull();
        assertThat(rejected.deadLetter()).matches(".*\\.deadletters\\.jsonl#1");
        assertThat(DeadLetterWriter.readLetter(rejected.deadLetter())).contains("\"row\":3");
        assertThat(rejected.connection()).isEqualTo("oneflow");
    }

    @Test
    void givenRowsWithCheckpoints_whenSourceRunsAgain_thenThoseRowsReEmittedWithoutACall() throws Exception {
        String source = "test:" + System.nanoTime();
        CheckpointStore store = app.app.checkpoints();
        // as if a crash interrupted the first run after rows 1 and 3 had their outcomes
        store.save(new Checkpoint(source, 1, Outcome.UPDATED, "oneflow", null, null, 0, null, null, 1, null, "b0",
                Instant.now()));
        store.save(new Checkpoint(source, 3, Outcome.REJECTED, "oneflow", "validation", "row 3: participant_id is "
                + "required", 0, null, null, 0, dir.resolve("dl.json").toString(), "b0", Instant.now()));

        BatchReport r = send(source, threeRecords());

        assertThat(r.received()).isEqualTo(3);
        assertThat(r.count(Outcome.UPDATED)).isEqualTo(2);
        assertThat(r.count(Outcome.REJECTED)).isEqualTo(1);
        assertThat(app.sandbox.appliedEdits()).extracting(AppliedEdit::provider).containsExactly("zigned");
        JsonNode report = JSON.readTree(r.reportFile().toFile());
        Map<Integer, JsonNode> rows = new HashMap<>();
        report.path("rows").forEach(row -> rows.put(row.path("row").asInt(), row));
        assertThat(rows.get(1).path("from_checkpoint").asBoolean()).isTrue();
        assertThat(rows.get(1).path("outcome").asText()).isEqualTo("updated");
        assertThat(rows.get(2).has("from_checkpoint")).isFalse();
        assertThat(rows.get(3).path("from_checkpoint").asBoolean()).isTrue();
        assertThat(rows.get(3).path("message").asText()).isEqualTo("row 3: participant_id is required");
        assertThat(rows.get(3).path("dead_letter").asText()).isEqualTo(dir.resolve("dl.json").toString());
        assertThat(StreamSupport.stream(report.path("notes").spliterator(), false).map(JsonNode::asText))
                .containsExactly("resumed: 2 of 3 records already had an outcome in an earlier run of this source "
                        + "that was interrupted; they were not sent again and their rows say from_checkpoint");
    }

    @Test
    void givenSavedCheckpoint_whenSavedAgain_thenFirstOutcomeStands() {
        String source = "test:" + System.nanoTime();
        CheckpointStore store = app.app.checkpoints();

        store.save(new Checkpoint(source, 7, Outcome.UPDATED, "zigned", null, null, 0, null, null, 2, null, "b1",
                Instant.now()));
        store.save(new Checkpoint(source, 7, Outcome.FAILED, "zigned", "transient", "gave up", 503, null, "down", 4,
                null, "b2", Instant.now()));

        Optional<Checkpoint> found = store.find(source, 7);
        assertThat(found).get().extracting(Checkpoint::outcome, Checkpoint::attempts, Checkpoint::batchId)
                .containsExactly(Outcome.UPDATED, 2, "b1");
    }

    @Test
    void givenSettledOrOldSources_whenDeletedOrPurged_thenTheirCheckpointsAreGone() {
        String settled = "test:settled-" + System.nanoTime();
        String old = "test:old-" + System.nanoTime();
        String fresh = "test:fresh-" + System.nanoTime();
        CheckpointStore store = app.app.checkpoints();
        Instant now = Instant.now();
        store.save(new Checkpoint(settled, 1, Outcome.UPDATED, "c", null, null, 0, null, null, 1, null, "b", now));
        store.save(new Checkpoint(settled, 2, Outcome.UPDATED, "c", null, null, 0, null, null, 1, null, "b", now));
        store.save(new Checkpoint(old, 1, Outcome.UPDATED, "c", null, null, 0, null, null, 1, null, "b",
                now.minusSeconds(7200)));
        store.save(new Checkpoint(fresh, 1, Outcome.UPDATED, "c", null, null, 0, null, null, 1, null, "b", now));

        assertThat(store.deleteSource(settled)).isEqualTo(2);
        store.purgeOlderThan(now.minusSeconds(3600));

        assertThat(store.count(settled)).isZero();
        assertThat(store.count(old)).isZero();
        assertThat(store.count(fresh)).isEqualTo(1);
    }

    @Test
    void givenRecordsWithoutSourceId_whenSentTwice_thenBothRunsSendAndNothingIsReEmitted() {
        BatchReport first = app.send(threeRecords());
        BatchReport second = app.send(threeRecords());

        assertThat(first.received()).isEqualTo(3);
        assertThat(second.received()).isEqualTo(3);
        assertThat(second.notes()).isEmpty();
        assertThat(app.sandbox.appliedEdits()).hasSize(4);
    }

    private static BatchReport send(String sourceId, List<ParticipantUpdate> records) {
        Map<String, Object> headers = new HashMap<>();
        headers.put(Headers.SOURCE_KIND, "test");
        headers.put(Headers.SOURCE_NAME, "test-batch");
        headers.put(Headers.SOURCE_ID, sourceId);
        headers.put(Headers.REPORT_PATH, dir.resolve("report-" + System.nanoTime() + ".json").toString());
        return app.app.producerTemplate().requestBodyAndHeaders(Endpoints.INGEST_BATCH,
                RecordSource.of(records, List.of()), headers, BatchReport.class);
    }

    /** Row 1 oneflow and row 2 zigned are real changes of seeded participants; row 3 lacks its participant id. */
    private static List<ParticipantUpdate> threeRecords() {
        return List.of(
                record(1, "oneflow", Map.of("contract_id", "100101", "party_id", "200101", "participant_id", "300101",
                        "name", "Åsa Öberg-Lind")),
                record(2, "zigned", Map.of("agreement_id", "cm4draftnordic0001example",
                        "participant_id", "cm4p0001asaoberg00example", "role", "approver")),
                record(3, "oneflow", Map.of("contract_id", "100101", "party_id", "200101", "name", "Nobody")));
    }

    private static ParticipantUpdate record(long row, String provider, Map<String, String> fields) {
        return ParticipantUpdate.of(provider, null, fields, new Source("test", "test-batch", row, Instant.now(),
                "test-batch#" + row, null, null));
    }
}
