package io.participantsync.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.participantsync.model.Outcome;
import io.participantsync.support.TestApp;
import io.participantsync.sync.JobRun;
import io.participantsync.sync.SyncJobRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A sync job reading an HTTP GET (a partner's export served by a test server with an auth check): CSV, a JSON array,
 * the format from configuration or Content-Type, a refused request, and change detection across runs.
 */
class SyncJobHttpSourceIT {

    private static final String CSV = "provider,Contract,Party,Participant,organization,current_email,Full Name\n"
            + ",100101,200101,300101,,,Åsa Öberg-Lind\n"
            + "zoho,,,,NordicExampleAB,lars.nilsson@example.com,Lars Nilsson (CSV)\n";
    private static final String JSON = "[{\"Contract\": 100102, \"Party\": 200201, \"Participant\": 300201, "
            + "\"Full Name\": \"María García López\", \"title\": null},"
            + " {\"provider\": \"zoho\", \"organization\": \"NordicExampleAB\", \"current_email\": "
            + "\"jose.nunez@example.org\", \"Full Name\": \"José (JSON)\"},"
            + " {\"Contract\": 100101, \"Party\": 200101, \"Participant\": 300102, \"Full Name\": {\"first\": \"J\"}}]";

    private static SourceServer source;
    private static TestApp app;
    private static SyncJobRunner runner;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("ps-http-source");
        source = SourceServer.start()
                .answer("/people.csv", "text/csv; charset=utf-8", CSV)
                .answer("/people.json", "application/json", JSON)
                .answer("/export", "application/octet-stream", "[{\"Contract\": 100102, \"Party\": 200201, "
                        + "\"Participant\": 300202, \"Full Name\": \"Lars Nilsson-Berg\"}]");
        Map<String, String> props = new LinkedHashMap<>();
        job(props, "csv", "/people.csv", "Bearer " + SourceServer.TOKEN);
        job(props, "json", "/people.json", "Bearer " + SourceServer.TOKEN);
        job(props, "octet", "/export", "Bearer " + SourceServer.TOKEN);
        props.put("sync-jobs.octet.format", "json");
        job(props, "refused", "/people.csv", "Bearer wrong-" + SourceServer.TOKEN);
        app = TestApp.start(dir, false, props, true);
        runner = app.app.syncJobRunner();
    }

    private static void job(Map<String, String> props, String name, String path, String token) {
        String p = "sync-jobs." + name + ".";
        props.put(p + "source", "http");
        props.put(p + "url", source.url(path) + "?since=2026-01-01");
        props.put(p + "auth-header", "Authorization: " + token);
        props.put(p + "field-mapping", "Contract=contract_id, Party=party_id, Participant=participant_id, "
                + "Full Name=name");
        props.put(p + "provider", "oneflow");
    }

    @AfterAll
    static void stop() {
        app.close();
        source.close();
    }

    @BeforeEach
    void reset() {
        app.sandbox.reset();
    }

    @Test
    void givenCsvExport_whenRunTwice_thenSentOnceWithTheAuthHeaderThenUnchanged() {
        JobRun first = runner.run("csv", null);

        assertThat(first.status()).isEqualTo(JobRun.Status.COMPLETED);
        assertThat(first.report().count(Outcome.UPDATED)).isEqualTo(2);
        assertThat(source.authorizations()).contains("Bearer " + SourceServer.TOKEN);
        assertThat(source.queries()).contains("since=2026-01-01");
        assertThat(app.sandbox.participant("oneflow", "100101", "200101", "300101").orElseThrow()
                .path("name").asText()).isEqualTo("Åsa Öberg-Lind");

        JobRun second = runner.run("csv", null);

        assertThat(second.report().count(Outcome.UNCHANGED)).isEqualTo(2);
        assertThat(SyncJobEndToEndIT.apiCalls(app, "oneflow")).isEqualTo(1);
        assertThat(SyncJobEndToEndIT.apiCalls(app, "zoho")).isEqualTo(1);
    }

    @Test
    void givenJsonArray_whenRun_thenObjectsMappedAndNestedValueRejected() {
        JobRun run = runner.run("json", null);

        assertThat(run.report().count(Outcome.UPDATED)).isEqualTo(2);
        assertThat(run.report().count(Outcome.REJECTED)).isEqualTo(1);
        assertThat(app.sandbox.participant("oneflow", "100102", "200201", "300201").orElseThrow()
                .path("name").asText()).isEqualTo("María García López");
        assertThat(SyncJobEndToEndIT.apiCalls(app, "zoho")).isEqualTo(1);
    }

    @Test
    void givenContentTypeThatSaysNothing_whenFormatConfigured_thenReadAsJson() {
        JobRun run = runner.run("octet", null);

        assertThat(run.status()).isEqualTo(JobRun.Status.COMPLETED);
        assertThat(run.report().count(Outcome.UPDATED)).isEqualTo(1);
    }

    @Test
    void givenWrongToken_whenRun_thenEmptyRunWithNoteNamingTheStatusAndNoSecret() {
        JobRun run = runner.run("refused", null);

        assertThat(run.status()).isEqualTo(JobRun.Status.SOURCE_FAILED);
        assertThat(run.report().received()).isZero();
        assertThat(run.report().status()).isEqualTo("failed");
        assertThat(run.report().failure()).isEqualTo("cannot read the source: GET "
                + source.url("/people.csv") + " answered HTTP 401");
        assertThat(List.of(run.toString(), app.app.syncJobs().find("refused").orElseThrow().toString()))
                .allSatisfy(s -> assertThat(s).doesNotContain(SourceServer.TOKEN));
    }
}
