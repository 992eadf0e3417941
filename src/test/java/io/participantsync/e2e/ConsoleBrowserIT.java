package io.participantsync.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.participantsync.support.Browser;
import io.participantsync.support.TestApp;
import io.participantsync.support.TestJson;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;

/**
 * The operations console in a real browser (headless Chromium, {@link Browser}), used as a person would: the service
 * runs with the sandbox, API keys and a sync job; two sample files are dropped into its inbox; the tests sign in and
 * read and act on what the console shows, finding elements by the {@code data-testid} hooks listed at the top of
 * {@code console/assets/app.js}.
 *
 * <p>The tests run in a fixed order only so that the README screenshots ({@code docs/console-*.png}, refreshed with
 * {@code CONSOLE_SCREENSHOTS=docs}; otherwise written to {@code target/console-screenshots/}) always show the same
 * state; each test asserts on data of its own or on the two files dropped before all of them.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {

    private static final String KEY = "console-key-5d2e8a";
    private static final Path SAMPLES = Path.of("samples/csv");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** The connection the breaker test makes the sandbox fail (nothing else sends to it meanwhile). */
    private static final String FAILING = "oneflow-acme";

    @TempDir
    static Path dir;
    private static TestApp app;
    private static Path inbox;
    private static Browser browser;
    private static String badBatch;
    private static String mixedBatch;

    @BeforeAll
    static void start() throws Exception {
        Browser.requireInstalled();
        inbox = Files.createDirectories(dir.resolve("inbox"));
        String source = "jdbc:h2:file:" + dir.resolve("people");
        try (Connection c = DriverManager.getConnection(source); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE people (contract_id INT, party_id INT, participant_id INT, name VARCHAR(100))");
            s.execute("INSERT INTO people VALUES (100101, 200101, 300101, 'Åsa Öberg-Lind')");
            s.execute("INSERT INTO people VALUES (100102, 200201, 300202, 'Lars Nilsson-Ek')");
        }
        Map<String, String> props = new LinkedHashMap<>();
        props.put("http.api-keys", KEY);
        props.put("jms.enabled", "false");
        props.put("sync-jobs.nightly.source", "jdbc");
        props.put("sync-jobs.nightly.jdbc-url", source);
        props.put("sync-jobs.nightly.query", "SELECT * FROM people");
        props.put("sync-jobs.nightly.provider", "oneflow");
        // the breaker opens after two failed calls and probes every second; the record waits it out
        props.put("connections." + FAILING + ".breaker-failures", "2");
        props.put("connections." + FAILING + ".breaker-wait", "1s");
        props.put("connections." + FAILING + ".max-attempts", "1000");
        props.put("connections." + FAILING + ".rate-limit", "none");
        app = TestApp.start(dir, true, props);

        mixedBatch = drop(SAMPLES.resolve("mixed.csv"));
        badBatch = drop(SAMPLES.resolve("bad-rows.csv"));
        browser = Browser.start(app.apiUrl());
        signIn(browser, KEY);
    }

    @AfterAll
    static void stop() {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (app != null) {
                app.close();
            }
        }
    }

    @Test
    @Order(1)
    void givenTwoDroppedFiles_whenTheOverviewIsOpened_thenBothBatchesShowTheirCountsAndEveryConnectionALine()
            throws Exception {
        browser.open("/console/");

        // read in one go each (the overview re-renders a row whose figures changed, every 5 s)
        String mixed = browser.waitUntil("the row of mixed.csv", d -> describe(batchRow(mixedBatch)));
        String bad = browser.waitUntil("the row of bad-rows.csv", d -> describe(batchRow(badBatch)));

        assertThat(mixed).isEqualTo("mixed.csv completed [8, 7, 1, 0, 0]");
        assertThat(bad).isEqualTo("bad-rows.csv problems [16, 2, 0, 14, 0]");
        String badStatus = browser.waitUntil("the status text", d -> batchRow(badBatch)
                .findElement(Browser.testId("badge")).getText());
        assertThat(badStatus).isEqualTo("completed with problems");
        List<String> connections = browser.waitUntil("a line per connection", d -> {
            List<String> lines = browser.all("connection-row").stream()
                    .map(r -> r.getAttribute("data-connection") + " " + r.getAttribute("data-state")).toList();
            return lines.size() == 7 ? lines : null;
        });
        assertThat(connections).containsExactlyInAnyOrder("oneflow ok", "oneflow-acme ok", "zigned ok",
                "signinghub ok", "eviasign ok", "zoho ok", "zoho-eu ok");
        // the totals of the day include both files' records
        browser.waitUntil("the day's totals counting both files", d -> browser.find("outcome-totals")
                .findElement(By.cssSelector("[data-outcome=received]")).getText().equals("24"));
        browser.find("outcomes-chart");
        screenshot("overview");
    }

    @Test
    @Order(2)
    void givenTheBadFile_whenItsBatchIsOpened_thenEveryRejectedRowShowsItsMessage() throws Exception {
        browser.open("/console/batches");
        batchRow(badBatch).findElement(By.tagName("a")).click();
        browser.waitUntil("the batch page", d -> browser.path().equals("/console/batches/" + badBatch));

        browser.waitUntil("16 records", d -> browser.all("record-row").size() == 16);
        assertThat(batchCount("received")).isEqualTo("16");
        assertThat(batchCount("rejected")).isEqualTo("14");
        Map<Integer, String> rejected = new LinkedHashMap<>();
        for (WebElement row : browser.all("record-row")) {
            if (row.getAttribute("data-outcome").equals("rejected")) {
                rejected.put(Integer.valueOf(row.getAttribute("data-row")),
                        row.findElement(By.cssSelector("td[data-col=message]")).getText());
            }
        }
        assertThat(rejected).hasSize(14);
        assertThat(rejected.get(1)).contains("provider").contains("'docusign' is not one of");
        assertThat(rejected.get(2)).contains("participant_id").contains("is required");
        assertThat(rejected.get(3)).contains("email").contains("is not a valid email address");
        assertThat(rejected.get(4)).contains("delivery_channel").contains("is not one of");
        assertThat(rejected.get(5)).contains("title").contains("not supported by provider zigned");
        assertThat(rejected.get(6)).contains("cells but the header has");
        assertThat(rejected.get(7)).contains("is not an integer");
        assertThat(rejected.get(8)).contains("is not a boolean");
        assertThat(rejected.get(9)).contains("zigned answered HTTP 400");
        assertThat(rejected.get(10)).contains("eviasign answered HTTP 400");
        assertThat(rejected.get(11)).contains("locked workflow");
        assertThat(rejected.get(12)).contains("No user found at given order");
        assertThat(rejected.get(13)).contains("oneflow answered HTTP 409");
        assertThat(rejected.get(14)).contains("zoho answered HTTP 404");

        browser.click("failures-only");
        browser.waitUntil("only the 14 rejected rows", d -> browser.path().endsWith("failures=1")
                && browser.all("record-row").size() == 14);
        assertThat(browser.all("record-row")).extracting(r -> r.getAttribute("data-outcome")).containsOnly("rejected");
        browser.script("window.scrollTo(0, 0)");
        screenshot("batch");
    }

    @Test
    @Order(3)
    void givenABatchPage_whenReloaded_thenTheSameBatchIsShown() {
        browser.open("/console/batches/" + mixedBatch);
        browser.waitUntil("8 records", d -> browser.all("record-row").size() == 8);

        browser.reload();

        browser.waitUntil("the batch id after the reload", d -> browser.find("batch-facts")
                .findElement(By.cssSelector("[data-fact=batch_id] dd")).getText().equals(mixedBatch));
        assertThat(browser.path()).isEqualTo("/console/batches/" + mixedBatch);
        browser.waitUntil("8 records after the reload", d -> browser.all("record-row").size() == 8);
        assertThat(browser.find("batch-summary").getText()).contains("mixed.csv");
    }

    @Test
    @Order(4)
    void givenTheDeadLetterOfABadEmail_whenTheEmailIsFixedAndReplayed_thenItsNewOutcomeIsUpdated()
            throws Exception {
        // the row with the bad email (row 3), from its batch's page to its dead letter
        browser.open("/console/batches/" + badBatch);
        WebElement row = browser.waitUntil("row 3", d -> d.findElement(
                By.cssSelector("[data-testid=record-row][data-row='3']")));
        assertThat(row.getText()).contains("is not a valid email address");
        row.findElement(Browser.testId("dead-letter-link")).click();
        browser.waitUntil("the dead letter's page", d -> browser.path().startsWith("/console/dead-letters/"));
        assertThat(browser.find("dead-letter-state").getText()).isEqualTo("pending");
        assertThat(browser.find("dead-letter-reason").getText()).contains("is not a valid email address");
        WebElement email = browser.find("edit-form").findElement(By.cssSelector("input[name=email]"));
        assertThat(email.getAttribute("value")).isEqualTo("asa.oberg(at)example.com");

        email.clear();
        email.sendKeys("asa.oberg.fixed@example.com");
        browser.click("dry-run");
        browser.waitUntil("a dry run that would send", d -> browser.all("dry-run-item").stream()
                .anyMatch(i -> "would_send".equals(i.getAttribute("data-result"))));
        assertThat(browser.find("replay-result").getText()).contains("asa.oberg.fixed@example.com")
                .contains("nothing was sent");
        browser.script("arguments[0].scrollIntoView({block: 'center'})", browser.find("edit-form"));
        screenshot("dead-letter");
        browser.click("replay");

        WebElement outcome = browser.find("replay-outcome");
        assertThat(outcome.getAttribute("data-outcome")).isEqualTo("updated");
        assertThat(outcome.getText()).contains("updated");
        assertThat(browser.find("dead-letter-state").getText()).isEqualTo("replayed");
        assertThat(app.sandbox.participant("zigned", "cm4draftnordic0001example", "cm4p0001asaoberg00example")
                .orElseThrow().toString()).contains("asa.oberg.fixed@example.com");
        // the new outcome's batch is a replay
        browser.click("replay-batch-link");
        browser.waitUntil("the replay's batch", d -> browser.find("batch-facts")
                .findElement(By.cssSelector("[data-fact=source] dd")).getText().startsWith("replay"));
    }

    @Test
    @Order(5)
    void givenAProviderThatFails_whenItsBreakerOpens_thenTheConnectionShowsBreakerOpenAndOkAgainOnRecovery()
            throws Exception {
        browser.open("/console/");
        browser.waitUntil(FAILING + " ok", d -> "ok".equals(connectionRow(FAILING).getAttribute("data-state")));
        app.sandbox.knobs().rate503(1.0).provider("oneflow");
        try {
            String body = "[{\"provider\": \"oneflow\", \"connection\": \"" + FAILING + "\", \"contract_id\": \"100901\","
                    + " \"party_id\": \"200901\", \"participant_id\": \"300901\", \"title\": \"Head of Outages\"}]";
            HttpResponse<String> accepted = HttpApiIT.post(app.apiUrl(), "/api/v1/participant-updates",
                    "application/json", body, KEY, null);
            assertThat(accepted.statusCode()).isEqualTo(202);
            String batch = TestJson.tree(accepted.body()).path("batch_id").asText();

            String open = browser.waitUntil(FAILING + " breaker open", d -> {
                WebElement row = connectionRow(FAILING);
                return "breaker_open".equals(row.getAttribute("data-state")) ? row.getText() : null;
            });
            assertThat(open).contains("breaker open");
            String other = browser.waitUntil("the state of oneflow", d -> connectionRow("oneflow")
                    .getAttribute("data-state"));
            assertThat(other).isEqualTo("ok");

            app.sandbox.knobs().rate503(0);

            String ok = browser.waitUntil(FAILING + " ok again", d -> {
                WebElement row = connectionRow(FAILING);
                return "ok".equals(row.getAttribute("data-state")) ? row.getText() : null;
            });
            assertThat(ok).doesNotContain("breaker open");
            await("the waiting record updated").atMost(Duration.ofSeconds(30))
                    .until(() -> batchStatus(batch).path("counts").path("updated").asInt() == 1);
        } finally {
            app.sandbox.knobs().rate503(0).provider(null);
        }
    }

    @Test
    @Order(6)
    void givenASyncJob_whenRunNowIsClicked_thenItsRunIsListedCompleted() {
        browser.open("/console/sync-jobs");
        WebElement job = browser.waitUntil("the job nightly", d -> d.findElement(
                By.cssSelector("[data-testid=job-row][data-job=nightly]")));
        assertThat(job.findElement(Browser.testId("job-facts")).getText()).contains("by hand only");

        job.findElement(Browser.testId("run-now")).click();

        WebElement link = browser.find(job, "run-batch-link");
        String batch = link.getText();
        List<Integer> run = browser.waitUntil("the run completed in the job's last runs", d -> {
            WebElement r = d.findElement(By.cssSelector("[data-testid=job-row][data-job=nightly] "
                    + "[data-testid=batch-row][data-batch-id='" + batch + "']"));
            return "completed".equals(r.getAttribute("data-status")) ? counts(r) : null;
        });
        // received 2, each updated or unchanged (mixed.csv may have set a name already), none rejected or failed
        assertThat(run.get(0)).isEqualTo(2);
        assertThat(run.get(1) + run.get(2)).isEqualTo(2);
        link.click();
        browser.waitUntil("the run's batch page", d -> browser.path().equals("/console/batches/" + batch));
        assertThat(browser.find("batch-facts").getText()).contains("nightly");
    }

    @Test
    @Order(7)
    void givenAParticipantNamedLikeMarkup_whenShown_thenItIsTextAndNoScriptRuns() throws Exception {
        String name = "<script>alert(1)</script>";
        String email = "<img src=x onerror=\"window.__xss=1\">";
        String body = "{\"provider\": \"oneflow\", \"contract_id\": \"100101\", \"party_id\": \"200101\","
                + " \"participant_id\": \"300101\", \"name\": \"" + name.replace("/", "\\/") + "\", \"email\": \""
                + email.replace("\"", "\\\"") + "\"}";
        HttpResponse<String> posted = HttpApiIT.post(app.apiUrl(), "/api/v1/participant-updates?wait=30",
                "application/json", body, KEY, null);
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
        String batch = TestJson.tree(posted.body()).path("batch_id").asText();

        browser.open("/console/batches/" + batch);
        WebElement row = browser.waitUntil("the rejected record", d -> d.findElement(
                By.cssSelector("[data-testid=record-row][data-outcome=rejected]")));
        assertThat(row.findElement(By.cssSelector("td[data-col=message]")).getText()).contains(email);
        row.findElement(Browser.testId("dead-letter-link")).click();
        WebElement nameCell = browser.waitUntil("the record's name", d -> d.findElement(
                By.cssSelector("[data-testid=original-record] tr[data-field=name] td")));

        assertThat(nameCell.getText()).isEqualTo(name);
        assertThat(browser.find("dead-letter-reason").getText()).contains(email);
        assertThat(browser.find("edit-form").findElement(By.cssSelector("input[name=name]")).getAttribute("value"))
                .isEqualTo(name);
        assertThatThrownBy(() -> browser.driver().switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
        assertThat(browser.script("return window.__xss === undefined"
                + " && document.querySelectorAll('main script, main img[src=x]').length === 0")).isEqualTo(true);
    }

    @Test
    @Order(8)
    void givenAWrongKey_whenSigningIn_thenTheSignInStaysAndNoDataIsShown_andTheRightKeyShowsData() {
        try (Browser stranger = Browser.start(app.apiUrl())) {
            stranger.open("/console/batches");
            stranger.waitUntil("the sign-in", d -> stranger.path().startsWith("/console/sign-in"));
            assertThat(stranger.all("batch-row")).isEmpty();

            stranger.find("api-key").sendKeys("not-the-key");
            stranger.click("sign-in");

            assertThat(stranger.find("sign-in-error").getText()).contains("That key was refused");
            assertThat(stranger.path()).startsWith("/console/sign-in");
            assertThat(stranger.all("batch-row")).isEmpty();
            assertThat(stranger.driver().getPageSource()).doesNotContain(badBatch).doesNotContain("bad-rows.csv");

            WebElement key = stranger.find("api-key");
            key.clear();
            key.sendKeys(KEY);
            stranger.click("sign-in");

            stranger.waitUntil("back on the batches", d -> stranger.path().equals("/console/batches"));
            stranger.waitUntil("the batches", d -> d.findElements(By.cssSelector(
                    "[data-testid=batch-row][data-batch-id='" + badBatch + "']")).size() == 1);
            assertThat(stranger.driver().getCurrentUrl()).doesNotContain(KEY);
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    /** Signs in on the console's sign-in view with {@code key} and waits for the overview. */
    private static void signIn(Browser b, String key) {
        b.open("/console/sign-in");
        b.find("api-key").sendKeys(key);
        b.click("sign-in");
        b.waitUntil("the overview after signing in", d -> b.path().equals("/console/"));
    }

    /** The row of a batch in the batch table shown, once there. */
    private static WebElement batchRow(String batchId) {
        return browser.waitUntil("the row of batch " + batchId, d -> d.findElement(
                By.cssSelector("[data-testid=batch-table] [data-testid=batch-row][data-batch-id='" + batchId + "']")));
    }

    private static WebElement connectionRow(String name) {
        return browser.waitUntil("the line of connection " + name, d -> d.findElement(
                By.cssSelector("[data-testid=connection-row][data-connection='" + name + "']")));
    }

    /** A batch row as shown: its source name, its status (its badge's value) and its counts. */
    private static String describe(WebElement row) {
        return row.findElement(By.tagName("a")).getText() + " "
                + row.findElement(Browser.testId("badge")).getAttribute("data-value") + " " + counts(row);
    }

    /** A batch row's counts as shown: received, updated, unchanged, rejected, failed. */
    private static List<Integer> counts(WebElement row) {
        return List.of("received", "updated", "unchanged", "rejected", "failed").stream()
                .map(k -> Integer.valueOf(row.findElement(By.cssSelector("td[data-count=" + k + "]")).getText()
                        .replaceAll("[^0-9]", "")))
                .toList();
    }

    /** A count of the batch page's summary, as shown. */
    private static String batchCount(String key) {
        return browser.find("batch-counts").findElement(By.cssSelector("[data-count=" + key + "] .count-value"))
                .getText();
    }

    /**
     * Writes a screenshot (1280 x 800 PNG) for the README: into docs/ when {@code CONSOLE_SCREENSHOTS=docs}
     * (environment or system property), else into target/console-screenshots/ so that a normal run changes no
     * committed file.
     */
    private static void screenshot(String view) throws Exception {
        String target = System.getProperty("CONSOLE_SCREENSHOTS", System.getenv("CONSOLE_SCREENSHOTS"));
        Path folder = "docs".equals(target) ? Path.of("docs") : Path.of("target", "console-screenshots");
        Path file = browser.screenshot(folder.resolve("console-" + view + ".png"));
        BufferedImage image = ImageIO.read(file.toFile());
        assertThat(image.getWidth()).isEqualTo(Browser.WIDTH);
        assertThat(image.getHeight()).isEqualTo(Browser.HEIGHT);
    }

    /**
     * Drops a file into the inbox as producers should (written elsewhere, then renamed) and waits until the service
     * has finished its batch; answers the batch id.
     */
    private static String drop(Path file) throws Exception {
        String name = file.getFileName().toString();
        Path part = inbox.resolve(name + ".part");
        Files.copy(file, part, StandardCopyOption.REPLACE_EXISTING);
        Files.move(part, inbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        return await("the batch of " + name).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    for (JsonNode b : api("/api/v1/batches?kind=csv&q=" + name).path("items")) {
                        if (b.path("source").path("name").asText().equals(name)
                                && !b.path("status").asText().equals("running")) {
                            return b.path("batch_id").asText();
                        }
                    }
                    return null;
                }, id -> id != null);
    }

    private static JsonNode batchStatus(String batchId) throws Exception {
        return api("/api/v1/batches/" + batchId + "/summary");
    }

    private static JsonNode api(String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(app.apiUrl() + path))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + KEY).GET().build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return TestJson.tree(r.body());
    }
}
