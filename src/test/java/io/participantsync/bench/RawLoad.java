package io.participantsync.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.participantsync.ParticipantSync;
import io.participantsync.auth.TokenService;
import io.participantsync.config.Connections;
import io.participantsync.config.Settings;
import io.participantsync.core.Dispatcher;
import io.participantsync.core.Plan;
import io.participantsync.http.HttpTransport;
import io.participantsync.intake.CsvOptions;
import io.participantsync.intake.CsvRecordReader;
import io.participantsync.intake.RecordStream;
import io.participantsync.model.ParticipantUpdate;
import io.participantsync.provider.ProviderRegistry;
import io.participantsync.provider.ProviderRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The ceiling (and, at concurrency 1, the naive script): a plain {@link HttpClient} sending prebuilt requests with
 * {@code concurrency} threads, each sending its next request as soon as the previous one answered. The requests are
 * the very ones {@code sync} sends for the same CSV (built by the same adapters, tokens fetched once before timing),
 * so the only difference to {@code sync} is everything {@code sync} does around the call. Runs as its own process:
 * {@code RawLoad --config F --csv F --concurrency N [--limit N] --out result.json}.
 */
public final class RawLoad {

    private RawLoad() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i], args[i + 1]);
        }
        Path config = Path.of(a.get("--config"));
        Path csv = Path.of(a.get("--csv"));
        int concurrency = Integer.parseInt(a.getOrDefault("--concurrency", "16"));
        int limit = Integer.parseInt(a.getOrDefault("--limit", Integer.toString(Integer.MAX_VALUE)));
        Path out = Path.of(a.get("--out"));

        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        long p0 = System.nanoTime();
        List<HttpRequest> requests = prebuild(config, csv, limit, client);
        double prebuildSeconds = (System.nanoTime() - p0) / 1e9;

        AtomicInteger next = new AtomicInteger();
        LongAdder ok = new LongAdder();
        LongAdder retries = new LongAdder();
        Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
        List<String> errors = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        for (int w = 0; w < concurrency; w++) {
            Thread t = new Thread(() -> {
                for (int i = next.getAndIncrement(); i < requests.size(); i = next.getAndIncrement()) {
                    int status = 0;
                    // one retry on a connection the server closed while idle, as sync's own retry would
                    for (int attempt = 1; attempt <= 2 && status == 0; attempt++) {
                        try {
                            status = client.send(requests.get(i), HttpResponse.BodyHandlers.ofByteArray())
                                    .statusCode();
                        } catch (IOException e) {
                            retries.increment();
                            synchronized (errors) {
                                if (errors.size() < 5) {
                                    errors.add(e.toString());
                                }
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                    statuses.computeIfAbsent(status, s -> new LongAdder()).increment();
                    if (status >= 200 && status < 300) {
                        ok.increment();
                    }
                }
            }, "raw-" + w);
            workers.add(t);
            t.start();
        }
        for (Thread t : workers) {
            t.join();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpuSeconds = (os.getProcessCpuTime() - cpu0) / 1e9;

        ObjectMapper json = new ObjectMapper();
        ObjectNode r = json.createObjectNode();
        r.put("requests", requests.size());
        r.put("ok", ok.intValue());
        r.put("concurrency", concurrency);
        r.put("io_errors", retries.intValue());
        r.put("seconds", seconds);
        r.put("rows_per_s", requests.size() / seconds);
        r.put("prebuild_seconds", prebuildSeconds);
        r.put("cpu_seconds_while_sending", cpuSeconds);
        r.put("cpu_ms_per_row", cpuSeconds * 1000 / Math.max(1, requests.size()));
        ObjectNode s = r.putObject("statuses");
        new TreeMap<>(statuses).forEach((k, v) -> s.put(Integer.toString(k), v.longValue()));
        errors.forEach(r.putArray("errors")::add);
        Files.writeString(out, json.writerWithDefaultPrettyPrinter().writeValueAsString(r));
    }

    /** The HTTP calls {@code sync} would make for the first {@code limit} rows of {@code csv}. */
    static List<HttpRequest> prebuild(Path config, Path csv, int limit, HttpClient client) throws IOException {
        Settings settings = Settings.load(config, Map.of());
        ProviderRegistry providers = ParticipantSync.providers(settings);
        Connections connections = Connections.load(settings, providers);
        Dispatcher dispatcher = new Dispatcher(providers, connections);
        TokenService tokens = new TokenService(jdkTransport(client), Clock.systemUTC(), Duration.ofSeconds(60));
        Map<String, Map<String, String>> auth = new HashMap<>();
        List<HttpRequest> requests = new ArrayList<>();
        CsvRecordReader reader = new CsvRecordReader(CsvOptions.parse("auto", null, "csv"));
        try (RecordStream rows = reader.open(csv)) {
            for (ParticipantUpdate u : rows) {
                if (requests.size() >= limit) {
                    break;
                }
                Plan plan = dispatcher.plan(u);
                if (!(plan instanceof Plan.Deliver d)) {
                    throw new IllegalStateException("row " + u.source().row() + " would not be sent: " + plan);
                }
                Map<String, String> authHeaders = auth.computeIfAbsent(d.connection().name(),
                        n -> tokens.headers(d.connection(), d.adapter().authMethod(d.connection())));
                ProviderRequest pr = d.request();
                String url = d.connection().baseUrl() + pr.path() + (pr.query() == null ? "" : "?" + pr.query());
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                        .method(pr.method(), pr.body() == null ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(pr.body(), StandardCharsets.UTF_8));
                pr.headers().forEach(b::header);
                authHeaders.forEach(b::header);
                requests.add(b.build());
            }
        }
        return requests;
    }

    private static HttpTransport jdkTransport(HttpClient client) {
        return (method, url, headers, body) -> {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
            headers.forEach(b::header);
            try {
                HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
                Map<String, String> h = new LinkedHashMap<>();
                r.headers().map().forEach((k, v) -> h.put(k, String.join(",", v)));
                return new io.participantsync.http.HttpResponse(r.statusCode(), r.body(), h);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        };
    }
}
