package io.participantsync.e2e;

import static io.participantsync.e2e.QueueTestSupport.files;
import static io.participantsync.e2e.QueueTestSupport.readJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.participantsync.support.TestApp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Isolation of sources: the CSV drop takes files as they arrive and delivers them side by side. A small file for a
 * healthy connection dropped after a large one held by its connection's rate limit is archived, with its report,
 * while the large one is still in progress; and the service answers ready all the while.
 */
class SourceIsolationIT {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final int LARGE = 40;

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
    void givenALargeRateLimitedFile_whenASmallFileForAnotherConnectionFollows_thenTheSmallOneIsArchivedFirst()
            throws Exception {
        // 40 Zoho rows at 10 calls per second: about 4 seconds
        app = TestApp.start(dir, true, Map.of("connections.zoho.rate-limit", "10/1s", "jms.enabled", "false"));
        app.sandbox.knobs().autoCreate(true);
        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        Path archive = inbox.resolve(".archive");

        drop(inbox, "large.csv", large());
        await().atMost(WAIT).until(() -> app.sandbox.requestCount("zoho") > 1);
        drop(inbox, "small.csv", "provider,package_id,workflow_order,name\n"
                + "signinghub,9100001,1,Small One\nsigninghub,9100002,1,Small Two\nsigninghub,9100003,1,Small Three\n");

        await().atMost(WAIT).until(() -> reportOf(archive, "small") != null);
        assertThat(Files.exists(inbox.resolve("large.csv"))).as("the large file is still in progress").isTrue();
        assertThat(reportOf(archive, "large")).isNull();
        assertThat(ready()).as("ready while a file is in progress").isEqualTo(200);
        JsonNode small = reportOf(archive, "small");
        assertThat(small.path("counts").path("updated").asInt()).isEqualTo(3);

        await().atMost(WAIT).until(() -> reportOf(archive, "large") != null);
        assertThat(reportOf(archive, "large").path("counts").path("updated").asInt()).isEqualTo(LARGE);
        assertThat(Files.exists(inbox.resolve("large.csv"))).isFalse();
    }

    private static String large() {
        StringBuilder sb = new StringBuilder("provider,organization,current_email,name\n");
        for (int i = 0; i < LARGE; i++) {
            sb.append("zoho,SourceOrg,source").append(i).append("@example.com,Large ").append(i).append('\n');
        }
        return sb.toString();
    }

    /** Writes a file beside the inbox's pattern, then renames it in (as a producer should). */
    private static void drop(Path inbox, String name, String content) throws IOException {
        Path part = inbox.resolve(name + ".part");
        Files.writeString(part, content, StandardCharsets.UTF_8);
        Files.move(part, inbox.resolve(name));
    }

    private static JsonNode reportOf(Path archive, String name) {
        List<Path> reports = files(archive, ".report.json").stream()
                .filter(p -> p.getFileName().toString().startsWith(name + "-")).toList();
        return reports.isEmpty() ? null : readJson(reports.get(0));
    }

    private int ready() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + app.app.servers().managementPort() + "/observe/health/ready"))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode();
    }
}
