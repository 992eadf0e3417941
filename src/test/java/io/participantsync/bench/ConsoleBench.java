package io.participantsync.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.participantsync.config.Settings;
import io.participantsync.state.StateStore;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The console benchmark of issue 11 ({@code bench/console}): fills a state store with 100,000 batches and 1,000,000
 * records ({@link ConsoleFill}) on H2 (a file under a {@code data.dir}, as {@code run} opens it) and on PostgreSQL (a
 * schema of its own, created and dropped here), starts {@code run --sandbox} on it as its own process, and times
 * every list endpoint of the console's JSON API: p50, p95 and max of {@code requests} sequential GETs each after
 * {@code warmup} unmeasured ones, against the target p95 &lt; 200 ms. Prints a table and writes
 * {@code target/bench/console.json}. Sizes and switches: {@code BENCH_CONSOLE_*} variables or {@code --name=value}
 * flags ({@code bench/console --help}).
 */
public final class ConsoleBench {

    static final double TARGET_P95_MS = 200;
    private static final ObjectMapper JSON = new ObjectMapper();

    static final Map<String, String> DEFAULTS = defaults();

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("BENCH_CONSOLE_BATCHES", "100000");
        d.put("BENCH_CONSOLE_RECORDS", "1000000");
        // records of the one big batch (a CSV file)
        d.put("BENCH_CONSOLE_BIG", "100000");
        // timed GETs per endpoint, after this many untimed ones
        d.put("BENCH_CONSOLE_REQUESTS", "200");
        d.put("BENCH_CONSOLE_WARMUP", "20");
        // pages followed by their `next` cursor to reach the deep page of a list
        d.put("BENCH_CONSOLE_DEEP_PAGES", "50");
        // at most this long on one endpoint (warm-up included): a slow one is measured on fewer requests, and says so
        d.put("BENCH_CONSOLE_BUDGET_SECONDS", "60");
        // h2, pg or both (comma-separated)
        d.put("BENCH_CONSOLE_STORES", "h2,pg");
        d.put("BENCH_CONSOLE_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
        // default: PGUSER from the environment, else postgres (trust authentication, as the tests use it)
        d.put("BENCH_CONSOLE_PG_USER", "");
        // the harness's own schema, created at the start and dropped at the end
        d.put("BENCH_CONSOLE_PG_SCHEMA", "bench_console");
        d.put("BENCH_CONSOLE_SEED", "11");
        d.put("BENCH_CONSOLE_USE_JAR", "true");
        // keep the H2 files and the PostgreSQL schema afterwards (for EXPLAIN by hand)
        d.put("BENCH_CONSOLE_KEEP", "false");
        d.put("BENCH_CONSOLE_REPO_DIR", ".");
        d.put("BENCH_CONSOLE_OUT_DIR", "target/bench");
        // H2's result cache for repeated identical queries (8 by default): off, because 200 identical GETs against
        // an unchanged store would measure the cache, which a live store (a batch closing every few seconds) misses
        d.put("BENCH_CONSOLE_H2_QUERY_CACHE", "0");
        // JVM options of the service (none: as the wrapper starts it, the JVM's defaults)
        d.put("BENCH_CONSOLE_APP_JAVA_OPTS", "");
        return Map.copyOf(d);
    }

    private final Map<String, String> cfg;
    private final PrintStream out;
    private final Path repo;
    private final Path outDir;
    private final Path work;
    private final Launcher launcher;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectNode result = JSON.createObjectNode();

    ConsoleBench(Map<String, String> cfg, PrintStream out) {
        this.cfg = cfg;
        this.out = out;
        this.repo = Path.of(cfg.get("BENCH_CONSOLE_REPO_DIR")).toAbsolutePath().normalize();
        this.outDir = repo.resolve(cfg.get("BENCH_CONSOLE_OUT_DIR")).toAbsolutePath().normalize();
        this.work = outDir.resolve("console-work");
        this.launcher = Launcher.of(BenchConfig.from(Map.of(), "--use-jar=" + cfg.get("BENCH_CONSOLE_USE_JAR"),
                "--repo-dir=" + repo, "--out-dir=" + outDir));
    }

