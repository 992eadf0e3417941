package io.participantsync.provider.acme;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.participantsync.Application;
import io.participantsync.ParticipantSync;
import io.participantsync.config.Settings;
import io.participantsync.sandbox.AppliedEdit;
import io.participantsync.sandbox.SandboxServer;
import io.participantsync.support.ConsoleCapture;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sixth provider is one package and one registration: the test-only {@link AcmeAdapter} (with its
 * {@link AcmeSimulator} and seed), named in {@code providers.extra} of a {@code --config} file, goes through
 * {@code validate}, {@code sync}, the sandbox and the batch report like the five, with no main file knowing it.
 */
class SixthProviderIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BADGE = "BADGE-7731-SECRET";
    private static final String OTHER_BADGE = "BADGE-4410-SECRET";

    /**
     * Data rows (one header for both providers; a blank cell is "leave unchanged"): 1 updates Acme member m1 (its
     * badge comes through the {@code Badge} column, mapped to the provider's own field); 2 gives m2 the email m1 now
     * has, which the simulator refuses only if it applied row 1 first (Acme orders a team's updates); 3 names a member
     * the simulator does not have; 4 has a bad email; 5 changes nothing; 6 is a Oneflow row beside them.
     */
    private static final String CSV = String.join("\n",
            "provider,acme_team,acme_member,name,email,Badge,role,contract_id,party_id,participant_id",
            "acme,t1,m1,Ada Acme,ada.acme@example.com," + BADGE + ",captain,,,",
            "acme,t1,m2,,ada.acme@example.com,,,,,",
            "acme,t1,m3,Nobody,," + OTHER_BADGE + ",,,,",
            "acme,t1,m4,,not-an-email,,,,,",
            "acme,t1,m4,,,,,,,",
            "oneflow,,,Åsa Öberg-Lind,,,,100101,200101,300101",
            "");

    @TempDir
    Path dir;

    private int configs;

    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();
    private final ByteArrayOutputStream out = console.out();
    private final ByteArrayOutputStream err = console.err();

    /** The service's settings plus {@code extra} lines; Acme only when {@code withAcme}. */
    private Path config(boolean withAcme, String... extra) throws Exception {
        StringBuilder c = new StringBuilder();
        c.append("dead-letter.dir=").append(dir.resolve("dead-letter")).append('\n');
        c.append("data.dir=").append(dir.resolve("data")).append('\n');
        c.append("sync.report-dir=").append(dir.resolve("reports")).append('\n');
        c.append("delivery.initial-backoff-ms=10\n");
        if (withAcme) {
            c.append("providers.extra=").append(AcmeAdapter.class.getName()).append('\n');
            c.append("providers.acme.roles=member,guest,captain\n");
            c.append("csv.field-mapping=Badge=acme_badge\n");
        }
        for (String line : extra) {
            c.append(line).append('\n');
        }
        Path file = dir.resolve("acme-" + ++configs + ".properties");
        Files.writeString(file, c.toString());
        return file;
    }

    private Path csv(String text) throws Exception {
        Path file = dir.resolve("acme.csv");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void givenNoProvidersExtra_whenAcmeRowsValidated_thenAcmeIsNotAProvider() throws Exception {
        Path file = csv("provider,acme_team,acme_member,name\nacme,t1,m1,Ada\n");

        int code = Application.execute("--sandbox", "validate", file.toString(), "--config", config(false).toString());

        assertThat(code).as(err.toString()).isEqualTo(1);
        assertThat(out.toString()).contains("REJECT").contains("'acme' is not one of oneflow, zigned, signinghub, "
                + "eviasign, zoho");
    }

    @Test
    void givenAcmeInProvidersExtra_whenValidatedWithSandbox_thenItsRequestsShownAndBadRowsRejected() throws Exception {
        Path file = csv(CSV);

        int code = Application.execute("--sandbox", "validate", file.toString(), "--config", config(true).toString());

        String shown = out.toString();
        assertThat(code).as(err.toString()).isEqualTo(1);
        // the sandbox's acme connection: base URL of the simulator, the adapter's request
        assertThat(shown).containsPattern("SEND {6}acme\\.csv row 1 \\(acme\\): PUT http://127\\.0\\.0\\.1:\\d+"
                + "/acme/v1/teams/t1/members/m1");
        assertThat(shown).contains("\"displayName\":\"Ada Acme\"").contains("\"role\":\"captain\"")
                .contains("\"badge\":\"***\"").doesNotContain(BADGE);
        assertThat(shown).contains("REJECT    acme.csv row 4: email: 'not-an-email' is not a valid email address");
        assertThat(shown).contains("UNCHANGED acme.csv row 5 (acme)");
        assertThat(shown).containsPattern("SEND {6}acme\\.csv row 6 \\(oneflow\\): PUT http://127\\.0\\.0\\.1:\\d+"
                + "/oneflow/v1/contracts/100101/parties/200101/participants/300101");
        assertThat(shown).contains("4 to send, 1 unchanged, 1 invalid");
    }

    @Test
    void givenAcmeInProvidersExtra_whenSyncedWithSandbox_thenTheReportCountsAcmeLikeAnyProvider() throws Exception {
        Path file = csv(CSV);
        Path report = dir.resolve("acme.report.json");

        int code = Application.execute("--sandbox", "sync", file.toString(), "--report", report.toString(),
                "--config", config(true).toString());

        assertThat(code).as(err.toString()).isEqualTo(1);
        JsonNode r = JSON.readTree(report.toFile());
        assertThat(r.path("counts")).isEqualTo(JSON.readTree(
                "{\"received\": 6, \"updated\": 2, \"unchanged\": 1, \"rejected\": 3, \"failed\": 0}"));
        assertThat(r.path("by_provider").path("acme")).isEqualTo(JSON.readTree(
                "{\"updated\": 1, \"unchanged\": 1, \"rejected\": 3, \"failed\": 0}"));
        assertThat(r.path("by_provider").path("oneflow").path("updated").asInt()).isEqualTo(1);
        Map<Integer, JsonNode> rows = StreamSupport.stream(r.path("rows").spliterator(), false)
                .collect(Collectors.toMap(n -> n.path("row").asInt(), n -> n));
        assertThat(rows.get(1).path("outcome").asText()).isEqualTo("updated");
        assertThat(rows.get(1).path("connection").asText()).isEqualTo("acme");
        // the simulator's own refusals, read by the adapter: m1 had the email once row 1 was applied
        assertThat(rows.get(2).path("outcome").asText()).isEqualTo("rejected");
        assertThat(rows.get(2).path("http_status").asInt()).isEqualTo(409);
        assertThat(rows.get(2).path("provider_code").asText()).isEqualTo("E409");
        assertThat(rows.get(2).path("provider_message").asText())
                .isEqualTo("email ada.acme@example.com is taken by member m1");
        assertThat(rows.get(3).path("http_status").asInt()).isEqualTo(404);
        assertThat(rows.get(3).path("provider_message").asText()).isEqualTo("no member m3 in team t1");
        assertThat(rows.get(4).path("error_category").asText()).isEqualTo("validation");
        assertThat(rows.get(5).path("outcome").asText()).isEqualTo("unchanged");
        assertThat(out.toString()).containsPattern("acme +1 +1 +3 +0");
        // the badge is a secret of the record: in no report and no dead letter
        assertThat(Files.readString(report)).doesNotContain(BADGE);
        Path rejected = Path.of(r.path("rejected_csv").get(0).asText());
        List<String> lines = Files.readAllLines(rejected);
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).startsWith("provider,acme_team,acme_member,name,email,Badge,role");
        try (var letters = Files.walk(dir.resolve("dead-letter"))) {
            for (Path p : letters.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(p)).as(p.toString()).doesNotContain(BADGE).doesNotContain(OTHER_BADGE);
            }
        }
    }

    @Test
    void givenAcmeInProvidersExtra_whenSyncedAgainstASandbox_thenItsSimulatorAppliedTheEdit() throws Exception {
        Path first = config(true);
        try (SandboxServer sandbox = SandboxServer.start(0, 4, ParticipantSync.providers(Settings.load(first)))) {
            String[] connection = sandbox.connectionProperties().entrySet().stream()
                    .filter(e -> e.getKey().startsWith("connections.acme."))
                    .map(e -> e.getKey() + "=" + e.getValue()).toArray(String[]::new);
            Path file = csv("provider,acme_team,acme_member,name,Badge\nacme,t1,m2,Bo Acme," + OTHER_BADGE + "\n");

            int code = Application.execute("sync", file.toString(), "--report", dir.resolve("r.json").toString(),
                    "--config", config(true, connection).toString());

            assertThat(code).as(err.toString() + out).isZero();
            assertThat(sandbox.providers()).endsWith("acme");
            JsonNode m2 = sandbox.participant("acme", "t1", "m2").orElseThrow();
            assertThat(m2.path("displayName").asText()).isEqualTo("Bo Acme");
            assertThat(m2.path("badge").asText()).isEqualTo(OTHER_BADGE);
            assertThat(m2.path("email").asText()).isEqualTo("bo.ek@example.com");
            List<AppliedEdit> edits = sandbox.appliedEdits();
            assertThat(edits).singleElement().satisfies(e -> {
                assertThat(e.provider()).isEqualTo("acme");
                assertThat(e.account()).isEqualTo(AcmeSandboxCredentials.ACME);
                assertThat(e.locator()).isEqualTo("t1/m2");
            });
            // the sandbox's edit log masks the simulator's sensitive key
            HttpResponse<String> log = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(sandbox.url() + "/_sandbox/edits")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(log.body()).contains("\"provider\":\"acme\"").contains("\"badge\":\"***\"")
                    .doesNotContain(OTHER_BADGE);
            // the five alone know no acme
            try (SandboxServer five = SandboxServer.start(0, 1)) {
                assertThat(five.providers()).containsExactly("oneflow", "zigned", "signinghub", "eviasign", "zoho");
            }
        }
    }
}
