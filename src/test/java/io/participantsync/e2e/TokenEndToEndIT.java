package io.participantsync.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.participantsync.core.BatchReport;
import io.participantsync.model.Outcome;
import io.participantsync.provider.Connection;
import io.participantsync.model.ParticipantUpdate;
import io.participantsync.model.Source;
import io.participantsync.support.TestApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tokens over the sandbox: Zoho's limit of 10 token requests per 10 minutes is never exceeded however often tokens are
 * revoked; many concurrent records share one token request; a token is renewed ahead of its expiry.
 */
class TokenEndToEndIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestApp app;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("ps-tokens");
        // the token request limit is Zoho's default (10/10m), as is the sandbox's; nobody waits for a slot here
        // a record refused a token slot fails once its small retry budget is spent (no request goes out meanwhile)
        app = TestApp.start(dir, false, Map.of("auth.refresh-ahead-seconds", "1",
                "delivery.max-attempts", "4", "delivery.retry-budget-ms", "2000"));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @BeforeEach
    void reset() {
        app.sandbox.reset();
    }

    private static ParticipantUpdate zoho(int row) {
        return ParticipantUpdate.of("zoho", null, Map.of("organization", "NordicExampleAB", "current_email",
                "asa.oberg@example.com", "name", "Åsa " + row), Source.of("test", "tokens", row));
    }

    @Test
    void givenTokensRevokedFifteenTimes_whenZohoRecordsSent_thenNeverAnEleventhTokenRequestAndTheRestFailTransiently()
            throws Exception {
        // only this test uses Zoho in this class's service: its limiter window starts empty, as does the sandbox's
        List<String> outcomes = new ArrayList<>();
        JsonNode lastFailure = null;
        for (int i = 1; i <= 15; i++) {
            app.sandbox.revokeTokens();
            BatchReport r = app.send(List.of(zoho(i)));
            JsonNode row = JSON.readTree(r.reportFile().toFile()).path("rows").get(0);
            outcomes.add(row.path("outcome").asText());
            if (row.path("outcome").asText().equals("failed")) {
                lastFailure = row;
            }
            assertThat(app.sandbox.tokenRequestCount("zoho")).as("token requests after round " + i)
                    .isLessThanOrEqualTo(10);
        }

        assertThat(app.sandbox.tokenRequestCount("zoho")).isEqualTo(10);
        assertThat(outcomes.subList(0, 10)).containsOnly("updated");
        assertThat(outcomes.subList(10, 15)).containsOnly("failed");
        assertThat(lastFailure.path("error_category").asText()).isEqualTo("transient");
        assertThat(lastFailure.path("provider_code").asText()).isEqualTo("token_rate_limited");
        assertThat(lastFailure.path("message").asText()).contains("token request limit of 10 per 600 s");
        assertThat(app.sandbox.appliedEdits()).hasSize(10);
    }

    @Test
    void givenRevokedTokenAndFiftyConcurrentRecords_whenSent_thenOneTokenRequest() {
        app.send(List.of(TestApp.record("zigned", null, Map.of("agreement_id", "cm4draftnordic0001example",
                "participant_id", "cm4p0001asaoberg00example", "name", "Warm Up"))));
        int before = app.sandbox.tokenRequestCount("zigned");
        app.sandbox.revokeTokens();
        List<ParticipantUpdate> records = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            records.add(ParticipantUpdate.of("zigned", null, Map.of("agreement_id", "cm4draftnordic0001example",
                    "participant_id", "cm4p0001asaoberg00example", "name", "Name " + i),
                    Source.of("test", "concurrent", i)));
        }

        BatchReport r = app.send(records);

        assertThat(r.count(Outcome.UPDATED)).isEqualTo(50);
        assertThat(app.sandbox.tokenRequestCount("zigned") - before).isEqualTo(1);
    }

    @Test
    void givenShortLivedTokens_whenTheRefreshAheadTimeIsReached_thenRenewedBeforeExpiryWithoutA401()
            throws Exception {
        app.sandbox.knobs().tokenTtlSeconds(2);
        Map<String, String> update = Map.of("agreement_id", "cm4draftnordic0001example", "participant_id",
                "cm4p0001asaoberg00example", "name", "Early Bird");
        app.sandbox.revokeTokens();
        app.send(List.of(TestApp.record("zigned", null, update)));
        int tokensBefore = app.sandbox.tokenRequestCount("zigned");
        int requestsBefore = app.sandbox.requestCount("zigned");

        // refresh-ahead 1 s of a 2 s token: once the service would renew it, the sandbox still accepts it
        Connection zigned = app.app.connections().resolve("zigned", null).connection();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .pollInterval(java.time.Duration.ofMillis(20)).until(() -> app.app.tokens().renewalDue(zigned));
        BatchReport r = app.send(List.of(TestApp.record("zigned", null, update)));

        assertThat(r.count(Outcome.UPDATED)).isEqualTo(1);
        assertThat(app.sandbox.tokenRequestCount("zigned") - tokensBefore).isEqualTo(1);
        // one token request and one update: no call was refused with a 401 first
        assertThat(app.sandbox.requestCount("zigned") - requestsBefore).isEqualTo(2);
    }
}