    public static void main(String[] args) throws Exception {
        if (List.of(args).contains("--help")) {
            System.out.println("bench/console [--name=value ...]   (or BENCH_CONSOLE_NAME=value in the environment)");
            new java.util.TreeMap<>(DEFAULTS).forEach((k, v) -> System.out.println("  " + k + " = " + v));
            return;
        }
        System.exit(new ConsoleBench(config(System.getenv(), args), System.out).run() ? 0 : 1);
    }

    /** Defaults, overridden by {@code env} ({@code BENCH_CONSOLE_*} only), overridden by {@code --name=value}. */
    static Map<String, String> config(Map<String, String> env, String... args) {
        Map<String, String> v = BenchConfig.merge(DEFAULTS, "BENCH_CONSOLE_", env, args);
        if (v.get("BENCH_CONSOLE_PG_USER").isBlank()) {
            String user = env.get("PGUSER");
            v.put("BENCH_CONSOLE_PG_USER", user == null || user.isBlank() ? "postgres" : user);
        }
        return v;
    }

    private int i(String key) {
        return Integer.parseInt(cfg.get(key).trim());
    }

    /** Fills and measures each store; false when one broke (or PostgreSQL was asked for alone and not there). */
    boolean run() throws Exception {
        deleteTree(work);
        Files.createDirectories(work);
        result.put("started_at", Instant.now().toString());
        result.set("machine", BenchMain.machine());
        result.put("load_average_at_start", loadAverage());
        ObjectNode c = result.putObject("config");
        cfg.forEach((k, v) -> c.put(k.substring("BENCH_CONSOLE_".length()).toLowerCase(Locale.ROOT), v));
        result.put("target_p95_ms", TARGET_P95_MS);
        ObjectNode stores = result.putObject("stores");
        boolean ok = true;
        for (String store : cfg.get("BENCH_CONSOLE_STORES").split(",")) {
            String s = store.trim().toLowerCase(Locale.ROOT);
            if (s.isEmpty()) {
                continue;
            }
            out.println("== " + s);
            long t0 = System.nanoTime();
            try {
                ObjectNode r = switch (s) {
                    case "h2" -> h2();
                    case "pg", "postgresql" -> pg();
                    default -> throw new IllegalArgumentException("BENCH_CONSOLE_STORES: '" + s + "' is not h2 or pg");
                };
                stores.set(s.equals("postgresql") ? "pg" : s, r);
            } catch (Exception | AssertionError e) {
                ok = false;
                stores.putObject(s).put("error", e.toString());
                out.println("   FAILED: " + e);
            } finally {
                out.printf("   (%.1f s)%n", (System.nanoTime() - t0) / 1e9);
            }
        }
        result.put("finished_at", Instant.now().toString());
        result.put("load_average_at_end", loadAverage());
        Files.createDirectories(outDir);
        Path file = outDir.resolve("console.json");
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result) + "\n");
        printTable(stores);
        out.println("results: " + file);
        if (!Boolean.parseBoolean(cfg.get("BENCH_CONSOLE_KEEP"))) {
            deleteTree(work);
        }
        return ok;
    }

    // ---- the stores ----------------------------------------------------------------------------------------

    private ObjectNode h2() throws Exception {
        Path dir = work.resolve("h2");
        Path data = dir.resolve("data");
        Path deadLetters = dir.resolve("dead-letter");
        // opened exactly as `run` opens it from data.dir (Flyway migrates it), filled, closed; then `run` opens it
        ConsoleFill.Filled filled;
        try (StateStore store = StateStore.open(Settings.of(Map.of("data.dir", data.toString()), Map.of()),
                Clock.systemUTC()); Connection con = store.dataSource().getConnection()) {
            filled = fill(con, deadLetters);
        }
        ObjectNode r = JSON.createObjectNode();
        r.put("store", "H2 " + org.h2.engine.Constants.FULL_VERSION + ", file under data.dir (as run opens it)");
        r.put("database_mb", Math.round(size(data) / 1e5) / 10.0);
        // the URL run builds from data.dir (StateStore.open), with H2's query cache as configured
        String url = "jdbc:h2:file:" + data.resolve("state").resolve("participant-sync") + ";AUTO_SERVER=TRUE"
                + ";WRITE_DELAY=0;QUERY_CACHE_SIZE=" + i("BENCH_CONSOLE_H2_QUERY_CACHE");
        r.put("jdbc_url", url);
        measure(r, dir, filled, Map.of("data.dir", data.toString(), "dead-letter.dir", deadLetters.toString(),
                "state.jdbc-url", url));
        return r;
    }

    private ObjectNode pg() throws Exception {
        String base = cfg.get("BENCH_CONSOLE_PG_URL");
        String user = cfg.get("BENCH_CONSOLE_PG_USER");
        String schema = cfg.get("BENCH_CONSOLE_PG_SCHEMA");
        if (!schema.matches("[a-z_][a-z0-9_]{0,40}")) {
            throw new IllegalArgumentException("BENCH_CONSOLE_PG_SCHEMA must be a plain lower-case name");
        }
        ObjectNode r = JSON.createObjectNode();
        String version;
        try (Connection con = DriverManager.getConnection(base, user, null); Statement s = con.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            s.execute("CREATE SCHEMA " + schema);
            version = con.getMetaData().getDatabaseProductVersion();
        } catch (SQLException e) {
            String line = "PostgreSQL at " + base + " (user " + user + ") is not reachable, skipped: "
                    + e.getMessage();
            out.println("   " + line);
            r.put("skipped", line);
            return r;
        }
        String url = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        try {
            Path dir = work.resolve("pg");
            Path deadLetters = dir.resolve("dead-letter");
            ConsoleFill.Filled filled;
            try (StateStore store = StateStore.open(url, user, null, 2, Clock.systemUTC())) {
                // the store's schema (Flyway); the rows over a connection of its own that batches inserts for real
                filled = null;
            }
            try (Connection con = DriverManager.getConnection(url + "&reWriteBatchedInserts=true", user, null)) {
                filled = fill(con, deadLetters);
            }
            r.put("store", "PostgreSQL " + version + ", schema " + schema);
            try (Connection con = DriverManager.getConnection(url, user, null); Statement s = con.createStatement();
                    var rs = s.executeQuery("SELECT pg_total_relation_size('batch') + "
                            + "pg_total_relation_size('batch_record')")) {
                rs.next();
                r.put("database_mb", Math.round(rs.getLong(1) / 1e5) / 10.0);
            }
            Map<String, String> props = new LinkedHashMap<>();
            props.put("state.jdbc-url", url);
            props.put("state.jdbc-user", user);
            props.put("data.dir", dir.resolve("data").toString());
            props.put("dead-letter.dir", deadLetters.toString());
            measure(r, dir, filled, props);
            return r;
        } finally {
            if (!Boolean.parseBoolean(cfg.get("BENCH_CONSOLE_KEEP"))) {
                try (Connection con = DriverManager.getConnection(base, user, null);
                        Statement s = con.createStatement()) {
                    s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
                }
            }
        }
    }

    private ConsoleFill.Filled fill(Connection con, Path deadLetters) throws Exception {
        ConsoleFill fill = new ConsoleFill(i("BENCH_CONSOLE_BATCHES"), i("BENCH_CONSOLE_RECORDS"),
                i("BENCH_CONSOLE_BIG"), Long.parseLong(cfg.get("BENCH_CONSOLE_SEED")), Instant.now(), deadLetters);
        ConsoleFill.Filled f = fill.fill(con);
        long t0 = System.nanoTime();
        ConsoleFill.analyze(con);
        double analyze = (System.nanoTime() - t0) / 1e9;
        out.printf("   filled %,d batches and %,d records (%,d dead letters, %,d pending) in %.1f s; ANALYZE %.1f s%n",
                f.batches(), f.records(), f.deadLetters(), f.pending(), f.seconds(), analyze);
        return f;
    }

    // ---- the service and the requests ----------------------------------------------------------------------

    private void measure(ObjectNode r, Path dir, ConsoleFill.Filled f, Map<String, String> store) throws Exception {
        ObjectNode fill = r.putObject("fill");
        fill.put("batches", f.batches());
        fill.put("records", f.records());
        fill.put("dead_letters", f.deadLetters());
        fill.put("pending_dead_letters", f.pending());
        fill.put("seconds", Math.round(f.seconds() * 10) / 10.0);
        fill.put("big_batch", f.bigBatch());
        int api = Launcher.freePort();
        int management = Launcher.freePort();
        Map<String, String> p = new LinkedHashMap<>();
        p.put("camel.server.port", Integer.toString(api));
        p.put("camel.management.port", Integer.toString(management));
        p.put("jms.port", Integer.toString(Launcher.freePort()));
        p.put("csv.inbox", dir.resolve("inbox").toString());
        p.put("queue.report-dir", dir.resolve("reports").toString());
        p.put("sync.report-dir", dir.resolve("reports").toString());
        p.put("routes.include-pattern", "file:" + repo.resolve("routes") + "/*.camel.yaml");
        // the jobs whose runs are in the history (by hand only: no cron, so none runs while we measure)
        for (String job : ConsoleFill.JOBS) {
            p.put("sync-jobs." + job + ".source", "http");
            p.put("sync-jobs." + job + ".url", "http://127.0.0.1:9/export/" + job);
            p.put("sync-jobs." + job + ".format", "json");
            p.put("sync-jobs." + job + ".provider", "oneflow");
            p.put("sync-jobs." + job + ".connection", "oneflow");
        }
        p.putAll(store);
        Path config = dir.resolve("bench.properties");
        Files.createDirectories(dir);
        Properties props = new Properties();
        props.putAll(p);
        try (OutputStream o = Files.newOutputStream(config)) {
            props.store(o, "console benchmark; sandbox only");
        }
        List<String> jvm = new ArrayList<>();
        String opts = cfg.get("BENCH_CONSOLE_APP_JAVA_OPTS").trim();
        if (!opts.isEmpty()) {
            jvm.addAll(List.of(opts.split("\\s+")));
        }
        jvm.add("-Dps.log.dir=" + dir.resolve("logs"));
        Process run = Launcher.start(launcher.app(jvm, List.of("run", "--sandbox", "--config", config.toString())),
                dir, "run");
        String base = "http://127.0.0.1:" + api;
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
            while (status(base + "/api/v1/session") != 200) {
                if (!run.isAlive()) {
                    throw new IllegalStateException("run --sandbox exited with " + run.exitValue() + ": "
                            + Launcher.tail(dir.resolve("run.err"), 20));
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("run --sandbox did not answer within 180 s: "
                            + Launcher.tail(dir.resolve("run.err"), 20));
                }
                Thread.sleep(100);
            }
            ObjectNode endpoints = r.putObject("endpoints");
            for (Case c : cases(base, f)) {
                String path = c.path();
                ObjectNode e = time(base, path);
                e.put("path", path);
                e.put("what", c.what());
                endpoints.set(c.name(), e);
                out.printf("   %-24s p50 %7.1f  p95 %7.1f  max %7.1f ms  %s%n", c.name(), e.path("p50_ms").asDouble(),
                        e.path("p95_ms").asDouble(), e.path("max_ms").asDouble(),
                        e.path("p95_ms").asDouble() < TARGET_P95_MS ? "" : "OVER");
            }
        } finally {
            Launcher.stop(run);
        }
    }

    /** One measured request: its name in the table, what it shows, and its path (query included). */
    record Case(String name, String what, String path) {
    }

    private List<Case> cases(String base, ConsoleFill.Filled f) throws Exception {
        ConsoleFill.requireNotNull(f.csvNameQuery(), "CSV batch to search for");
        ConsoleFill.requireNotNull(f.participantQuery(), "pending dead letter to search for");
        ConsoleFill.requireNotNull(f.smallBatch(), "small HTTP batch");
        int deep = i("BENCH_CONSOLE_DEEP_PAGES");
        String day = f.dayStart().toString().substring(0, 10);
        String nextDay = f.dayStart().plus(Duration.ofDays(1)).toString().substring(0, 10);
        String big = "/api/v1/batches/" + f.bigBatch();
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("batches", "first page, no filter", "/api/v1/batches"));
        cases.add(new Case("batches_kind", "kind=jms", "/api/v1/batches?kind=jms"));
        cases.add(new Case("batches_problems", "status=problems", "/api/v1/batches?status=problems"));
        cases.add(new Case("batches_q", "q= a text in one batch's name only (every name is looked at)",
                "/api/v1/batches?q=" + enc(f.csvNameQuery())));
        cases.add(new Case("batches_day", "since/until one day", "/api/v1/batches?since=" + day + "&until="
                + nextDay));
        cases.add(new Case("batches_deep", "page " + (deep + 1) + " by the next cursors",
                deepPage(base, "/api/v1/batches", "before", deep)));
        cases.add(new Case("records", "first page of the " + String.format("%,d", i("BENCH_CONSOLE_BIG"))
                + "-record batch", big + "/records"));
        cases.add(new Case("records_failures", "outcome=rejected,failed", big + "/records?outcome=rejected,failed"));
        cases.add(new Case("records_deep", "page " + (deep + 1) + " by the next cursors",
                deepPage(base, big + "/records", "after", deep)));
        cases.add(new Case("summary_big", "summary of the big batch", big + "/summary"));
        cases.add(new Case("summary", "summary of a small HTTP batch", "/api/v1/batches/" + f.smallBatch()
                + "/summary"));
        cases.add(new Case("dead_letters", "first page (pending)", "/api/v1/dead-letters"));
        cases.add(new Case("dead_letters_provider", "provider=zoho", "/api/v1/dead-letters?provider=zoho"));
        cases.add(new Case("dead_letters_failed", "category=failed", "/api/v1/dead-letters?category=failed"));
        cases.add(new Case("dead_letters_q", "q= one participant's address (every pending letter is looked at)",
                "/api/v1/dead-letters?q=" + enc(f.participantQuery())));
        cases.add(new Case("dead_letters_all", "state=all", "/api/v1/dead-letters?state=all"));
        cases.add(new Case("dead_letters_deep", "page " + (deep + 1) + " by the next cursors",
                deepPage(base, "/api/v1/dead-letters", "before", deep)));
        cases.add(new Case("dead_letter", "one letter of the big batch (its file read)",
                "/api/v1/dead-letters/" + bigBatchLetter(base, f)));
        cases.add(new Case("outcomes_hour", "range=hour", "/api/v1/outcomes?range=hour"));
        cases.add(new Case("outcomes_day", "range=day", "/api/v1/outcomes?range=day"));
        cases.add(new Case("outcomes_week", "range=week", "/api/v1/outcomes?range=week"));
        cases.add(new Case("connections", "five connections", "/api/v1/connections"));
        cases.add(new Case("sync_jobs", "three jobs with their last runs", "/api/v1/sync-jobs"));
        return cases;
    }

    /** The path of page {@code pages + 1}: the first page's path with the cursor {@code pages} answers lead to. */
    private String deepPage(String base, String path, String param, int pages) throws Exception {
        String cursor = null;
        for (int p = 0; p < pages; p++) {
            JsonNode page = get(base, path + (cursor == null ? "" : (path.contains("?") ? "&" : "?") + param + "="
                    + enc(cursor)));
            if (page.path("next").isNull()) {
                break;
            }
            cursor = page.path("next").asText();
        }
        return cursor == null ? path : path + (path.contains("?") ? "&" : "?") + param + "=" + enc(cursor);
    }

    /** A pending dead letter of the big batch, from the last of its failures (far down its letters' file). */
    private long bigBatchLetter(String base, ConsoleFill.Filled f) throws Exception {
        String path = "/api/v1/batches/" + f.bigBatch() + "/records?outcome=rejected,failed&limit=200";
        List<Long> letters = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = get(base, path + (cursor == null ? "" : "&after=" + cursor));
            for (JsonNode item : page.path("items")) {
                if (item.path("dead_letter_id").canConvertToLong()) {
                    letters.add(item.path("dead_letter_id").asLong());
                }
            }
            cursor = page.path("next").isNull() ? null : page.path("next").asText();
        } while (cursor != null);
        for (int k = letters.size() - 1; k >= 0; k--) {
            if (get(base, "/api/v1/dead-letters/" + letters.get(k)).path("replayed_by").isNull()) {
                return letters.get(k);
            }
        }
        throw new IllegalStateException("no pending dead letter in the big batch");
    }

    private ObjectNode time(String base, String path) throws Exception {
        int warmup = i("BENCH_CONSOLE_WARMUP");
        int n = i("BENCH_CONSOLE_REQUESTS");
        URI uri = URI.create(base + path);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).GET().build();
        double[] all = new double[n];
        long bytes = 0;
        int measured = 0;
        long budget = System.nanoTime() + Duration.ofSeconds(i("BENCH_CONSOLE_BUDGET_SECONDS")).toNanos();
        for (int k = 0; k < warmup + n; k++) {
            long t0 = System.nanoTime();
            HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            long t = System.nanoTime() - t0;
            if (r.statusCode() != 200) {
                throw new IllegalStateException("GET " + path + " answered " + r.statusCode() + ": "
                        + new String(r.body(), StandardCharsets.UTF_8));
            }
            if (k >= warmup) {
                all[measured++] = t / 1e6;
                bytes = r.body().length;
            }
            // a slow endpoint: its warm-up is cut short first, then its sample (at least 5 measured)
            if (System.nanoTime() > budget && (k >= warmup ? measured >= 5 : k >= 1)) {
                if (k < warmup) {
                    k = warmup - 1;
                } else {
                    break;
                }
            }
        }
        double[] ms = Arrays.copyOf(all, measured);
        n = measured;
        Arrays.sort(ms);
        ObjectNode e = JSON.createObjectNode();
        e.put("requests", n);
        if (n < i("BENCH_CONSOLE_REQUESTS")) {
            e.put("cut_short", "the time budget of " + i("BENCH_CONSOLE_BUDGET_SECONDS") + " s ran out");
        }
        e.put("p50_ms", round1(percentile(ms, 0.50)));
        e.put("p95_ms", round1(percentile(ms, 0.95)));
        e.put("max_ms", round1(ms[n - 1]));
        e.put("response_bytes", bytes);
        e.put("met", percentile(ms, 0.95) < TARGET_P95_MS);
        return e;
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(double[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private JsonNode get(String base, String path) throws Exception {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + " answered " + r.statusCode() + ": "
                    + new String(r.body(), StandardCharsets.UTF_8));
        }
        return JSON.readTree(r.body());
    }

    private int status(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    // ---- output --------------------------------------------------------------------------------------------

    private void printTable(ObjectNode stores) {
        List<String> names = new ArrayList<>();
        stores.forEach(s -> s.path("endpoints").fieldNames().forEachRemaining(n -> {
            if (!names.contains(n)) {
                names.add(n);
            }
        }));
        List<String> cols = new ArrayList<>();
        stores.fieldNames().forEachRemaining(cols::add);
        out.println();
        StringBuilder head = new StringBuilder(String.format("%-24s", "endpoint (ms)"));
        cols.forEach(c -> head.append(String.format(" %24s", c + " p50 / p95 / max")));
        out.println(head + "   target p95 < " + (int) TARGET_P95_MS);
        for (String n : names) {
            StringBuilder line = new StringBuilder(String.format("%-24s", n));
            boolean met = true;
            for (String c : cols) {
                JsonNode e = stores.path(c).path("endpoints").path(n);
                if (e.isMissingNode()) {
                    line.append(String.format(" %24s", "-"));
                    continue;
                }
                met &= e.path("met").asBoolean();
                line.append(String.format(" %24s", String.format("%.1f / %.1f / %.1f", e.path("p50_ms").asDouble(),
                        e.path("p95_ms").asDouble(), e.path("max_ms").asDouble())));
            }
            out.println(line + "   " + (met ? "met" : "NOT met"));
        }
        stores.fields().forEachRemaining(s -> {
            if (s.getValue().has("skipped")) {
                out.println("note: " + s.getKey() + ": " + s.getValue().path("skipped").asText());
            }
            if (s.getValue().has("error")) {
                out.println("note: " + s.getKey() + ": did not complete: " + s.getValue().path("error").asText());
            }
        });
        out.println("machine: " + result.path("machine"));
    }

    private static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
