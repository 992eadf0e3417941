package io.participantsync.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.participantsync.core.BatchReport;
import io.participantsync.support.TestApp;
import io.participantsync.core.Endpoints;
import io.participantsync.core.Headers;
import io.participantsync.core.RecordSource;
import io.participantsync.model.DeliveryOutcome;
import io.participantsync.model.Outcome;
import io.participantsync.model.ParticipantUpdate;
import io.participantsync.model.Source;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Isolation of connections: one provider down (every call answered 503) or slow (every call held, then dropped)
 * delays only its own records. In one batch of 150 records per provider the 600 healthy ones all have their outcome
 * before the first record of the sick provider has its own, while that provider's 150 records wait holding none of the
 * process's threads but its own few call threads; and a source whose next record is for a connection that holds its
 * maximum of records waits, while another source goes on.
 */
class IsolationIT {

    private static final List<String> PROVIDERS = List.of("oneflow", "zigned", "signinghub", "eviasign", "zoho");
    private static final int PER_PROVIDER = 150;
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path dir;
    private TestApp app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void givenOneProviderDown_whenABatchForAllFiveIsDelivered_thenTheOthersFinishFirstAndItsRecordsHoldNoThread() {
        app = TestApp.start(dir, false, Map.of("connections.oneflow.retry-budget", "8s",
                "connections.oneflow.rate-limit", "none"));
        app.sandbox.knobs().autoCreate(true).rate503(1.0).provider("oneflow");

        List<DeliveryOutcome> outcomes = new CopyOnWriteArrayList<>();
        CompletableFuture<BatchReport> batch = CompletableFuture.supplyAsync(() -> send(records(PER_PROVIDER),
                outcomes::add));

        await().atMost(WAIT).until(() -> healthy(outcomes) == 4 * PER_PROVIDER);
        assertThat(outcomes).as("no record of the provider that is down has its outcome yet")
                .noneMatch(o -> o.update().provider().equals("oneflow"));
        // its 150 records wait in memory, for a retry or the breaker: on no thread but the connection's own
        assertThat(app.app.admission().holding("oneflow")).isEqualTo(PER_PROVIDER);
        assertThat(threadsNamed("call-oneflow-")).isLessThanOrEqualTo(8);
        assertThat(batch).isNotDone();

        BatchReport report = batch.join();
        assertThat(report.count(Outcome.UPDATED)).isEqualTo(4 * PER_PROVIDER);
        assertThat(report.count(Outcome.FAILED)).isEqualTo(PER_PROVIDER);
        assertThat(report.received()).isEqualTo(5 * PER_PROVIDER);
        int firstOneflow = firstIndexOf(outcomes, "oneflow");
        assertThat(outcomes.subList(0, firstOneflow)).as("completion order: every healthy record first")
                .hasSize(4 * PER_PROVIDER).allMatch(o -> o.outcome() == Outcome.UPDATED);
    }

    @Test
    void givenOneProviderSlow_whenABatchForAllFiveIsDelivered_thenTheOthersFinishFirst() {
        int perProvider = 40;
        app = TestApp.start(dir, false, Map.of("connections.oneflow.retry-budget", "1s",
                "connections.oneflow.rate-limit", "none", "connections.oneflow.max-attempts", "1"));
        // every Oneflow call is held 1 s, then its connection is closed without an answer
        app.sandbox.knobs().autoCreate(true).rateTimeout(1.0).hangMs(1000).provider("oneflow");

        List<DeliveryOutcome> outcomes = new CopyOnWriteArrayList<>();
        CompletableFuture<BatchReport> batch = CompletableFuture.supplyAsync(() -> send(records(perProvider),
                outcomes::add));

        await().atMost(WAIT).until(() -> healthy(outcomes) == 4 * perProvider);
        assertThat(outcomes).noneMatch(o -> o.update().provider().equals("oneflow"));
        assertThat(threadsNamed("call-oneflow-")).isLessThanOrEqualTo(8);

        BatchReport report = batch.join();
        assertThat(report.count(Outcome.UPDATED)).isEqualTo(4 * perProvider);
        assertThat(report.count(Outcome.FAILED)).isEqualTo(perProvider);
        assertThat(firstIndexOf(outcomes, "oneflow")).isEqualTo(4 * perProvider);
    }

