package io.participantsync.e2e;

import static io.participantsync.e2e.QueueTestSupport.files;
import static io.participantsync.e2e.QueueTestSupport.readJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
        assertThat(Application.execute("sync", csv.toString(), "--config", config.toString())).isEqualTo(1);
        List<Path> failed = deadLetterFiles();
        assertThat(failed).hasSize(2);
        assertThat(sandbox.appliedEdits()).isEmpty();

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
        assertThat(Files.readString(withName)).contains("\"identification_number\" : \"***\"");

        int code = replay();

        assertThat(code).as("a dead letter was left for a person").isEqualTo(1);
        List<AppliedEdit> edits = sandbox.appliedEdits();
        assertThat(edits).hasSize(1);
        JsonNode sent = edits.get(0).fields();
        assertThat(sent.path("name").asText()).isEqualTo("José Núñez Ruiz");
        assertThat(sent.has("identity_enforcement")).isFalse();
        assertThat(edits.get(0).fieldsJson()).doesNotContain("***");
        assertThat(out.toString()).contains(deadLetters.relativize(withName) + ": identification_number masked in "
                + "the dead letter: dropped, not sent")
                .contains(deadLetters.relativize(maskedOnly) + ": not replayed: its only changes were masked");
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
        JsonNode letter = readJson(fresh.get(0));
        assertThat(letter.path("outcome").asText()).isEqualTo("rejected");
        assertThat(letter.path("source").path("kind").asText()).isEqualTo("replay");
        assertThat(letter.path("source").path("name").asText()).isEqualTo(deadLetters.relativize(old).toString());
        assertThat(fresh.get(0).getParent().getFileName().toString())
                .isEqualTo(LocalDate.now(ZoneOffset.UTC).toString());
    }

    @Test
    void givenReplayKilledAfterAnOutcomeBeforeTheMove_whenRunAgain_thenReEmittedFromItsCheckpointAndMoved()
            throws Exception {
        Path letter = write(oneflow("300101", "Åsa Öberg-Lind"), Outcome.FAILED, "oneflow", MARCH);
        String sourceId = "replay:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(letter)));
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

    private int replay(String... options) {
        List<String> args = new ArrayList<>(List.of("replay", "--config", config.toString()));
        args.addAll(List.of(options));
        return Application.execute(args.toArray(String[]::new));
    }

    /** A dead letter written by the service's own writer, with its folder and times at {@code when}. */
    private Path write(ParticipantUpdate u, Outcome outcome, String connection, Instant when) {
        DeadLetterWriter writer = new DeadLetterWriter(deadLetters, Clock.fixed(when, ZoneOffset.UTC));
        ProviderError error = outcome == Outcome.FAILED ? new ProviderError(503, null, "Service Unavailable")
                : new ProviderError(400, null, "Bad Request");
        return writer.write(new DeliveryOutcome(u, connection, outcome, outcome == Outcome.FAILED ? "transient"
                : "provider", "test-batch row 1: gave up", error, 4, when, when), "batch-" + when.toEpochMilli());
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

    /** Dead letters waiting in dated folders (not the replayed ones, not rejected CSVs). */
    private List<Path> deadLetterFiles() {
        return files(deadLetters, ".json").stream()
                .filter(p -> !deadLetters.relativize(p).startsWith("replayed")).toList();
    }

    private List<Path> replayed() {
        return files(deadLetters.resolve("replayed"), ".json");
    }
}
