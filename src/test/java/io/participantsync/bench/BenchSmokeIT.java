package io.participantsync.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs every benchmark scenario with tiny sizes, so the harness keeps working: results.json has every key. */
class BenchSmokeIT {

    @TempDir
    Path out;

    @Test
    void givenTinySizes_whenBenchmarkRuns_thenResultsJsonHasEveryKeyWithANumber() throws Exception {
        BenchConfig config = BenchConfig.from(Map.of(), "--overhead-rows=200", "--overhead-rounds=2",
                "--capacity-concurrency=8",
                "--latency-rows=200", "--latency-ms=5", "--naive-sample=20", "--memory-rows=200",
                "--startup-runs=1", "--ratelimit-rows=100", "--distinct=50", "--sandbox-threads=16",
                "--isolation-rows-per-provider=10", "--isolation-rounds=1", "--isolation-budget-seconds=2",
                "--isolation-slow-ms=300",
                // the classes of this build, not a jar packaged earlier
                "--use-jar=false", "--out-dir=" + out);
        ByteArrayOutputStream console = new ByteArrayOutputStream();

        boolean ran = new BenchMain(config, new PrintStream(console, true, StandardCharsets.UTF_8)).run();

        ObjectMapper json = new ObjectMapper();
        JsonNode results = json.readTree(out.resolve("results.json").toFile());
        JsonNode details = json.readTree(out.resolve("details.json").toFile());
        assertThat(ran).as(console.toString(StandardCharsets.UTF_8)).isTrue();
        List<String> keys = new ArrayList<>(BenchMain.KEYS);
        keys.add("machine");
        List<String> actual = new ArrayList<>();
        results.fieldNames().forEachRemaining(actual::add);
        assertThat(actual).containsExactlyElementsOf(keys);
        for (String key : BenchMain.KEYS) {
            JsonNode value = results.get(key);
            if (key.equals("startup_ready_s") && value.isNull()) {
                // a build without the readiness endpoint says so instead of inventing a figure
                assertThat(details.path("notes").toString()).contains("/observe/health/ready");
                continue;
            }
            assertThat(value.isNumber()).as(key + " = " + value).isTrue();
            assertThat(value.asDouble()).as(key).isPositive();
        }
        assertThat(results.path("ratelimit_max_window").isIntegralNumber()).isTrue();
        assertThat(results.path("machine").path("cores").asInt()).isPositive();
        assertThat(results.path("machine").path("memory_mb").asLong()).isPositive();
        assertThat(results.path("machine").path("jdk").asText()).contains("17");
        JsonNode rounds = details.path("overhead").path("rounds");
        assertThat(rounds).hasSize(2);
        for (JsonNode round : rounds) {
            assertThat(round.path("raw").path("requests").asInt()).isEqualTo(200);
            assertThat(round.path("sync").path("updated").asInt()).isEqualTo(200);
            // where sync's CPU went, by thread (polled every half second: a 200-row run may end between polls,
            // but its start on the main thread, "java", is always seen); no more than the process's own CPU
            JsonNode threads = round.path("sync").path("cpu_seconds_by_thread");
            assertThat(threads.path("java").asDouble()).isPositive();
            double sum = 0;
            for (JsonNode t : threads) {
                sum += t.asDouble();
            }
            assertThat(sum).isLessThanOrEqualTo(round.path("sync").path("process_cpu_seconds").asDouble() + 0.01);
        }
        // two rounds: the ratio is the mean of theirs (rounded to 3 places each)
        assertThat(results.path("overhead_ratio").asDouble()).isCloseTo(
                (rounds.get(0).path("ratio").asDouble() + rounds.get(1).path("ratio").asDouble()) / 2,
                org.assertj.core.api.Assertions.within(0.002));
        // isolation: the healthy providers' calls counted in the run without an outage, and seen again with it
        JsonNode isolation = details.path("isolation").path("rounds").get(0);
        for (String healthy : List.of("zigned", "signinghub", "eviasign", "zoho")) {
            assertThat(isolation.path("healthy_calls").path(healthy).asInt()).as(healthy).isEqualTo(10);
        }
        assertThat(isolation.path("ratio_down").asDouble()).isEqualTo(results.path("isolation_ratio").asDouble());
        assertThat(console.toString(StandardCharsets.UTF_8)).contains("overhead_ratio", "isolation_ratio",
                "results:");
    }
}
