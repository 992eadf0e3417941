package io.participantsync.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.participantsync.model.Outcome;
import io.participantsync.state.StoredBatch;
import io.participantsync.support.Postgres;
import io.participantsync.support.TestApp;
import io.participantsync.sync.JobRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Two service instances (two contexts) sharing one state store, on H2 and on PostgreSQL: while instance A runs a
 * job, neither B nor A itself can start it again; once A is done, B runs it and finds every participant unchanged.
 */
class SyncJobLockIT {

    private static final String CSV = "Contract,Party,Participant,Full Name\n"
            + "100101,200101,300101,Åsa Öberg-Lind\n"
            + "100101,200101,300102,José Núñez Ortega\n";

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();

    static Stream<String> databases() {
        return Stream.of("h2", "postgresql");
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void givenRunOnInstanceA_whenInstanceBRunsTheJob_thenSkippedUntilADoneThenAllUnchanged(String db)
            throws Exception {
        SourceServer source = SourceServer.start().answerHeld("/slow.csv", "text/csv", CSV);
        open.add(source);
        Map<String, String> props = new LinkedHashMap<>();
        props.put("sync-jobs.partner.source", "http");
        props.put("sync-jobs.partner.url", source.url("/slow.csv"));
        props.put("sync-jobs.partner.auth-header", "Authorization: Bearer " + SourceServer.TOKEN);
        props.put("sync-jobs.partner.field-mapping", "Contract=contract_id, Party=party_id, "
                + "Participant=participant_id, Full Name=name");
        props.put("sync-jobs.partner.provider", "oneflow");
        if (db.equals("postgresql")) {
            props.put("state.jdbc-url", Postgres.freshSchemaUrl());
            props.put("state.jdbc-user", Postgres.USER);
        }
        // same dir: on H2 both instances open the same state file (as two processes would, AUTO_SERVER)
        TestApp a = instance(props, "instance-a");
        TestApp b = instance(props, "instance-b");

        Optional<String> started = a.app.syncJobRunner().start("partner");
        assertThat(started).isPresent();
        assertThat(source.awaitRequested()).isTrue();

        assertThat(b.app.syncJobRunner().run("partner", null).status()).isEqualTo(JobRun.Status.SKIPPED_LOCKED);
        assertThat(b.app.syncJobRunner().start("partner")).isEmpty();
        assertThat(a.app.syncJobRunner().run("partner", null).status()).isEqualTo(JobRun.Status.SKIPPED_LOCKED);

        source.release();
        AtomicReference<JobRun> onB = new AtomicReference<>();
        SyncJobScheduleIT.await(() -> {
            onB.set(b.app.syncJobRunner().run("partner", null));
            return onB.get().status() != JobRun.Status.SKIPPED_LOCKED;
        });

        StoredBatch runOnA = b.app.stateStore().findBatch(started.get()).orElseThrow();
        assertThat(runOnA.status()).isEqualTo(StoredBatch.COMPLETED);
        assertThat(runOnA.updated()).isEqualTo(2);
        assertThat(onB.get().report().count(Outcome.UNCHANGED)).isEqualTo(2);
        assertThat(SyncJobEndToEndIT.apiCalls(a, "oneflow")).isEqualTo(2);
        assertThat(SyncJobEndToEndIT.apiCalls(b, "oneflow")).isZero();
        assertThat(b.app.stateStore().jobRuns("partner", 10)).extracting(StoredBatch::batchId)
                .containsExactly(onB.get().batchId(), started.get());
    }

    private TestApp instance(Map<String, String> props, String name) {
        Map<String, String> p = new LinkedHashMap<>(props);
        p.put("camel.main.name", name);
        TestApp app = TestApp.start(dir, false, p, true);
        open.add(0, app);
        return app;
    }
}
