package io.participantsync.e2e;

import static io.participantsync.e2e.QueueTestSupport.files;
import static io.participantsync.e2e.QueueTestSupport.readJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.participantsync.Application;
import io.participantsync.config.Settings;
import io.participantsync.core.Checkpoint;
import io.participantsync.deadletter.DeadLetterWriter;
import io.participantsync.model.DeliveryOutcome;
import io.participantsync.model.Outcome;
import io.participantsync.model.ParticipantUpdate;
import io.participantsync.model.ProviderError;
import io.participantsync.model.Source;
import io.participantsync.sandbox.AppliedEdit;
import io.participantsync.sandbox.SandboxServer;
import io.participantsync.state.CheckpointStore;
import io.participantsync.state.StateStore;
import io.participantsync.support.TestApp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code replay} end to end over a sandbox in this JVM: dead letters re-driven through the core, moved to
 * {@code replayed/<date>/} after their outcome, nothing sent twice on a second run, each filter, dry run, and masked
 * values never sent.
 */
class ReplayIT {

    private static final Instant JANUARY = Instant.parse("2026-01-10T09:00:00Z");
    private static final Instant MARCH = Instant.parse("2026-03-02T09:00:00Z");

    private SandboxServer sandbox;
    private Path dir;
    private Path deadLetters;
    private Path config;
    private int batches;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream oldOut;
    private PrintStream oldErr;

