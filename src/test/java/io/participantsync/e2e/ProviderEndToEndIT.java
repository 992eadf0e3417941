package io.participantsync.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.participantsync.deadletter.DeadLetterWriter;
import io.participantsync.core.BatchReport;
import io.participantsync.model.Outcome;
import io.participantsync.model.ParticipantUpdate;
import io.participantsync.sandbox.AppliedEdit;
import io.participantsync.support.TestApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Per provider, end to end over the sandbox: updated; rejected with the provider's message; retried; token renewed. */
class ProviderEndToEndIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestApp app;
    private static Path dir;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("ps-e2e");
        // the retry tests count attempts: pin them rather than depend on the default
        app = TestApp.start(dir, false, Map.of("delivery.max-attempts", "4"));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @BeforeEach
    void reset() {
        app.sandbox.reset();
    }

    /** provider, a valid update, a field the sandbox shows applied, an update the provider refuses, its message. */
    static Stream<Arguments> providers() {
        return Stream.of(
                Arguments.of("oneflow", Map.of("contract_id", "100101", "party_id", "200101", "participant_id",
                        "300101", "name", "Åsa Öberg-Lind", "signatory", "true"), "name",
                        Map.of("contract_id", "100101", "party_id", "200100", "participant_id", "300100", "email",
                                "new.owner@example.com"), "Owner-side participants cannot update the email"),
                Arguments.of("zigned", Map.of("agreement_id", "cm4draftnordic0001example", "participant_id",
                        "cm4p0001asaoberg00example", "name", "Åsa Öberg-Lind", "role", "approver"), "name",
                        Map.of("agreement_id", "cm4opennordic00002example", "participant_id",
                                "cm4p0004sofiakarlexample", "name", "Sofia"), "open status"),
                Arguments.of("signinghub", Map.of("package_id", "401001", "workflow_order", "1", "current_email",
                        "asa.oberg@example.com", "name", "Åsa Öberg-Lind"), "user_name",
                        Map.of("package_id", "401003", "workflow_order", "1", "name", "Karin"),
                        "locked workflow"),
                Arguments.of("eviasign", Map.of("request_id", "3f2c9a4e-6b1d-4c8e-9f3a-2b7d5e1a0c11",
                        "current_email", "asa.oberg@example.com", "name", "Åsa Öberg-Lind"), "UserName",
                        Map.of("request_id", "7a1e5c2d-9b4f-4e6a-8c3d-5f2a1b0e9d22", "current_email",
                                "mikael.eriksson@example.com", "name", "Mikael"), "already completed"),
                Arguments.of("zoho", Map.of("organization", "NordicExampleAB", "current_email",
                        "asa.oberg@example.com", "name", "Åsa Öberg-Lind"), "displayName",
                        Map.of("organization", "NordicExampleAB", "current_email", "nobody@example.com", "name",
                                "Nobody"), "No counterparty contact"));
    }

    @ParameterizedTest
    @MethodSource("providers")
    void givenValidUpdate_whenSent_thenUpdatedAndAppliedOnce(String provider, Map<String, String> ok, String field,
            Map<String, String> refused, String refusal) {
        BatchReport r = app.send(List.of(TestApp.record(provider, null, ok)));

        assertThat(r.count(Outcome.UPDATED)).isEqualTo(1);
        assertThat(r.received()).isEqualTo(1);
        List<AppliedEdit> edits = app.sandbox.appliedEdits();
        assertThat(edits).hasSize(1);
        assertThat(edits.get(0).provider()).isEqualTo(provider);
        assertThat(edits.get(0).fields().path(field).asText()).isEqualTo("Åsa Öberg-Lind");
    }

    @ParameterizedTest
    @MethodSource("providers")
    void givenUpdateTheProviderRefuses_whenSent_thenRejectedWithProviderMessageAndDeadLettered(String provider,
            Map<String, String> ok, String field, Map<String, String> refused, String refusal) throws Exception {
        BatchReport r = app.send(List.of(TestApp.record(provider, null, refused)));

        assertThat(r.count(Outcome.REJECTED)).isEqualTo(1);
        assertThat(app.sandbox.appliedEdits()).isEmpty();
        JsonNode row = JSON.readTree(r.reportFile().toFile()).path("rows").get(0);
        assertThat(row.path("outcome").asText()).isEqualTo("rejected");
        assertThat(row.path("error_category").asText()).isEqualTo("provider");
        assertThat(row.path("message").asText()).contains(refusal);
        assertThat(row.path("http_status").asInt()).isBetween(400, 499);
        assertThat(row.path("attempts").asInt()).as("a permanent error is not retried").isEqualTo(1);
        JsonNode deadLetter = JSON.readTree(DeadLetterWriter.readLetter(row.path("dead_letter").asText()));
        assertThat(deadLetter.path("provider_message").asText()).contains(refusal);
        assertThat(deadLetter.path("http_status").asInt()).isEqualTo(row.path("http_status").asInt());
    }

    @ParameterizedTest
    @MethodSource("providers")
    void givenTwoTransientFailures_whenSent_thenRetriedAndUpdated(String provider, Map<String, String> ok,
            String field, Map<String, String> refused, String refusal) throws Exception {
        app.sandbox.knobs().failNext(provider, 1, 503);
        app.sandbox.knobs().failNext(provider, 1, 429);

        BatchReport r = app.send(List.of(TestApp.record(provider, null, ok)));

        assertThat(r.count(Outcome.UPDATED)).isEqualTo(1);
        JsonNode row = JSON.readTree(r.reportFile().toFile()).path("rows").get(0);
        // SigningHub's guard read is retried together with the update, as one attempt
        assertThat(row.path("attempts").asInt()).isEqualTo(3);
        assertThat(app.sandbox.appliedEdits()).hasSize(1);
    }

    @ParameterizedTest
    @MethodSource("providers")
    void givenTransientFailuresBeyondBudget_whenSent_thenFailedAndDeadLettered(String provider,
            Map<String, String> ok, String field, Map<String, String> refused, String refusal) throws Exception {
        app.sandbox.knobs().failNext(provider, 10, 503);

        BatchReport r = app.send(List.of(TestApp.record(provider, null, ok)));

        assertThat(r.count(Outcome.FAILED)).isEqualTo(1);
        JsonNode row = JSON.readTree(r.reportFile().toFile()).path("rows").get(0);
        assertThat(row.path("attempts").asInt()).isEqualTo(4);
        assertThat(row.path("error_category").asText()).isEqualTo("transient");
        assertThat(row.path("http_status").asInt()).isEqualTo(503);
        assertThat(DeadLetterWriter.readLetter(row.path("dead_letter").asText())).contains("\"outcome\":\"failed\"");
        app.sandbox.knobs().clear();
    }

    @ParameterizedTest
    @MethodSource("providers")
    void givenRevokedToken_whenSent_thenNewTokenFetchedOnceAndUpdated(String provider, Map<String, String> ok,
            String field, Map<String, String> refused, String refusal) {
        app.send(List.of(TestApp.record(provider, null, ok)));
        int tokensBefore = app.sandbox.tokenRequestCount(provider);
        app.sandbox.revokeTokens();

        BatchReport r = app.send(List.of(TestApp.record(provider, null, ok)));

        assertThat(r.count(Outcome.UPDATED)).isEqualTo(1);
        int expectedNewTokens = provider.equals("oneflow") ? 0 : 1; // Oneflow has static headers, nothing to revoke
        assertThat(app.sandbox.tokenRequestCount(provider) - tokensBefore).isEqualTo(expectedNewTokens);
    }

    @org.junit.jupiter.api.Test
    void givenOnlyLocators_whenSent_thenUnchangedAndNoCall() {
        int before = app.sandbox.requestCount("oneflow");
        ParticipantUpdate nothing = TestApp.record("oneflow", null,
                Map.of("contract_id", "100101", "party_id", "200101", "participant_id", "300101"));

        BatchReport r = app.send(List.of(nothing));

        assertThat(r.count(Outcome.UNCHANGED)).isEqualTo(1);
        assertThat(app.sandbox.requestCount("oneflow")).isEqualTo(before);
    }
}
