package io.participantsync.e2e;

import static io.participantsync.e2e.QueueTestSupport.readJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.participantsync.Application;
import io.participantsync.config.Settings;
import io.participantsync.core.Checkpoint;
import io.participantsync.model.Outcome;
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
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code sync} run again on the same file after a crash resumes it; a run that finished leaves nothing to resume. */
class SyncResumeIT {

    private static final String CSV = "provider,contract_id,party_id,participant_id,name\n"
            + "oneflow,100101,200101,300101,Åsa Öberg-Lind\n"
            + "oneflow,100101,200101,300102,José Núñez Ruiz\n"
            + "oneflow,100102,200201,300201,María García López\n";

    private SandboxServer sandbox;
    private Path dir;
    private Path config;
    private PrintStream oldOut;

    @BeforeEach
    void start() throws Exception {
        dir = Files.createTempDirectory("ps-sync-resume");
        sandbox = SandboxServer.start(0);
        Properties p = new Properties();
        p.putAll(TestApp.properties(sandbox, dir, Map.of()));
        config = dir.resolve("test.properties");
        try (Writer w = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            p.store(w, null);
        }
        oldOut = System.out;
        System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void stop() {
        System.setOut(oldOut);
        sandbox.close();
    }

    @Test
    void givenRunInterruptedAfterTwoRows_whenSyncRunAgain_thenOnlyTheThirdIsSentAndAllThreeReported()
            throws Exception {
        Path csv = dir.resolve("people.csv");
        Files.writeString(csv, CSV, StandardCharsets.UTF_8);
        String sourceId = "sync:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(csv)));
        // what a run killed after its first two outcomes leaves behind
        try (StateStore store = StateStore.open(Settings.load(config, Map.of()), Clock.systemUTC())) {
            CheckpointStore checkpoints = new CheckpointStore(store);
            for (long row = 1; row <= 2; row++) {
                checkpoints.save(new Checkpoint(sourceId, row, Outcome.UPDATED, "oneflow", null, null, 0, null, null,
                        1, null, "killed-run", Instant.now()));
            }
        }
        Path report = dir.resolve("resumed.report.json");

        int code = Application.execute("sync", csv.toString(), "--config", config.toString(), "--report",
                report.toString());

        assertThat(code).isZero();
        assertThat(sandbox.appliedEdits()).extracting(AppliedEdit::locator).containsExactly("100102/200201/300201");
        JsonNode r = readJson(report);
        assertThat(r.path("counts").path("received").asInt()).isEqualTo(3);
        assertThat(r.path("counts").path("updated").asInt()).isEqualTo(3);
        Map<Integer, Boolean> fromCheckpoint = new HashMap<>();
        r.path("rows").forEach(row -> fromCheckpoint.put(row.path("row").asInt(),
                row.path("from_checkpoint").asBoolean()));
        assertThat(fromCheckpoint).containsExactlyInAnyOrderEntriesOf(Map.of(1, true, 2, true, 3, false));

        int again = Application.execute("sync", csv.toString(), "--config", config.toString());

        assertThat(again).isZero();
        assertThat(sandbox.appliedEdits()).as("a finished run is not resumed: the next one sends every row")
                .hasSize(4);
    }
}
