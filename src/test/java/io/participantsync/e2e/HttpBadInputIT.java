package io.participantsync.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.participantsync.support.TestApp;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Hostile bodies on the HTTP API: deep JSON, a CSV with too many columns or a broken row are 400s, never 500s. */
class HttpBadInputIT {

    private static final String KEY = "test-key-5d1e8b";

    private static TestApp app;
    private static String base;

    @BeforeAll
    static void start() throws IOException {
        Path dir = Files.createTempDirectory("ps-http-bad");
        app = TestApp.start(dir, true, Map.of("http.api-keys", KEY));
        base = "http://127.0.0.1:" + app.app.settings().get("camel.server.port");
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void givenJsonNestedTenThousandLevels_whenPosted_then400NamingTheDepth() throws Exception {
        String body = "[{\"provider\": \"oneflow\", \"name\": " + "[".repeat(10_000) + "]".repeat(10_000) + "}]";

        HttpResponse<String> r = HttpApiIT.post(base, "/api/v1/participant-updates", "application/json", body, KEY,
                null);

        JsonNode problem = HttpApiIT.assertProblem(r, 400, "malformed-json");
        assertThat(problem.path("detail").asText()).contains("nested deeper than 64 levels");
        assertThat(app.sandbox.appliedEdits()).isEmpty();
    }

    @Test
    void givenCsvWithTwoHundredThousandColumns_whenPosted_then400WithOneShortMessage() throws Exception {
        String body = "provider" + ",x".repeat(199_999) + "\noneflow" + ",1".repeat(199_999) + "\n";

        HttpResponse<String> r = HttpApiIT.post(base, "/api/v1/participant-updates", "text/csv", body, KEY, null);

        JsonNode problem = HttpApiIT.assertProblem(r, 400, "malformed-csv");
        assertThat(problem.path("detail").asText()).contains("more than csv.max-columns (200)").hasSizeLessThan(300);
    }

    @Test
    void givenCsvWithABrokenRowBetweenGoodOnes_whenPosted_then400NamingTheRowAndNothingSent() throws Exception {
        String body = "provider,agreement_id,participant_id,role\n"
                + "zigned,cm4draftnordic0001example,cm4p0001asaoberg00example,approver\n"
                + "zigned,cm4draftnordic0001example,\"cm4p0001 \"x\" y\",approver\n"
                + "zigned,cm4draftnordic0001example,cm4p0001asaoberg00example,signer\n";

        HttpResponse<String> r = HttpApiIT.post(base, "/api/v1/participant-updates", "text/csv", body, KEY, null);

        JsonNode problem = HttpApiIT.assertProblem(r, 400, "malformed-csv");
        assertThat(problem.path("row").asInt()).isEqualTo(2);
        assertThat(app.sandbox.appliedEdits()).isEmpty();
    }
}
