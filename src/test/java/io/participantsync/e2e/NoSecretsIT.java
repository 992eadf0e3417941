package io.participantsync.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.participantsync.core.BatchReport;
import io.participantsync.core.Endpoints;
import io.participantsync.core.Headers;
import io.participantsync.intake.CsvFiles;
import io.participantsync.provider.Connection;
import io.participantsync.support.TestApp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No secret (API tokens, client secrets, passwords, refresh tokens, OTP codes, access tokens) and no personal number
 * appears in logs, reports or dead letters, whatever the outcome.
 */
class NoSecretsIT {

    private static final String PERSONAL_NUMBER = "19121212-1212";
    private static final String OTP_CODE = "770417";

    @TempDir
    Path dir;

    @Test
    void givenRecordsWithSecretsEndingInEveryOutcome_whenProcessed_thenNoSecretInAnyOutput() throws Exception {
        Path csv = dir.resolve("secrets.csv");
        Files.writeString(csv, String.join("\n",
                "provider,contract_id,party_id,agreement_id,participant_id,request_id,current_email,name,role,"
                        + "identification_number,otp_required,otp_access_code,otp_mobile_number",
                // updated
                "zigned,,,cm4draftnordic0001example,cm4p0003mikaeleriexample,,,,signer," + PERSONAL_NUMBER + ",,,",
                "eviasign,,,,,3f2c9a4e-6b1d-4c8e-9f3a-2b7d5e1a0c11,jose.nunez@example.org,,,,true," + OTP_CODE
                        + ",+34 600 000 123",
                // rejected by validation (bad role) with a personal number in the row
                "zigned,,,cm4draftnordic0001example,cm4p0003mikaeleriexample,,,,boss," + PERSONAL_NUMBER + ",,,",
                // rejected by the provider (open agreement) with a personal number
                "zigned,,,cm4opennordic00002example,cm4p0004sofiakarlexample,,,,signer," + PERSONAL_NUMBER + ",,,",
                // rejected by the provider (completed recipient) with an OTP code
                "eviasign,,,,,7a1e5c2d-9b4f-4e6a-8c3d-5f2a1b0e9d22,mikael.eriksson@example.com,,,,true," + OTP_CODE
                        + ",",
                // failed after retries (the sandbox answers 503 to every Oneflow call), with a personal number
                "oneflow,100101,200101,,300101,,,Åsa,," + PERSONAL_NUMBER + ",,,")
                + "\n");
        List<String> secrets = new ArrayList<>(List.of(PERSONAL_NUMBER, OTP_CODE));
        BatchReport report;
        try (TestApp app = TestApp.start(dir, false, Map.of())) {
            app.sandbox.connectionProperties().forEach((k, v) -> {
                if (Connection.SECRET_KEYS.contains(k.substring(k.lastIndexOf('.') + 1))) {
                    secrets.add(v);
                }
            });
            app.sandbox.knobs().failNext("oneflow", 10, 503);
            report = app.app.producerTemplate().requestBodyAndHeaders(Endpoints.INGEST_BATCH,
                    new CsvFiles(app.app.csvReader(), List.of(csv)), Map.of(
                            Headers.SOURCE_KIND, "csv", Headers.SOURCE_NAME, "secrets.csv",
                            Headers.REPORT_PATH, dir.resolve("report.json").toString()), BatchReport.class);
            app.sandbox.revokeTokens();
        }
        assertThat(report.received()).isEqualTo(6);
        assertThat(report.count(io.participantsync.model.Outcome.UPDATED)).isEqualTo(2);
        assertThat(report.count(io.participantsync.model.Outcome.REJECTED)).isEqualTo(3);
        assertThat(report.count(io.participantsync.model.Outcome.FAILED)).isEqualTo(1);
        assertThat(secrets).hasSizeGreaterThan(10);

        List<Path> outputs = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            s.filter(Files::isRegularFile).filter(p -> !p.equals(csv)).forEach(outputs::add);
        }
        Path logs = Path.of(System.getProperty("ps.log.dir", "target/test-logs"), "participant-sync.log");
        assertThat(logs).exists();
        outputs.add(logs);
        assertThat(outputs).anyMatch(p -> p.toString().endsWith(".rejected.csv"));
        assertThat(outputs).anyMatch(p -> p.toString().endsWith(".deadletters.jsonl")
                && p.toString().contains("dead-letter"));
        for (Path p : outputs) {
            String content = read(p);
            for (String secret : secrets) {
                assertThat(content).as("%s must not contain a secret", p).doesNotContain(secret);
            }
            assertThat(content).as("%s must not contain an Authorization value", p)
                    .doesNotContainPattern("(Bearer|Zoho-oauthtoken) [A-Za-z0-9._-]{8,}");
        }
    }

    private static String read(Path p) throws IOException {
        return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
    }
}
