package io.participantsync.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.participantsync.model.Outcome;
import io.participantsync.state.StoredBatch;
import io.participantsync.support.Postgres;
import io.participantsync.support.TestApp;
import io.participantsync.sync.JobRun;
import io.participantsync.sync.SyncJobRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A JDBC sync job end to end over the sandbox, with the state store and the source table on H2 and on the real
 * PostgreSQL: change detection across runs, failed and rejected participants sent again, the report and run list.
 */
class SyncJobEndToEndIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final List<TestApp> apps = new ArrayList<>();

    static Stream<String> databases() {
        return Stream.of("h2", "postgresql");
    }

    @AfterEach
    void stop() {
        apps.forEach(TestApp::close);
    }

    @ParameterizedTest
    @MethodSource("databases")
    void givenTable_whenRunTwiceThenOneRowChanged_thenAllThenNoneThenExactlyThatOneSent(String db) throws Exception {
        SourceTable table = SourceTable.create(db, dir);
        table.insertOneflow(100101, 200101, 300101, "Åsa Öberg-Lind");
        table.insertOneflow(100101, 200101, 300102, "José Núñez Ortega");
        table.insertOneflow(100102, 200201, 300201, "María García López");
        table.insertOneflow(100102, 200201, 300202, "Lars Nilsson-Berg");
        table.insertZoho("NordicExampleAB", "jose.nunez@example.org", "José Núñez (Zoho)");
        table.insertZoho("NordicExampleAB", "lars.nilsson@example.com", "Lars Nilsson (Legal)");
        TestApp app = start(db, table, Map.of());
        SyncJobRunner runner = app.app.syncJobRunner();

        JobRun first = runner.run("crm", null);

        assertThat(first.status()).isEqualTo(JobRun.Status.COMPLETED);
        assertThat(first.report().count(Outcome.UPDATED)).isEqualTo(6);
        assertThat(apiCalls(app, "oneflow")).isEqualTo(4);
        assertThat(apiCalls(app, "zoho")).isEqualTo(2);
        assertThat(app.sandbox.participant("oneflow", "100102", "200201", "300201").orElseThrow()
                .path("name").asText()).isEqualTo("María García López");

        JobRun second = runner.run("crm", null);

        assertThat(second.report().count(Outcome.UNCHANGED)).isEqualTo(6);
        assertThat(second.report().received()).isEqualTo(6);
        assertThat(apiCalls(app, "oneflow")).isEqualTo(4);
        assertThat(apiCalls(app, "zoho")).isEqualTo(2);

        table.execute("UPDATE people SET full_name = 'Lars Nilsson-Berg (CFO)' WHERE participant_id = 300202");
        JobRun third = runner.run("crm", null);

        assertThat(third.report().count(Outcome.UPDATED)).isEqualTo(1);
        assertThat(third.report().count(Outcome.UNCHANGED)).isEqualTo(5);
        assertThat(apiCalls(app, "oneflow")).isEqualTo(5);
        assertThat(apiCalls(app, "zoho")).isEqualTo(2);
        assertThat(app.sandbox.participant("oneflow", "100102", "200201", "300202").orElseThrow()
                .path("name").asText()).isEqualTo("Lars Nilsson-Berg (CFO)");

        List<StoredBatch> runs = app.app.stateStore().jobRuns("crm", 10);
        assertThat(runs).extracting(StoredBatch::batchId)
                .containsExactly(third.batchId(), second.batchId(), first.batchId());
        assertThat(runs).extracting(StoredBatch::updated).containsExactly(1L, 0L, 6L);
        JsonNode report = JSON.readTree(runner.reportPath("crm", third.batchId()).toFile());
        assertThat(report.path("source")).isEqualTo(JSON.readTree("{\"kind\": \"sync-job\", \"name\": \"crm\"}"));
        assertThat(report.path("counts")).isEqualTo(JSON.readTree(
                "{\"received\": 6, \"updated\": 1, \"unchanged\": 5, \"rejected\": 0, \"failed\": 0}"));
    }

    @ParameterizedTest
    @MethodSource("databases")
    void givenFailedAndRejectedParticipants_whenRunAgain_thenBothSentAgainAndTheUpdatedOneIsNot(String db)
            throws Exception {
        SourceTable table = SourceTable.create(db, dir);
        table.insertOneflow(100101, 200101, 300101, "Åsa Öberg-Lind");
        table.insertZoho("NordicExampleAB", "lars.nilsson@example.com", "Lars Nilsson (Legal)");
        table.insertZoho("NordicExampleAB", "nobody@example.com", "Nobody");
        TestApp app = start(db, table, Map.of("delivery.max-attempts", "2"));
        SyncJobRunner runner = app.app.syncJobRunner();
        app.sandbox.knobs().failNext("oneflow", 2, 503);

        JobRun first = runner.run("crm", null);

        assertThat(first.report().count(Outcome.FAILED)).isEqualTo(1);
        assertThat(first.report().count(Outcome.REJECTED)).isEqualTo(1);
        assertThat(first.report().count(Outcome.UPDATED)).isEqualTo(1);
        assertThat(apiCalls(app, "oneflow")).isEqualTo(2);
        assertThat(apiCalls(app, "zoho")).isEqualTo(2);

        JobRun second = runner.run("crm", null);

        assertThat(second.report().count(Outcome.UPDATED)).isEqualTo(1);
        assertThat(second.report().count(Outcome.REJECTED)).isEqualTo(1);
        assertThat(second.report().count(Outcome.UNCHANGED)).isEqualTo(1);
        assertThat(apiCalls(app, "oneflow")).isEqualTo(3);
        assertThat(apiCalls(app, "zoho")).isEqualTo(3);
        assertThat(app.sandbox.participant("oneflow", "100101", "200101", "300101").orElseThrow()
                .path("name").asText()).isEqualTo("Åsa Öberg-Lind");
    }

    @ParameterizedTest
    @MethodSource("databases")
    void givenTableThatCannotBeRead_whenRun_thenEmptyRunWithNoteAndNoSecret(String db) throws Exception {
        SourceTable table = SourceTable.create(db, dir);
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("sync-jobs.crm.query", "SELECT * FROM no_such_table");
        extra.put("sync-jobs.crm.jdbc-password", "pw-Very-Secret-42");
        TestApp app = start(db, table, extra);

        JobRun run = app.app.syncJobRunner().run("crm", null);

        assertThat(run.status()).isEqualTo(JobRun.Status.SOURCE_FAILED);
        assertThat(run.report().received()).isZero();
        assertThat(run.report().status()).isEqualTo("failed");
        assertThat(run.report().failure()).startsWith("cannot read the source: ").doesNotContain("pw-Very-Secret-42");
        assertThat(app.app.stateStore().jobRuns("crm", 1)).singleElement()
                .satisfies(b -> assertThat(b.status()).isEqualTo(StoredBatch.FAILED));
        assertThat(Files.readString(run.report().reportFile())).contains("\"status\" : \"failed\"")
                .doesNotContain("pw-Very-Secret-42");
        assertThat(run.succeeded()).isFalse();
    }

    /** Calls to the provider's API, token requests not counted. */
    static int apiCalls(TestApp app, String provider) {
        return app.sandbox.requestCount(provider) - app.sandbox.tokenRequestCount(provider);
    }

    private TestApp start(String db, SourceTable table, Map<String, String> extra) {
        Map<String, String> props = new LinkedHashMap<>(table.jobSettings("crm"));
        props.put("sync-jobs.crm.field-mapping", "full_name=name");
        props.put("sync-jobs.crm.provider", "oneflow");
        if (db.equals("postgresql")) {
            props.put("state.jdbc-url", Postgres.freshSchemaUrl());
            props.put("state.jdbc-user", Postgres.USER);
        }
        props.putAll(extra);
        TestApp app = TestApp.start(dir, false, props, true);
        apps.add(app);
        return app;
    }

    /** The sync job's source: a table of participants on H2 (a file) or PostgreSQL (a fresh schema). */
    record SourceTable(String url, String user) {

        static SourceTable create(String db, Path dir) throws SQLException {
            SourceTable t = db.equals("h2")
                    ? new SourceTable("jdbc:h2:file:" + dir.resolve("source-" + System.nanoTime()), null)
                    : new SourceTable(Postgres.freshSchemaUrl(), Postgres.USER);
            // oneflow rows leave the provider blank: the job's default provider applies
            t.execute("CREATE TABLE people (provider VARCHAR(20), contract_id INTEGER, party_id INTEGER, "
                    + "participant_id INTEGER, organization VARCHAR(60), current_email VARCHAR(200), "
                    + "full_name VARCHAR(200))");
            return t;
        }

        Map<String, String> jobSettings(String job) {
            Map<String, String> s = new LinkedHashMap<>();
            s.put("sync-jobs." + job + ".source", "jdbc");
            s.put("sync-jobs." + job + ".jdbc-url", url);
            if (user != null) {
                s.put("sync-jobs." + job + ".jdbc-user", user);
            }
            s.put("sync-jobs." + job + ".query", "SELECT provider, contract_id, party_id, participant_id, "
                    + "organization, current_email, full_name FROM people ORDER BY contract_id, participant_id, "
                    + "current_email");
            return s;
        }

        void insertOneflow(int contract, int party, int participant, String name) throws SQLException {
            insert(null, contract, party, participant, null, null, name);
        }

        void insertZoho(String organization, String currentEmail, String name) throws SQLException {
            insert("zoho", null, null, null, organization, currentEmail, name);
        }

        private void insert(Object... values) throws SQLException {
            try (Connection c = DriverManager.getConnection(url, user, null);
                    PreparedStatement ps = c.prepareStatement("INSERT INTO people VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                for (int i = 0; i < values.length; i++) {
                    ps.setObject(i + 1, values[i]);
                }
                ps.executeUpdate();
            }
        }

        void execute(String sql) throws SQLException {
            try (Connection c = DriverManager.getConnection(url, user, null); Statement s = c.createStatement()) {
                s.execute(sql);
            }
        }
    }
}
