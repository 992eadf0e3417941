package io.participantsync.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.participantsync.core.BatchReport;
import io.participantsync.model.Outcome;
import io.participantsync.sandbox.AppliedEdit;
import io.participantsync.sandbox.SandboxKnobs.Fault;
import io.participantsync.support.TestApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Per provider over the sandbox: an answer lost after the provider applied the edit ends {@code updated} with exactly
 * one edit (verified by the provider's read, unverified for Evia Sign); resets and timeouts are retried; a genuine
 * 404 is still rejected.
 */
class LostAnswerEndToEndIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The service's response timeout here; the sandbox holds timed-out calls longer. */
    private static final int RESPONSE_TIMEOUT_MS = 700;
    private static TestApp app;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("ps-lost-answer");
        app = TestApp.start(dir, false, Map.of("camel.component.http.response-timeout",
                String.valueOf(RESPONSE_TIMEOUT_MS), "camel.component.http.so-timeout",
                String.valueOf(RESPONSE_TIMEOUT_MS)));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @BeforeEach
    void reset() {
        app.sandbox.reset();
        app.sandbox.knobs().hangMs(RESPONSE_TIMEOUT_MS * 3L);
    }

    /** provider, an update that changes the email where the provider allows it, the edit's field and new value. */
    static Stream<Arguments> updates() {
        return Stream.of(
                Arguments.of("oneflow", Map.of("contract_id", "100101", "party_id", "200101", "participant_id",
                        "300101", "name", "Åsa Öberg-Lind", "email", "asa.lind@example.com"), "email",
                        "asa.lind@example.com"),
                Arguments.of("zigned", Map.of("agreement_id", "cm4draftnordic0001example", "participant_id",
                        "cm4p0001asaoberg00example", "name", "Åsa Öberg-Lind", "email", "asa.lind@example.com"),
                        "email", "asa.lind@example.com"),
                Arguments.of("signinghub", Map.of("package_id", "401001", "workflow_order", "1", "current_email",
                        "asa.oberg@example.com", "email", "asa.lind@example.com", "name", "Åsa Öberg-Lind"),
                        "user_email", "asa.lind@example.com"),
                Arguments.of("eviasign", Map.of("request_id", "3f2c9a4e-6b1d-4c8e-9f3a-2b7d5e1a0c11",
                        "current_email", "asa.oberg@example.com", "email", "asa.lind@example.com", "name",
                        "Åsa Öberg-Lind"), "UserEmail", "asa.lind@example.com"),
                Arguments.of("zoho", Map.of("organization", "NordicExampleAB", "current_email",
                        "asa.oberg@example.com", "email", "asa.lind@example.com", "name", "Åsa Öberg-Lind"),
                        "emailId", "asa.lind@example.com"));
    }

    private static JsonNode onlyRow(BatchReport r) throws IOException {
        JsonNode rows = JSON.readTree(r.reportFile().toFile()).path("rows");
        assertThat(rows).hasSize(1);
        return rows.get(0);
    }

    private static void assertOneEdit(String provider, String field, String value) {
        List<AppliedEdit> edits = app.sandbox.appliedEdits();
        assertThat(edits).as("exactly one edit applied, never a second").hasSize(1);
        assertThat(edits.get(0).provider()).isEqualTo(provider);
        assertThat(edits.get(0).fields().path(field).asText()).isEqualTo(value);
    }

    @ParameterizedTest
    @MethodSource("updates")
    void givenAnswerLostAfterApply_whenSent_thenUpdatedOnceAndVerifiedWhereTheProviderCanBeRead(String provider,
            Map<String, String> update, String field, String value) throws Exception {
        app.sandbox.knobs().failNext(provider, 1, Fault.LOST_ANSWER);

        BatchReport r = app.send(List.of(TestApp.record(provider, null, update)));

        assertThat(r.count(Outcome.UPDATED)).isEqualTo(1);
        assertThat(r.received()).isEqualTo(1);
        assertOneEdit(provider, field, value);
        assertThat(app.sandbox.droppedAnswers(provider)).isEqualTo(1);
        JsonNode row = onlyRow(r);
        assertThat(row.path("outcome").asText()).isEqualTo("updated");
        assertThat(row.path("reconciled").asBoolean()).isTrue();
        boolean readable = !provider.equals("eviasign");
        assertThat(row.path("verified").asBoolean()).isEqualTo(readable);
        assertThat(row.path("message").asText()).contains(readable ? "read shows the update" : "unverified");
        assertThat(row.has("dead_letter")).isFalse();
    }

    @ParameterizedTest
    @MethodSource("updates")
    void givenAnswerLostAfterApplyOnATimeout_whenSent_thenUpdatedOnce(String provider, Map<String, String> update,
            String field, String value) throws Exception {
        app.sandbox.knobs().failNext(provider, 1, Fault.LOST_ANSWER_TIMEOUT);

        BatchReport r = app.send(List.of(TestApp.record(provider, null, update)));

        assertThat(r.count(Outcome.UPDATED)).isEqualTo(1);
        assertOneEdit(provider, field, value);
        assertThat(onlyRow(r).path("verified").asBoolean()).isEqualTo(!provider.equals("eviasign"));
    }

    @ParameterizedTest
    @MethodSource("updates")
    void givenConnectionReset_whenSent_thenRetriedAndUpdatedWithoutReconciliation(String provider,
            Map<String, String> update, String field, String value) throws Exception {
        app.sandbox.knobs().failNext(provider, 1, Fault.RESET);

        BatchReport r = app.send(List.of(TestApp.record(provider, null, update)));

        assertThat(r.count(Outcome.UPDATED)).isEqualTo(1);
        assertOneEdit(provider, field, value);
        JsonNode row = onlyRow(r);
        assertThat(row.path("attempts").asInt()).isEqualTo(2);
        assertThat(row.has("reconciled")).isFalse();
    }

    @ParameterizedTest
    @MethodSource("updates")
    void givenTimeout_whenSent_thenRetriedAndUpdated(String provider, Map<String, String> update, String field,
            String value) throws Exception {
        app.sandbox.knobs().failNext(provider, 1, Fault.TIMEOUT);

        BatchReport r = app.send(List.of(TestApp.record(provider, null, update)));

        assertThat(r.count(Outcome.UPDATED)).isEqualTo(1);
        assertOneEdit(provider, field, value);
        JsonNode row = onlyRow(r);
        assertThat(row.path("attempts").asInt()).isEqualTo(2);
        assertThat(row.has("reconciled")).isFalse();
    }

    @Test
    void givenUnknownZohoContactAndNoLostAnswer_whenSent_thenRejectedWith404() throws Exception {
        BatchReport r = app.send(List.of(TestApp.record("zoho", null, Map.of("organization", "NordicExampleAB",
                "current_email", "nobody@example.com", "email", "new.nobody@example.com"))));

        assertThat(r.count(Outcome.REJECTED)).isEqualTo(1);
        JsonNode row = onlyRow(r);
        assertThat(row.path("http_status").asInt()).isEqualTo(404);
        assertThat(row.path("provider_code").asText()).isEqualTo("INVALID_URL_PATTERN");
        assertThat(app.sandbox.appliedEdits()).isEmpty();
    }

    @Test
    void givenUnknownEviaRecipientAndNoLostAnswer_whenSent_thenRejectedWith404() throws Exception {
        BatchReport r = app.send(List.of(TestApp.record("eviasign", null, Map.of("request_id",
                "3f2c9a4e-6b1d-4c8e-9f3a-2b7d5e1a0c11", "current_email", "nobody@example.com", "email",
                "new.nobody@example.com"))));

        assertThat(r.count(Outcome.REJECTED)).isEqualTo(1);
        JsonNode row = onlyRow(r);
        assertThat(row.path("http_status").asInt()).isEqualTo(404);
        assertThat(row.path("message").asText()).contains("Editing isn't allowed for this recipient.");
        assertThat(row.has("reconciled")).isFalse();
    }

    @Test
    void givenUnknownZohoContactAndALostAnswer_whenSent_thenTheReadFindsNothingAndTheRecordIsRejected()
            throws Exception {
        app.sandbox.knobs().failNext("zoho", 1, Fault.LOST_ANSWER);

        BatchReport r = app.send(List.of(TestApp.record("zoho", null, Map.of("organization", "NordicExampleAB",
                "current_email", "nobody@example.com", "email", "new.nobody@example.com"))));

        assertThat(r.count(Outcome.REJECTED)).isEqualTo(1);
        JsonNode row = onlyRow(r);
        assertThat(row.path("http_status").asInt()).isEqualTo(404);
        assertThat(row.path("provider_code").asText()).isEqualTo("INVALID_URL_PATTERN");
        assertThat(row.path("attempts").asInt()).isEqualTo(2);
        assertThat(app.sandbox.appliedEdits()).isEmpty();
        assertThat(app.sandbox.participant("zoho", "com", "NordicExampleAB", "new.nobody@example.com")).isEmpty();
    }

    @Test
    void givenTransientErrorThenPermanentError_whenSent_thenRejectedWithoutFurtherRetries() throws Exception {
        // Camel hangs the first error on the second as suppressed: the second alone decides
        app.sandbox.knobs().failNext("zigned", 1, 503);

        BatchReport r = app.send(List.of(TestApp.record("zigned", null, Map.of("agreement_id",
                "cm4opennordic00002example", "participant_id", "cm4p0004sofiakarlexample", "name", "Sofia"))));

        assertThat(r.count(Outcome.REJECTED)).isEqualTo(1);
        JsonNode row = onlyRow(r);
        assertThat(row.path("attempts").asInt()).isEqualTo(2);
        assertThat(row.path("http_status").asInt()).isBetween(400, 499);
    }
}
