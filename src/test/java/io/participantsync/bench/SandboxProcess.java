package io.participantsync.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.participantsync.sandbox.SandboxServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sandbox as its own process ({@code sandbox --port 0 --threads N}), so its state and CPU are not counted as the
 * client's; driven over its admin endpoints ({@code /_sandbox/knobs}, {@code reset}, {@code request-times}).
 */
final class SandboxProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final String url;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private SandboxProcess(Process process, String url) {
        this.process = process;
        this.url = url;
    }

    static SandboxProcess start(Launcher launcher, Path dir, int threads, List<String> jvmOptions)
            throws IOException, InterruptedException {
        Process p = Launcher.start(launcher.app(jvmOptions, List.of("sandbox", "--port", "0", "--threads",
                Integer.toString(threads))), dir, "sandbox");
        Path out = dir.resolve("sandbox.out");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("the sandbox exited: " + Launcher.tail(dir.resolve("sandbox.err"), 20));
            }
            Matcher m = LISTENING.matcher(Files.exists(out) ? Files.readString(out) : "");
            if (m.find()) {
                return new SandboxProcess(p, m.group(1));
            }
            Thread.sleep(50);
        }
        p.destroyForcibly();
        throw new IllegalStateException("the sandbox did not start within 60 s");
    }

    String url() {
        return url;
    }

    long pid() {
        return process.pid();
    }

    /** CPU seconds the sandbox process has used so far (-1 when unknown). */
    double cpuSeconds() {
        try {
            return PeakRss.cpuTicks(Path.of("/proc", Long.toString(process.pid()), "stat")) / 100.0;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The {@code connections.*} properties pointing at this sandbox, with its (sandbox-only) credentials. */
    Map<String, String> connectionProperties() {
        return SandboxServer.connectionProperties(url);
    }

    /**
     * Back to the seeded state, then the benchmark knobs: participants created on first touch, no edit log, a Zoho
     * token limit no run reaches; {@code extra} adds or overrides knobs.
     */
    void prepare(Map<String, Object> extra) throws IOException, InterruptedException {
        post("/_sandbox/reset", "");
        ObjectNode knobs = JSON.createObjectNode();
        knobs.put("autoCreate", true);
        knobs.put("recordEdits", false);
        knobs.put("zohoTokenLimit", 1_000_000);
        extra.forEach((k, v) -> knobs.set(k, JSON.valueToTree(v)));
        post("/_sandbox/knobs", JSON.writeValueAsString(knobs));
    }

    /**
     * Arrival times (nanoseconds, ascending) of the provider's API calls ({@code null}: every provider's), recorded
     * while the knob is on.
     */
    List<Long> requestTimes(String provider) throws IOException, InterruptedException {
        JsonNode node = JSON.readTree(get("/_sandbox/request-times"
                + (provider == null ? "" : "?provider=" + provider)));
        List<Long> times = new ArrayList<>();
        node.path("nanos").forEach(n -> times.add(n.asLong()));
        return times;
    }

    JsonNode counts() throws IOException, InterruptedException {
        return JSON.readTree(get("/_sandbox/counts"));
    }

    private String get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url + path)).GET());
    }

    private String post(String path, String body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
    }

    private String send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (r.statusCode() != 200) {
            throw new IOException("sandbox admin call answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    @Override
    public void close() throws InterruptedException {
        Launcher.stop(process);
    }
}