    @Test
    void givenAConnectionHoldingItsMaximum_whenTwoSourcesRead_thenOnlyTheOneFeedingItWaits() throws Exception {
        app = TestApp.start(dir, false, Map.of("delivery.max-waiting-per-connection", "5",
                "connections.oneflow.retry-budget", "20s", "connections.oneflow.rate-limit", "none"));
        app.sandbox.knobs().autoCreate(true).rate503(1.0).provider("oneflow");
        List<ParticipantUpdate> blocked = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            blocked.add(record("oneflow", i));
        }
        for (int i = 0; i < 5; i++) {
            blocked.add(record("zigned", 100 + i));
        }
        List<ParticipantUpdate> other = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            other.add(record("zigned", 200 + i));
        }

        List<DeliveryOutcome> first = new CopyOnWriteArrayList<>();
        CompletableFuture<BatchReport> a = CompletableFuture.supplyAsync(() -> send(blocked, first::add));
        await().atMost(WAIT).until(() -> app.app.admission().holding("oneflow") == 5);
        BatchReport b = CompletableFuture.supplyAsync(() -> send(other, o -> { })).get(60, TimeUnit.SECONDS);

        assertThat(b.count(Outcome.UPDATED)).as("the other source went on").isEqualTo(5);
        assertThat(a).isNotDone();
        // the first source's reader waits at its sixth Oneflow record: its Zigned rows after it are not read yet
        assertThat(first).noneMatch(o -> o.update().provider().equals("zigned"));
        assertThat(app.app.admission().holding("oneflow")).isEqualTo(5);
        app.sandbox.knobs().rate503(0);
        BatchReport done = a.get(60, TimeUnit.SECONDS);
        assertThat(done.count(Outcome.UPDATED)).isEqualTo(25);
    }

    private BatchReport send(List<ParticipantUpdate> records, Consumer<DeliveryOutcome> listener) {
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put(Headers.SOURCE_KIND, "test");
        headers.put(Headers.SOURCE_NAME, "isolation");
        headers.put(Headers.REPORT_PATH, dir.resolve("report-" + System.nanoTime() + ".json").toString());
        headers.put(Headers.OUTCOME_LISTENER, listener);
        return app.app.producerTemplate().requestBodyAndHeaders(Endpoints.INGEST_BATCH,
                RecordSource.of(records, List.of()), headers, BatchReport.class);
    }

    /** {@code n} records per provider, interleaved, each a participant the sandbox creates on first touch. */
    private static List<ParticipantUpdate> records(int n) {
        List<ParticipantUpdate> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (String p : PROVIDERS) {
                records.add(record(p, i));
            }
        }
        return records;
    }

    private static ParticipantUpdate record(String provider, int k) {
        Map<String, String> f = new LinkedHashMap<>();
        switch (provider) {
            case "oneflow" -> {
                f.put("contract_id", String.valueOf(5_100_000 + k));
                f.put("party_id", String.valueOf(6_100_000 + k));
                f.put("participant_id", String.valueOf(7_100_000 + k));
            }
            case "zigned" -> {
                f.put("agreement_id", "isoagreement" + k);
                f.put("participant_id", "isoparticipant" + k);
            }
            case "signinghub" -> {
                f.put("package_id", String.valueOf(8_100_000 + k));
                f.put("workflow_order", "1");
            }
            case "eviasign" -> {
                f.put("request_id", String.format("00000000-0000-4000-8000-%012d", 500_000 + k));
                f.put("current_email", "iso" + k + "@example.com");
            }
            default -> {
                f.put("organization", "IsoOrg" + (k % 10));
                f.put("current_email", "iso" + k + "@example.com");
            }
        }
        f.put("name", "Isolated " + k);
        return ParticipantUpdate.of(provider, null, f, Source.of("test", "isolation", 1));
    }

    private static long healthy(List<DeliveryOutcome> outcomes) {
        return outcomes.stream().filter(o -> !o.update().provider().equals("oneflow")).count();
    }

    private static int firstIndexOf(List<DeliveryOutcome> outcomes, String provider) {
        for (int i = 0; i < outcomes.size(); i++) {
            if (outcomes.get(i).update().provider().equals(provider)) {
                return i;
            }
        }
        return -1;
    }

    private static long threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix)).count();
    }
}