    @BeforeEach
    void start() throws Exception {
        dir = Files.createTempDirectory("ps-replay");
        deadLetters = dir.resolve("dead-letter");
        sandbox = SandboxServer.start(0);
        Properties p = new Properties();
        // four attempts per record: the tests script 503s by that count
        p.putAll(TestApp.properties(sandbox, dir, Map.of("sync.report-dir", dir.resolve("reports").toString(),
                "delivery.max-attempts", "4")));
        config = dir.resolve("test.properties");
        try (Writer w = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            p.store(w, null);
        }
        oldOut = System.out;
        oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void stop() {
        System.setOut(oldOut);
        System.setErr(oldErr);
        sandbox.close();
    }

    @Test
    void givenRecordsThatFailed_whenReplayedTwice_thenEachSentOnceAndItsDeadLetterMovedToReplayed() throws Exception {
        Path csv = dir.resolve("people.csv");
        Files.writeString(csv, "provider,contract_id,party_id,participant_id,name\n"
                + "oneflow,100101,200101,300101,Åsa Öberg-Lind\noneflow,100101,200101,300102,José Núñez Ruiz\n");
        // both rows use up their four attempts on 503s
        sandbox.knobs().failNext("oneflow", 8, 503);
        Path syncReport = dir.resolve("sync.report.json");
        assertThat(Application.execute("sync", csv.toString(), "--config", config.toString(), "--report",
                syncReport.toString())).isEqualTo(1);
        List<Path> failed = deadLetterFiles();
        assertThat(failed).as("one dead-letter file for the batch").hasSize(1);
        assertThat(Files.readAllLines(failed.get(0))).hasSize(2);
        for (JsonNode row : readJson(syncReport).path("rows")) {
            // each report row points at the line that holds its own record
            String location = row.path("dead_letter").asText();
            assertThat(location).startsWith(failed.get(0) + "#");
            assertThat(parse(DeadLetterWriter.readLetter(location)).path("source").path("row").asInt())
                    .isEqualTo(row.path("row").asInt());
        }
        assertThat(sandbox.appliedEdits()).isEmpty();
        assertThat(pendingInTheStore()).as("the console's dead-letter list").hasSize(2);

        int first = replay();
        String firstOutput = out.toString();
        out.reset();
        int second = replay();

        assertThat(first).as(firstOutput + err).isZero();
        assertThat(firstOutput).contains("participant-sync replay: 2 records").contains("(received 2)");
        assertThat(sandbox.appliedEdits()).extracting(AppliedEdit::locator)
                .containsExactlyInAnyOrder("100101/200101/300101", "100101/200101/300102");
        assertThat(deadLetterFiles()).isEmpty();
        assertThat(replayed()).extracting(p -> p.getFileName().toString())
                .containsExactlyInAnyOrderElementsOf(failed.stream().map(p -> p.getFileName().toString()).toList());
        assertThat(Files.readAllLines(replayedDay().resolve(failed.get(0).getFileName() + ".replayed")))
                .containsExactlyInAnyOrder("1", "2");
        assertThat(pendingInTheStore()).as("replayed by `replay`: off the console's pending list").isEmpty();
        assertThat(second).isZero();
        assertThat(out.toString()).contains("no dead letter to replay");
        assertThat(sandbox.appliedEdits()).as("the second run sent nothing").hasSize(2);
    }

    @Test
    void givenRejectedAndFailed_whenReplayedWithCategoryFailed_thenOnlyTheFailedOneIsSent() throws Exception {
        Path rejected = write(oneflow("300101", "Åsa Öberg-Lind"), Outcome.REJECTED, "oneflow", MARCH);
        Path failed = write(zigned("cm4p0001asaoberg00example"), Outcome.FAILED, "zigned", MARCH);

        int code = replay("--category", "failed");

        assertThat(code).as(out.toString()).isZero();
        assertThat(sandbox.appliedEdits()).extracting(AppliedEdit::provider).containsExactly("zigned");
        assertThat(rejected).exists();
        assertThat(failed).doesNotExist();
        assertThat(replayed()).extracting(p -> p.getFileName().toString())
                .containsExactly(failed.getFileName().toString());
    }

    @Test
    void givenRejectedAndFailed_whenReplayedWithCategoryRejected_thenOnlyTheRejectedOneIsSent() throws Exception {
        Path rejected = write(oneflow("300101", "Åsa Öberg-Lind"), Outcome.REJECTED, "oneflow", MARCH);
        Path failed = write(zigned("cm4p0001asaoberg00example"), Outcome.FAILED, "zigned", MARCH);

        int code = replay("--category", "rejected");

        assertThat(code).as(out.toString()).isZero();
        assertThat(sandbox.appliedEdits()).extracting(AppliedEdit::provider).containsExactly("oneflow");
        assertThat(rejected).doesNotExist();
        assertThat(failed).exists();
    }

    @Test
    void givenSeveralProviders_whenReplayedWithProvider_thenOnlyThatProvidersDeadLetters() throws Exception {
        Path oneflow = write(oneflow("300101", "Åsa Öberg-Lind"), Outcome.FAILED, "oneflow", MARCH);
        Path zigned = write(zigned("cm4p0001asaoberg00example"), Outcome.FAILED, "zigned", MARCH);

        int code = replay("--provider", "zigned");

        assertThat(code).as(out.toString()).isZero();
        assertThat(sandbox.appliedEdits()).extracting(AppliedEdit::provider).containsExactly("zigned");
        assertThat(oneflow).exists();
        assertThat(zigned).doesNotExist();
    }

    @Test
    void givenTwoOneflowConnections_whenReplayedWithConnection_thenOnlyThatConnectionsDeadLetters() throws Exception {
        Path main = write(oneflow("300101", "Åsa Öberg-Lind"), Outcome.FAILED, "oneflow", MARCH);
        Path acme = write(ParticipantUpdate.of("oneflow", "oneflow-acme", Map.of("contract_id", "100901",
                "party_id", "200901", "participant_id", "300901", "title", "Director"), source()), Outcome.FAILED,
                "oneflow-acme", MARCH);

        int code = replay("--connection", "oneflow-acme");

        assertThat(code).as(out.toString()).isZero();
        assertThat(sandbox.appliedEdits()).extracting(AppliedEdit::account).containsExactly("oneflow-acme");
        assertThat(main).exists();
        assertThat(acme).doesNotExist();
    }

    @Test
    void givenOldAndNewDeadLetters_whenReplayedWithSince_thenOnlyThoseWrittenSinceThatDay() throws Exception {
        Path old = write(oneflow("300101", "Åsa Öberg-Lind"), Outcome.FAILED, "oneflow", JANUARY);
        Path recent = write(oneflow("300102", "José Núñez Ruiz"), Outcome.FAILED, "oneflow", MARCH);

        int code = replay("--since", "2026-02-01");

        assertThat(code).as(out.toString()).isZero();
        assertThat(sandbox.appliedEdits()).extracting(AppliedEdit::locator).containsExactly("100101/200101/300102");
        assertThat(old).exists();
        assertThat(recent).doesNotExist();
    }

    @Test
    void givenDeadLetters_whenDryRun_thenListedWithTheirRequestAndNothingSentOrMoved() throws Exception {
        Path failed = write(oneflow("300101", "Åsa Öberg-Lind"), Outcome.FAILED, "oneflow", MARCH);

        int code = replay("--dry-run");

        assertThat(code).isZero();
        String name = deadLetters.relativize(failed).toString();
        assertThat(out.toString()).contains("1 dead letter would be replayed").contains(name)
                .contains("would send PUT " + sandbox.url());
        assertThat(sandbox.requestCount("oneflow")).isZero();
        assertThat(failed).exists();
        assertThat(replayed()).isEmpty();
    }

    @Test
    void givenMaskedValues_whenReplayed_thenDroppedAndSaidSoAndAMaskedOnlyRecordIsLeftInPlace() throws Exception {
        Path withName = write(ParticipantUpdate.of("zigned", null, Map.of("agreement_id", "cm4draftnordic0001example",
                "participant_id", "cm4p0002josenunez0example", "name", "José Núñez Ruiz",
                "identification_number", "198001011234"), source()), Outcome.FAILED, "zigned", MARCH);
        Path maskedOnly = write(ParticipantUpdate.of("zigned", null, Map.of("agreement_id",
                "cm4draftnordic0001example", "participant_id", "cm4p0003mikaeleriexample",
                "identification_number", "197512249876"), source()), Outcome.FAILED, "zigned", MARCH);
        assertThat(Files.readString(withName)).contains("\"identification_number\":\"***\"");

        int code = replay();

        assertThat(code).as("a dead letter was left for a person").isEqualTo(1);
        List<AppliedEdit> edits = sandbox.appliedEdits();
        assertThat(edits).hasSize(1);
        JsonNode sent = edits.get(0).fields();
        assertThat(sent.path("name").asText()).isEqualTo("José Núñez Ruiz");
        assertThat(sent.has("identity_enforcement")).isFalse();
        assertThat(edits.get(0).fieldsJson()).doesNotContain("***");
        assertThat(out.toString()).contains(deadLetters.relativize(withName) + "#1: identification_number masked in "
                + "the dead letter: dropped, not sent")
                .contains(deadLetters.relativize(maskedOnly) + "#1: not replayed: its only changes were masked");
        assertThat(withName).doesNotExist();
        assertThat(maskedOnly).exists();
    }

    @Test
    void givenRecordRejectedAgain_whenReplayed_thenANewDeadLetterAndTheOldOneMoved() throws Exception {
        Path old = write(ParticipantUpdate.of("zigned", null, Map.of("agreement_id", "cm4opennordic00002example",
                "participant_id", "cm4p0004sofiakarlexample", "name", "Sofia Karlsson"), source()), Outcome.FAILED,
                "zigned", MARCH);

        int code = replay();

        assertThat(code).isEqualTo(1);
        assertThat(old).doesNotExist();
        List<Path> fresh = deadLetterFiles();
        assertThat(fresh).hasSize(1);
        JsonNode letter = parse(DeadLetterWriter.readLetter(fresh.get(0) + "#1"));
        assertThat(letter.path("outcome").asText()).isEqualTo("rejected");
        assertThat(letter.path("source").path("kind").asText()).isEqualTo("replay");
        assertThat(letter.path("source").path("name").asText()).isEqualTo(deadLetters.relativize(old) + "#1");
        assertThat(fresh.get(0).getParent().getFileName().toString())
                .isEqualTo(LocalDate.now(ZoneOffset.UTC).toString());
    }

    /** The dead letters the console lists as pending (the state store's dead-letter list). */
    private List<io.participantsync.state.BatchRecords.Row> pendingInTheStore() {
        try (StateStore store = StateStore.open(Settings.load(config, Map.of()), Clock.systemUTC())) {
            return new io.participantsync.state.BatchRecords(store.dataSource()).deadLetters(
                    new io.participantsync.state.BatchRecords.DeadLetterFilter(null, null, null, null, null, null,
                            "pending"), 0, 100).items();
        }
    }

    @Test
    void givenReplayKilledAfterAnOutcomeBeforeTheMove_whenRunAgain_thenReEmittedFromItsCheckpointAndMoved()
            throws Exception {
        Path letter = write(oneflow("300101", "Åsa Öberg-Lind"), Outcome.FAILED, "oneflow", MARCH);
        String sourceId = "replay:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllLines(letter).get(0).getBytes(StandardCharsets.UTF_8)));
        Settings settings = Settings.load(config, Map.of());
        try (StateStore store = StateStore.open(settings, Clock.systemUTC())) {
            new CheckpointStore(store).save(new Checkpoint(sourceId, 0, Outcome.UPDATED, "oneflow", null, null, 0,
                    null, null, 1, null, "earlier-replay", Instant.now()));
        }
        Path report = dir.resolve("replay.report.json");

        int code = replay("--report", report.toString());

        assertThat(code).as(out.toString()).isZero();
        assertThat(sandbox.requestCount("oneflow")).isZero();
        assertThat(letter).doesNotExist();
        JsonNode row = readJson(report).path("rows").get(0);
        assertThat(row.path("outcome").asText()).isEqualTo("updated");
        assertThat(row.path("from_checkpoint").asBoolean()).isTrue();
        try (StateStore store = StateStore.open(settings, Clock.systemUTC())) {
            assertThat(new CheckpointStore(store).count(sourceId)).as("forgotten once moved").isZero();
        }
    }

    @Test
    void givenUnknownCategory_whenReplay_thenUsageErrorExit2() {
        assertThat(replay("--category", "lost")).isEqualTo(2);
        assertThat(err.toString()).contains("--category must be rejected or failed");
        assertThat(replay("--since", "last tuesday")).isEqualTo(2);
    }

    @Test
    void givenOneFileOfManyDeadLetters_whenReplayedInParts_thenEachRecordSentOnceAndTheFileMovedWhenAllAreDone()
            throws Exception {
        DeadLetterWriter writer = new DeadLetterWriter(deadLetters, Clock.fixed(MARCH, ZoneOffset.UTC));
        String first = writer.write(failed(oneflow("300101", "Åsa Öberg-Lind"), "oneflow"), "big-batch");
        writer.write(failed(zigned("cm4p0001asaoberg00example"), "zigned"), "big-batch");
        writer.write(failed(oneflow("300102", "José Núñez Ruiz"), "oneflow"), "big-batch");
        writer.closeBatch("big-batch");
        Path file = Path.of(first.substring(0, first.lastIndexOf('#')));
        Path sidecar = file.resolveSibling(file.getFileName() + ".replayed");

        int oneflowOnly = replay("--provider", "oneflow");

        assertThat(oneflowOnly).as(out.toString()).isZero();
        assertThat(sandbox.appliedEdits()).extracting(AppliedEdit::locator)
                .containsExactlyInAnyOrder("100101/200101/300101", "100101/200101/300102");
        assertThat(file).as("a line is still to be replayed").exists();
        assertThat(Files.readAllLines(sidecar)).containsExactlyInAnyOrder("1", "3");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sidecar))).isEqualTo("rw-------");

        out.reset();
        int rest = replay();

        assertThat(rest).as(out.toString()).isZero();
        assertThat(out.toString()).contains("participant-sync replay: 1 record");
        assertThat(sandbox.appliedEdits()).extracting(AppliedEdit::provider)
                .containsExactlyInAnyOrder("oneflow", "oneflow", "zigned");
        assertThat(file).doesNotExist();
        assertThat(sidecar).doesNotExist();
        assertThat(replayedDay().resolve(file.getFileName())).exists();
        assertThat(Files.readAllLines(replayedDay().resolve(sidecar.getFileName())))
                .containsExactlyInAnyOrder("1", "2", "3");

        out.reset();
        assertThat(replay()).isZero();
        assertThat(out.toString()).contains("no dead letter to replay");
        assertThat(sandbox.appliedEdits()).as("nothing sent twice").hasSize(3);
    }

    @Test
    void givenADeadLetterFileOfAnEarlierVersion_whenReplayed_thenSentAndMoved() throws Exception {
        // earlier versions wrote each dead letter as an indented JSON file of its own
        Path line = write(oneflow("300101", "Åsa Öberg-Lind"), Outcome.FAILED, "oneflow", MARCH);
        Path old = line.resolveSibling("http-req-1-row1-0a1b2c3d.json");
        Files.writeString(old, parse(Files.readAllLines(line).get(0)).toPrettyString());
        Files.delete(line);

        int code = replay();

        assertThat(code).as(out.toString()).isZero();
        assertThat(sandbox.appliedEdits()).extracting(AppliedEdit::locator).containsExactly("100101/200101/300101");
        assertThat(old).doesNotExist();
        assertThat(replayedDay().resolve(old.getFileName())).exists();
        out.reset();
        assertThat(replay()).isZero();
        assertThat(sandbox.appliedEdits()).hasSize(1);
    }

    private static JsonNode parse(String json) throws IOException {
        return new ObjectMapper().readTree(json);
    }

    private Path replayedDay() {
        return deadLetters.resolve("replayed").resolve(LocalDate.now(ZoneOffset.UTC).toString());
    }

    private static DeliveryOutcome failed(ParticipantUpdate u, String connection) {
        return new DeliveryOutcome(u, connection, Outcome.FAILED, "transient", "test-batch: gave up",
                new ProviderError(503, null, "Service Unavailable"), 4, MARCH, MARCH);
    }

    private int replay(String... options) {
        List<String> args = new ArrayList<>(List.of("replay", "--config", config.toString()));
        args.addAll(List.of(options));
        return Application.execute(args.toArray(String[]::new));
    }

    /**
     * A dead letter written by the service's own writer, with its folder and times at {@code when}, as the only line
     * of its own batch's file; returns that file.
     */
    private Path write(ParticipantUpdate u, Outcome outcome, String connection, Instant when) {
        DeadLetterWriter writer = new DeadLetterWriter(deadLetters, Clock.fixed(when, ZoneOffset.UTC));
        ProviderError error = outcome == Outcome.FAILED ? new ProviderError(503, null, "Service Unavailable")
                : new ProviderError(400, null, "Bad Request");
        String batch = "batch-" + when.toEpochMilli() + "-" + (++batches);
        String location = writer.write(new DeliveryOutcome(u, connection, outcome, outcome == Outcome.FAILED
                ? "transient" : "provider", "test-batch row 1: gave up", error, 4, when, when), batch);
        writer.closeBatch(batch);
        assertThat(location).endsWith("#1");
        return Path.of(location.substring(0, location.lastIndexOf('#')));
    }

    private static ParticipantUpdate oneflow(String participant, String name) {
        return ParticipantUpdate.of("oneflow", null, Map.of("contract_id", "100101", "party_id", "200101",
                "participant_id", participant, "name", name), source());
    }

    private static ParticipantUpdate zigned(String participant) {
        return ParticipantUpdate.of("zigned", null, Map.of("agreement_id", "cm4draftnordic0001example",
                "participant_id", participant, "role", "approver"), source());
    }

    private static Source source() {
        return new Source("http", "req-1", 1, MARCH, "req-1#1", null, null);
    }

    /** Dead-letter files waiting in dated folders (not the replayed ones, not rejected CSVs). */
    private List<Path> deadLetterFiles() {
        return letterFiles(deadLetters).stream()
                .filter(p -> !deadLetters.relativize(p).startsWith("replayed")).toList();
    }

    private List<Path> replayed() {
        return letterFiles(deadLetters.resolve("replayed"));
    }

    private static List<Path> letterFiles(Path root) {
        List<Path> all = new ArrayList<>(files(root, DeadLetterWriter.LINES_SUFFIX));
        all.addAll(files(root, ".json"));
        return all;
    }
}
