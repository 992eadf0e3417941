package io.participantsync.sandbox;

import static io.participantsync.sandbox.SandboxClient.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Reader;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Verifies that the sample CSV files in {@code samples/csv/} fit the seeded sandbox: every row of the good files
 * names a seeded participant and, replayed on a fresh sandbox with a minimal canonical-to-provider mapping, ends as
 * samples/README.md says (updated, unchanged, or the provider's rejection).
 */
class SandboxSamplesIT extends SandboxFixture {

    private static final Path CSV_DIR = Path.of("samples", "csv");

    static List<CSVRecord> read(String file) throws IOException {
        try (Reader in = Files.newBufferedReader(CSV_DIR.resolve(file), StandardCharsets.UTF_8)) {
            return CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(in).getRecords();
        }
    }

    @Test
    void givenMixedCsv_whenEachRowLookedUp_thenEveryRowRefersToASeededParticipant() throws IOException {
        List<CSVRecord> rows = read("mixed.csv");

        assertThat(rows).hasSize(8);
        assertThat(rows).extracting(r -> r.get("provider")).contains("oneflow", "zigned", "signinghub", "eviasign",
                "zoho");
        assertThat(rows).extracting(r -> r.get("connection")).contains("oneflow-acme", "zoho-eu");
        for (CSVRecord row : rows) {
            assertThat(seeded(row)).as("row %d of mixed.csv", row.getRecordNumber()).isPresent();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"oneflow.csv", "zigned.csv", "signinghub.csv", "eviasign.csv", "zoho.csv"})
    void givenProviderCsv_whenEachRowLookedUp_thenEveryRowRefersToASeededParticipant(String file) throws IOException {
        List<CSVRecord> rows = read(file);

        assertThat(rows).isNotEmpty();
        for (CSVRecord row : rows) {
            assertThat(seeded(row)).as("row %d of %s", row.getRecordNumber(), file).isPresent();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mixed.csv", "oneflow.csv", "zigned.csv", "signinghub.csv", "eviasign.csv", "zoho.csv"})
    void givenGoodCsv_whenReplayedOnFreshSandbox_thenEveryRowWithChangesIsAccepted(String file) throws IOException {
        int calls = 0;
        for (CSVRecord row : read(file)) {
            Optional<HttpResponse<String>> answer = replay(row);
            if (answer.isPresent()) {
                calls++;
                assertThat(answer.get().statusCode()).as("row %d of %s: %s", row.getRecordNumber(), file,
                        answer.get().body()).isEqualTo(200);
            }
        }

        assertThat(server.appliedEdits()).hasSize(calls);
        if (file.equals("mixed.csv")) {
            assertThat(calls).isEqualTo(7);
        }
    }

    @Test
    void givenBadRowsCsv_whenProviderSideRowsReplayed_thenSandboxRejectsThemAsDocumented() throws IOException {
        List<CSVRecord> rows = read("bad-rows.csv");
        // data rows 9..16 reach the provider; rows 1..8 are refused by our own validation before any call
        Map<Long, Integer> expected = Map.of(9L, 400, 10L, 400, 11L, 403, 12L, 404, 13L, 409, 14L, 404, 15L, 200,
                16L, 200);

        for (CSVRecord row : rows) {
            Integer status = expected.get(row.getRecordNumber());
            if (status != null) {
                HttpResponse<String> answer = replay(row).orElseThrow();
                assertThat(answer.statusCode()).as("row %d: %s", row.getRecordNumber(), answer.body())
                        .isEqualTo(status);
            }
        }
        assertThat(rows).hasSize(16);
        assertThat(rows.get(5).size()).isNotEqualTo(rows.get(0).size());
    }

    private static String value(CSVRecord row, String column) {
        return row.isMapped(column) && row.isSet(column) ? row.get(column).trim() : "";
    }

    private static String dc(CSVRecord row) {
        return "zoho-eu".equals(value(row, "connection")) ? "eu" : "com";
    }

    private Optional<?> seeded(CSVRecord row) {
        String provider = value(row, "provider");
        return switch (provider) {
            case "oneflow" -> server.participant(provider, value(row, "contract_id"), value(row, "party_id"),
                    value(row, "participant_id"));
            case "zigned" -> server.participant(provider, value(row, "agreement_id"), value(row, "participant_id"));
            case "signinghub" -> server.participant(provider, value(row, "package_id"), value(row, "workflow_order"))
                    .filter(u -> value(row, "current_email").isEmpty()
                            || u.path("user_email").asText().equalsIgnoreCase(value(row, "current_email")));
            case "eviasign" -> server.participant(provider, value(row, "request_id"), value(row, "current_email"));
            case "zoho" -> server.participant(provider, dc(row), value(row, "organization"),
                    value(row, "current_email"));
            default -> Optional.empty();
        };
    }

    /** The provider call a row turns into, or empty when it changes nothing (outcome unchanged). */
    private Optional<HttpResponse<String>> replay(CSVRecord row) {
        ObjectNode body = SandboxClient.MAPPER.createObjectNode();
        String provider = value(row, "provider");
        switch (provider) {
            case "oneflow" -> {
                for (String f : List.of("name", "email", "phone_number", "title", "identification_number",
                        "delivery_channel", "sign_method", "two_step_authentication_method")) {
                    putText(body, f, value(row, f));
                }
                if (!value(row, "signatory").isEmpty()) {
                    body.put("signatory", Boolean.parseBoolean(value(row, "signatory")));
                }
                if (!value(row, "can_update_contract").isEmpty()) {
                    body.putObject("_permissions").put("contract:update",
                            Boolean.parseBoolean(value(row, "can_update_contract")));
                }
                if (body.isEmpty()) {
                    return Optional.empty();
                }
                Map<String, String> headers = "oneflow-acme".equals(value(row, "connection"))
                        ? SandboxClient.oneflowAcmeHeaders() : SandboxClient.oneflowHeaders();
                return Optional.of(client.json("PUT", "/oneflow/v1/contracts/" + value(row, "contract_id")
                        + "/parties/" + value(row, "party_id") + "/participants/" + value(row, "participant_id"),
                        headers, body.toString()));
            }
            case "zigned" -> {
                putText(body, "name", value(row, "name"));
                putText(body, "email", value(row, "email"));
                putText(body, "role", value(row, "role"));
                putText(body, "locale", value(row, "locale"));
                if (!value(row, "identification_number").isEmpty()) {
                    body.putObject("identity_enforcement").put("personal_number",
                            value(row, "identification_number"));
                } else if ("true".equals(value(row, "disable_identity_enforcement"))) {
                    body.putObject("identity_enforcement").put("disable", true);
                }
                if (!value(row, "signing_order").isEmpty()) {
                    body.put("order", Long.parseLong(value(row, "signing_order")));
                }
                return body.isEmpty() ? Optional.empty() : Optional.of(client.json("PUT", "/zigned/rest/v3/agreements/"
                        + value(row, "agreement_id") + "/participants/" + value(row, "participant_id"),
                        bearer(client.zignedToken()), body.toString()));
            }
            case "signinghub" -> {
                putText(body, "user_email", value(row, "email"));
                putText(body, "user_name", value(row, "name"));
                putText(body, "role", value(row, "role"));
                if (!value(row, "email_notification").isEmpty()) {
                    body.put("email_notification", Boolean.parseBoolean(value(row, "email_notification")));
                }
                if (!value(row, "signing_order").isEmpty()) {
                    body.put("signing_order", Integer.parseInt(value(row, "signing_order")));
                }
                return body.isEmpty() ? Optional.empty() : Optional.of(client.json("PUT", "/signinghub/v3/packages/"
                        + value(row, "package_id") + "/workflow/" + value(row, "workflow_order") + "/user",
                        bearer(client.signingHubToken()), body.toString()));
            }
            case "eviasign" -> {
                putText(body, "UserName", value(row, "name"));
                putText(body, "UserEmail", value(row, "email"));
                putText(body, "PrivateMessage", value(row, "private_message"));
                if (!value(row, "otp_required").isEmpty()) {
                    ObjectNode otp = body.putObject("OTP");
                    otp.put("IsRequired", Boolean.parseBoolean(value(row, "otp_required")));
                    putText(otp, "AccessCode", value(row, "otp_access_code"));
                    putText(otp, "MobileNumber", value(row, "otp_mobile_number"));
                    if (!value(row, "otp_type").isEmpty()) {
                        otp.put("Type", Integer.parseInt(value(row, "otp_type")));
                    }
                }
                if (body.isEmpty()) {
                    return Optional.empty();
                }
                body.put("OldUserEmail", value(row, "current_email"));
                body.putObject("AuditDetails").put("AuthorType", "API").put("AuthorIPAddress", "127.0.0.1")
                        .put("Device", "participant-sync");
                return Optional.of(client.json("POST", "/eviasign/_apis/sign/api/v2/Requests/"
                        + value(row, "request_id") + "/editrecipient", bearer(client.eviaToken()), body.toString()));
            }
            case "zoho" -> {
                putText(body, "emailId", value(row, "email"));
                putText(body, "displayName", value(row, "name"));
                if (body.isEmpty()) {
                    return Optional.empty();
                }
                String dc = dc(row);
                String token = dc.equals("eu") ? client.zohoEuToken() : client.zohoToken();
                return Optional.of(client.json("PUT", "/zoho/" + dc + "/api/v1/counterparties/"
                        + value(row, "organization") + "/counterpartyusers/"
                        + URLEncoder.encode(value(row, "current_email"), StandardCharsets.UTF_8) + "/",
                        Map.of("Authorization", "Zoho-oauthtoken " + token), body.toString()));
            }
            default -> throw new IllegalArgumentException("no replay for provider " + provider);
        }
    }

    private static void putText(ObjectNode node, String field, String value) {
        if (!value.isEmpty()) {
            node.put(field, value);
        }
    }
}
