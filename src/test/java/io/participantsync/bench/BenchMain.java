package io.participantsync.bench;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The benchmark harness of issue 5 ({@code bench/run}): runs every scenario against a sandbox in its own process,
 * prints a table against the targets and writes {@code results.json} (exactly the keys plus
 * {@code machine}) and {@code details.json} (every measurement behind them, notes, the sizes used).
 */
public final class BenchMain {

    /** The keys of results.json, in order, besides {@code machine}. */
    static final List<String> KEYS = List.of("overhead_ratio", "raw_rows_per_s", "ours_rows_per_s",
            "sandbox_capacity_rows_per_s", "latency_bound_efficiency", "naive_speedup", "mem_1m_rss_mb",
            "mem_1m_rows_per_s", "startup_ready_s", "ratelimit_max_window", "ratelimit_utilisation",
            "isolation_ratio", "isolation_ratio_slow");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final BenchConfig config;
    private final Launcher launcher;
    private final PrintStream out;
    private final Map<String, Double> results = new LinkedHashMap<>();
    private final ObjectNode details = JSON.createObjectNode();
    private final List<String> notes = new ArrayList<>();
    private final Path work;

    BenchMain(BenchConfig config, PrintStream out) {
        this.config = config;
        this.launcher = Launcher.of(config);
        this.out = out;
        this.work = config.outDir().resolve("work");
        KEYS.forEach(k -> results.put(k, null));
    }

    public static void main(String[] args) throws Exception {
        if (List.of(args).contains("--help")) {
            System.out.println("bench/run [--name=value ...]   (or BENCH_NAME=value in the environment)");
            new java.util.TreeMap<>(BenchConfig.DEFAULTS).forEach((k, v) -> System.out.println("  " + k + " = " + v));
            return;
        }
        BenchMain bench = new BenchMain(BenchConfig.from(System.getenv(), args), System.out);
        System.exit(bench.run() ? 0 : 1);
    }

    /** Runs every scenario; false when one of them broke (its figures are then null, the others still count). */
    boolean run() throws Exception {
        deleteTree(work);
        Files.createDirectories(work);
        details.put("started_at", Instant.now().toString());
        details.put("load_average_at_start", loadAverage());
        details.set("config", JSON.valueToTree(configMap()));
        details.put("app", launcher.describeApp());
        boolean allRan = true;
        List<String> sandboxJvm = config.jfr() ? jfr("sandbox") : List.of();
        if (config.runs("overhead") || config.runs("latency") || config.runs("ratelimit") || config.runs("memory")
                || config.runs("isolation")) {
            try (SandboxProcess sandbox = SandboxProcess.start(launcher, work.resolve("sandbox"),
                    config.sandboxThreads(), sandboxJvm)) {
                details.put("sandbox", sandbox.url());
                allRan &= scenario("overhead", () -> overhead(sandbox));
                allRan &= scenario("latency", () -> latencyBound(sandbox));
                allRan &= scenario("ratelimit", () -> rateLimit(sandbox));
                allRan &= scenario("memory", () -> memory(sandbox));
                allRan &= scenario("isolation", () -> isolation(sandbox));
            }
        }
        allRan &= scenario("startup", this::startup);
        details.put("finished_at", Instant.now().toString());
        details.put("load_average_at_end", loadAverage());
        notes.forEach(details.withArray("notes")::add);
        write();
        printTable();
        if (!config.keep()) {
            deleteTree(work.resolve("memory"));
        }
        return allRan;
    }

    private interface Scenario {
        void run() throws Exception;
    }

    private boolean scenario(String name, Scenario s) {
        if (!config.runs(name)) {
            notes.add(name + ": not run (BENCH_ONLY)");
            return true;
        }
        out.println("== " + name);
        long t0 = System.nanoTime();
        try {
            s.run();
            return true;
        } catch (Exception | AssertionError e) {
            notes.add(name + ": did not complete: " + e);
            out.println("   FAILED: " + e);
            return false;
        } finally {
            out.printf("   (%.1f s)%n", (System.nanoTime() - t0) / 1e9);
        }
    }

    // ---- scenario 1: overhead against the raw-client ceiling, and the sandbox's own capacity

    private void overhead(SandboxProcess sandbox) throws Exception {
        Path dir = work.resolve("overhead");
        Path csv = Workload.write(dir.resolve("updates.csv"), config.overheadRows(), config.distinct(),
                Workload.ALL_PROVIDERS);
        Path cfg = appConfig(dir, sandbox, config.overheadConcurrency(), Map.of());
        sandbox.prepare(Map.of());
        // the sandbox JVM warms up on a first full pass that nobody is measured on: after 20,000 rows it was still
        // getting faster, so the first raw run met a colder sandbox than the sync after it (4,500 rows/s, 6,000+ later)
        raw("overhead-warmup", dir, cfg, csv, total(config.overheadConcurrency()), config.overheadRows());
        // raw and sync take turns: each round's ratio compares two runs a minute apart, and the median of the rounds
        // keeps one disturbed run (a noisy neighbour, a slow JIT) from deciding the figure
        List<Double> rawRates = new ArrayList<>();
        List<Double> ourRates = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        List<Double> secondHalfRatios = new ArrayList<>();
        ObjectNode d = details.putObject("overhead");
        double sandboxRaw = 0;
        double sandboxSync = 0;
        double syncCpu = 0;
        for (int round = 1; round <= config.overheadRounds(); round++) {
            String suffix = config.overheadRounds() == 1 ? "" : "-" + round;
            // the sandbox's arrival times give each side's rate over the second half of its run, with less of the
            // JIT's warm-up in it (sync is still warming up at 100,000 rows: see BENCHMARKS.md)
            sandbox.prepare(Map.of("recordRequestTimes", true));
            double c0 = sandbox.cpuSeconds();
            JsonNode raw = raw("overhead-raw" + suffix, dir, cfg, csv, total(config.overheadConcurrency()),
                    Integer.MAX_VALUE);
            double c1 = sandbox.cpuSeconds();
            double rawSecondHalf = RequestTimes.rateOfSecondHalf(sandbox.requestTimes(null));
            sandbox.prepare(Map.of("recordRequestTimes", true));
            // every sync starts as the first did: no state from the round before
            deleteTree(dir.resolve("data"));
            double c2a = sandbox.cpuSeconds();
            SyncResult ours = sync("overhead-sync" + suffix, dir, cfg, csv, jfr("overhead-sync" + suffix));
            double c2 = sandbox.cpuSeconds();
            double oursSecondHalf = RequestTimes.rateOfSecondHalf(sandbox.requestTimes(null));
            requireAllOk("raw client", raw);
            ours.requireAllUpdated("sync (overhead)");
            double rawRate = raw.path("rows_per_s").asDouble();
            rawRates.add(rawRate);
            ourRates.add(ours.rowsPerS());
            ratios.add(ours.rowsPerS() / rawRate);
            sandboxRaw += c1 - c0;
            sandboxSync += c2 - c2a;
            secondHalfRatios.add(oursSecondHalf / rawSecondHalf);
            syncCpu += ours.cpuSeconds();
            ObjectNode r = d.withArray("rounds").addObject();
            r.set("raw", raw);
            r.set("sync", ours.toJson());
            r.put("ratio", round(ours.rowsPerS() / rawRate, 3));
            r.put("raw_second_half_requests_per_s", round(rawSecondHalf, 1));
            r.put("sync_second_half_requests_per_s", round(oursSecondHalf, 1));
            r.put("second_half_ratio", round(oursSecondHalf / rawSecondHalf, 3));
            out.printf("   round %d: raw %.0f rows/s, sync %.0f rows/s, ratio %.3f (second half of each run: %.0f and "
                    + "%.0f requests/s, %.3f)%n", round, rawRate, ours.rowsPerS(), ours.rowsPerS() / rawRate,
                    rawSecondHalf, oursSecondHalf, oursSecondHalf / rawSecondHalf);
        }
        sandbox.prepare(Map.of());
        JsonNode capacity = raw("sandbox-capacity", dir, cfg, csv, config.capacityConcurrency(), Integer.MAX_VALUE);
        requireAllOk("sandbox capacity", capacity);
        results.put("raw_rows_per_s", round(median(rawRates), 1));
        results.put("ours_rows_per_s", round(median(ourRates), 1));
        results.put("overhead_ratio", round(median(ratios), 3));
        results.put("sandbox_capacity_rows_per_s", round(capacity.path("rows_per_s").asDouble(), 1));
        d.set("sandbox_capacity", capacity);
        // not an issue key: the ratio over the second half of the runs, with less of the JIT's warm-up in it
        d.put("second_half_ratio_median", round(median(secondHalfRatios), 3));
        // CPU per row on the 2 shared cores: what each side costs, the sandbox's share included
        double sent = (double) config.overheadRows() * config.overheadRounds();
        d.put("sandbox_cpu_ms_per_row_during_raw", sandboxRaw * 1000 / sent);
        d.put("sandbox_cpu_ms_per_row_during_sync", sandboxSync * 1000 / sent);
        d.put("sync_process_cpu_ms_per_row_incl_startup", syncCpu * 1000 / sent);
        out.printf("   median: raw %.0f rows/s, sync %.0f rows/s, ratio %.3f; sandbox capacity (c=%d) %.0f rows/s%n",
                median(rawRates), median(ourRates), median(ratios), config.capacityConcurrency(),
                capacity.path("rows_per_s").asDouble());
    }

    // ---- scenarios 2 and 3: latency-bound, and the naive one-at-a-time loop on a sample

    private void latencyBound(SandboxProcess sandbox) throws Exception {
        Path dir = work.resolve("latency");
        Path csv = Workload.write(dir.resolve("updates.csv"), config.latencyRows(), config.distinct(),
                Workload.ALL_PROVIDERS);
        Path cfg = appConfig(dir, sandbox, config.latencyConcurrency(), Map.of());
        sandbox.prepare(Map.of("latencyMs", config.latencyMs()));
        SyncResult ours = sync("latency-sync", dir, cfg, csv, jfr("latency-sync"));
        ours.requireAllUpdated("sync (latency-bound)");
        double ideal = total(config.latencyConcurrency()) / (config.latencyMs() / 1000.0);
        results.put("latency_bound_efficiency", round(ours.rowsPerS() / ideal, 3));
        JsonNode naive = raw("naive", dir, cfg, csv, 1, Math.min(config.naiveSample(), config.latencyRows()));
        requireAllOk("naive loop", naive);
        results.put("naive_speedup", round(ours.rowsPerS() / naive.path("rows_per_s").asDouble(), 2));
        ObjectNode d = details.putObject("latency_bound");
        d.put("ideal_rows_per_s", ideal);
        d.set("sync", ours.toJson());
        d.set("naive_sample", naive);
        out.printf("   sync %.0f rows/s of an ideal %.0f; naive loop %.1f rows/s (sample of %d)%n", ours.rowsPerS(),
                ideal, naive.path("rows_per_s").asDouble(), naive.path("requests").asInt());
    }

    // ---- scenario 6: rate-limit accuracy, from the sandbox's own arrival times

    private void rateLimit(SandboxProcess sandbox) throws Exception {
        Path dir = work.resolve("ratelimit");
        Path csv = Workload.write(dir.resolve("updates.csv"), config.rateLimitRows(), config.distinct(),
                List.of("oneflow"));
        Path cfg = appConfig(dir, sandbox, config.overheadConcurrency(),
                Map.of("connections.oneflow.rate-limit", config.rateLimitPerSecond() + "/1s"));
        sandbox.prepare(Map.of("recordRequestTimes", true));
        SyncResult ours = sync("ratelimit-sync", dir, cfg, csv, List.of());
        List<Long> times = sandbox.requestTimes("oneflow");
        sandbox.prepare(Map.of());
        ours.requireAllUpdated("sync (rate limit)");
        int maxWindow = RequestTimes.maxInWindow(times, 1_000_000_000L);
        double rate = RequestTimes.rate(times);
        results.put("ratelimit_max_window", (double) maxWindow);
        results.put("ratelimit_utilisation", round(rate / config.rateLimitPerSecond(), 3));
        ObjectNode d = details.putObject("ratelimit");
        d.put("limit_per_s", config.rateLimitPerSecond());
        d.put("requests_seen", times.size());
        d.put("achieved_rate_per_s", rate);
        d.put("max_in_any_1s_window", maxWindow);
        d.set("sync", ours.toJson());
        out.printf("   %d requests, at most %d in any 1 s, %.1f requests/s achieved (limit %d/s)%n", times.size(),
                maxWindow, rate, config.rateLimitPerSecond());
    }

    // ---- scenario 4: a million rows with -Xmx256m

    private void memory(SandboxProcess sandbox) throws Exception {
        deleteTree(work.resolve("overhead"));
        Path dir = work.resolve("memory");
        Path csv = Workload.write(dir.resolve("updates.csv"), config.memoryRows(), config.distinct(),
                Workload.ALL_PROVIDERS);
        Path cfg = appConfig(dir, sandbox, config.overheadConcurrency(), Map.of());
        sandbox.prepare(Map.of());
        List<String> jvm = new ArrayList<>(List.of("-Xmx" + config.memoryXmx()));
        jvm.addAll(jfr("memory-sync"));
        SyncResult ours = sync("memory-sync", dir, cfg, csv, jvm);
        ours.requireAllUpdated("sync (memory)");
        results.put("mem_1m_rss_mb", ours.peakRssMb() < 0 ? null : ours.peakRssMb());
        results.put("mem_1m_rows_per_s", round(ours.rowsPerS(), 1));
        if (ours.peakRssMb() < 0) {
            notes.add("memory: no /proc on this machine, peak RSS not measured");
        }
        details.set("memory", ours.toJson().put("xmx", config.memoryXmx()));
        out.printf("   %d rows, peak RSS %.0f MB, %.0f rows/s%n", ours.updated(), ours.peakRssMb(), ours.rowsPerS());
    }

    // ---- scenario 7: isolation: one provider down or slow delays only its own records

    /**
     * 150 rows per provider, the sandbox with no latency; per round, the time the four healthy providers' rows need
     * (from the first request the sandbox sees to the last request of a healthy provider) without an outage, with
     * Oneflow answering 503 to every call, and with Oneflow holding every call {@code BENCH_ISOLATION_SLOW_MS} then
     * closing it (Oneflow's retry budget {@code BENCH_ISOLATION_BUDGET_SECONDS}). Once the healthy providers have seen
     * as many calls as without the outage, the run is stopped: what Oneflow's records do after that is not measured.
     */
    private void isolation(SandboxProcess sandbox) throws Exception {
        Path dir = work.resolve("isolation");
        int perProvider = config.isolationRowsPerProvider();
        Path csv = Workload.write(dir.resolve("updates.csv"), perProvider * Workload.ALL_PROVIDERS.size(),
                config.distinct(), Workload.ALL_PROVIDERS);
        Path cfg = appConfig(dir, sandbox, config.overheadConcurrency(), Map.of("connections.oneflow.retry-budget",
                config.isolationBudgetSeconds() + "s"));
        List<String> healthy = Workload.ALL_PROVIDERS.stream().filter(p -> !p.equals("oneflow")).toList();
        List<Double> down = new ArrayList<>();
        List<Double> slow = new ArrayList<>();
        ObjectNode d = details.putObject("isolation");
        d.put("rows_per_provider", perProvider);
        d.put("down_connection", "oneflow");
        d.put("retry_budget_s", config.isolationBudgetSeconds());
        d.put("slow_hold_ms", config.isolationSlowMs());
        for (int round = 1; round <= config.isolationRounds(); round++) {
            Healthy none = healthyTime("isolation-none-" + round, sandbox, dir, cfg, csv, Map.of(), healthy, null);
            ObjectNode r = d.withArray("rounds").addObject();
            r.set("healthy_calls", JSON.valueToTree(none.calls()));
            r.put("healthy_s_without_outage", round(none.seconds(), 3));
            Healthy outage = healthyTime("isolation-down-" + round, sandbox, dir, cfg, csv,
                    Map.of("rate503", 1.0, "provider", "oneflow"), healthy, none.calls());
            down.add(outage.seconds() / none.seconds());
            r.put("healthy_s_oneflow_down", round(outage.seconds(), 3));
            r.put("ratio_down", round(outage.seconds() / none.seconds(), 3));
            // printed at once: the slow case may not finish at all (the harness gives up after 10 minutes)
            out.printf("   round %d: healthy rows in %.2f s without an outage, %.2f s with Oneflow down (%.3f)%n", round,
                    none.seconds(), outage.seconds(), outage.seconds() / none.seconds());
            Healthy held = healthyTime("isolation-slow-" + round, sandbox, dir, cfg, csv,
                    Map.of("rateTimeout", 1.0, "hangMs", config.isolationSlowMs(), "provider", "oneflow"), healthy,
                    none.calls());
            slow.add(held.seconds() / none.seconds());
            r.put("healthy_s_oneflow_slow", round(held.seconds(), 3));
            r.put("ratio_slow", round(held.seconds() / none.seconds(), 3));
            out.printf("   round %d: healthy rows in %.2f s with Oneflow holding every call (%.3f)%n", round,
                    held.seconds(), held.seconds() / none.seconds());
        }
        sandbox.prepare(Map.of());
        results.put("isolation_ratio", round(median(down), 3));
        results.put("isolation_ratio_slow", round(median(slow), 3));
    }

    /** How long the healthy providers' rows took in one run, and how many calls each provider saw. */
    private record Healthy(double seconds, Map<String, Integer> calls) {
    }

    /**
     * Runs {@code sync} with the sandbox's {@code knobs}; without {@code expected} until it exits (every row done),
     * with it until each healthy provider saw that many calls (then the run is stopped).
     */
    private Healthy healthyTime(String name, SandboxProcess sandbox, Path dir, Path cfg, Path csv,
            Map<String, Object> knobs, List<String> healthy, Map<String, Integer> expected) throws Exception {
        Map<String, Object> k = new LinkedHashMap<>(knobs);
        k.put("recordRequestTimes", true);
        sandbox.prepare(k);
        deleteTree(dir.resolve("data"));
        Path report = dir.resolve(name + ".report.json");
        List<String> jvm = new ArrayList<>(config.appJavaOpts());
        jvm.add("-Dps.log.dir=" + dir.resolve("logs"));
        Process p = Launcher.start(launcher.app(jvm, List.of("sync", csv.toString(), "--config", cfg.toString(),
                "--report", report.toString())), dir, name);
        try {
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (true) {
                if (expected == null ? !p.isAlive() : healthy.stream().allMatch(h -> calls(sandbox, h)
                        >= expected.get(h))) {
                    break;
                }
                if (expected != null && !p.isAlive()) {
                    throw new IllegalStateException(name + ": sync exited before the healthy providers were done: "
                            + Launcher.tail(dir.resolve(name + ".err"), 15));
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + ": not done within 10 minutes");
                }
                Thread.sleep(20);
            }
        } finally {
            Launcher.stop(p);
        }
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        Map<String, Integer> calls = new LinkedHashMap<>();
        for (String provider : Workload.ALL_PROVIDERS) {
            List<Long> times = sandbox.requestTimes(provider);
            if (!times.isEmpty()) {
                first = Math.min(first, times.get(0));
            }
            if (healthy.contains(provider)) {
                calls.put(provider, times.size());
                if (!times.isEmpty()) {
                    last = Math.max(last, times.get(times.size() - 1));
                }
            }
        }
        if (first == Long.MAX_VALUE || last < first) {
            throw new IllegalStateException(name + ": the sandbox saw no call");
        }
        return new Healthy((last - first) / 1e9, calls);
    }

    private static int calls(SandboxProcess sandbox, String provider) {
        try {
            return sandbox.requestTimes(provider).size();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ---- scenario 5: startup of `run --sandbox` until /observe/health/ready answers 200

    private void startup() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(1)).build();
        ObjectNode d = details.putObject("startup");
        // as a user starts it (README): the wrapper with the build's class-data-sharing archive; then, for the
        // record, the same without the archive
        boolean wrapper = launcher.viaWrapper();
        d.put("launch", wrapper ? "participant-sync run --sandbox (the wrapper script)" : launcher.describeApp());
        StartupRuns withCds = startupRuns(http, "cds", wrapper, true);
        if (withCds.missing != null) {
            notes.add(withCds.missing);
            out.println("   " + withCds.missing);
            return;
        }
        withCds.times.forEach(d.putArray("ready_s")::add);
        withCds.apiTimes.forEach(d.putArray("http_api_s")::add);
        if (withCds.times.isEmpty()) {
            notes.add("startup: skipped (BENCH_STARTUP_RUNS=0)");
            return;
        }
        Path jsa = config.repoDir().resolve("target/participant-sync.jsa");
        d.put("cds_archive", wrapper && Files.isRegularFile(jsa) ? jsa.toString() : null);
        results.put("startup_ready_s", round(median(withCds.times), 2));
        out.printf("   ready after %s s (median %.2f)%n", withCds.times, median(withCds.times));
        if (wrapper) {
            StartupRuns without = startupRuns(http, "no-cds", true, false);
            without.times.forEach(d.putArray("ready_s_without_cds")::add);
            if (!without.times.isEmpty()) {
                d.put("ready_s_without_cds_median", round(median(without.times), 2));
                out.printf("   without the CDS archive (PS_CDS=off): %s s (median %.2f)%n", without.times,
                        median(without.times));
            }
        }
    }

    /** Ready times of {@code startupRuns} starts; {@code missing} says why there is no readiness endpoint. */
    private record StartupRuns(List<Double> times, List<Double> apiTimes, String missing) {
    }

    private StartupRuns startupRuns(HttpClient http, String name, boolean wrapper, boolean cds) throws Exception {
        List<Double> times = new ArrayList<>();
        List<Double> apiTimes = new ArrayList<>();
        for (int i = 0; i < config.startupRuns(); i++) {
            Path dir = work.resolve("startup").resolve(name + "-" + i);
            int management = Launcher.freePort();
            int api = Launcher.freePort();
            Map<String, String> p = new LinkedHashMap<>();
            p.put("camel.management.port", Integer.toString(management));
            p.put("camel.server.port", Integer.toString(api));
            p.put("jms.port", Integer.toString(Launcher.freePort()));
            p.put("data.dir", dir.resolve("data").toString());
            p.put("csv.inbox", dir.resolve("inbox").toString());
            p.put("dead-letter.dir", dir.resolve("dead-letter").toString());
            p.put("queue.report-dir", dir.resolve("reports").toString());
            p.put("routes.include-pattern", "file:" + config.repoDir().resolve("routes") + "/*.camel.yaml");
            Path cfg = writeProperties(dir.resolve("bench.properties"), p);
            URI ready = URI.create("http://127.0.0.1:" + management + "/observe/health/ready");
            URI openapi = URI.create("http://127.0.0.1:" + api + "/api/v1/openapi.json");
            List<String> jvm = List.of("-Dps.log.dir=" + dir.resolve("logs"));
            List<String> args = List.of("run", "--sandbox", "--config", cfg.toString());
            long t0 = System.nanoTime();
            Process run = wrapper ? Launcher.start(launcher.service(args), dir, "run", Launcher.wrapperEnv(jvm, cds))
                    : Launcher.start(launcher.app(jvm, args), dir, "run");
            try {
                Double apiAt = null;
                long deadline = t0 + Duration.ofSeconds(120).toNanos();
                while (true) {
                    double elapsed = (System.nanoTime() - t0) / 1e9;
                    if (!run.isAlive()) {
                        throw new IllegalStateException("run --sandbox exited with " + run.exitValue() + ": "
                                + Launcher.tail(dir.resolve("run.err"), 15));
                    }
                    if (status(http, ready) == 200) {
                        times.add(elapsed);
                        break;
                    }
                    if (apiAt == null && status(http, openapi) == 200) {
                        apiAt = elapsed;
                        apiTimes.add(elapsed);
                    }
                    if (apiAt != null && elapsed - apiAt > 5) {
                        return new StartupRuns(times, apiTimes, "startup: the service was up (its HTTP API answered "
                                + "after " + round(apiAt, 2) + " s) but " + ready + " did not answer 200 within 5 s "
                                + "more: no readiness endpoint on this build (camel.management / camel-health), so "
                                + "startup_ready_s is null");
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("run --sandbox not ready within 120 s");
                    }
                    Thread.sleep(20);
                }
            } finally {
                Launcher.stop(run);
            }
        }
        return new StartupRuns(times, apiTimes, null);
    }

    private static int status(HttpClient http, URI uri) {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    // ---- running the app and the raw client

    /** What a {@code sync} run did, from its batch report and the process. */
    record SyncResult(long received, long updated, double seconds, double wallSeconds, double peakRssMb,
            double cpuSeconds, Map<String, Double> cpuByThread, int exit, String problem) {

        double rowsPerS() {
            return seconds <= 0 ? 0 : updated / seconds;
        }

        void requireAllUpdated(String what) {
            if (problem != null || updated != received || exit != 0) {
                throw new IllegalStateException(what + ": " + updated + " of " + received + " rows updated, exit "
                        + exit + (problem == null ? "" : ": " + problem));
            }
        }

        ObjectNode toJson() {
            ObjectNode n = JSON.createObjectNode();
            n.put("rows", received);
            n.put("updated", updated);
            n.put("seconds", seconds);
            n.put("rows_per_s", rowsPerS());
            n.put("process_wall_seconds", wallSeconds);
            n.put("peak_rss_mb", peakRssMb);
            n.put("process_cpu_seconds", cpuSeconds);
            ObjectNode threads = n.putObject("cpu_seconds_by_thread");
            cpuByThread.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                    .forEach(t -> threads.put(t.getKey(), t.getValue()));
            n.put("exit", exit);
            return n;
        }
    }

    private SyncResult sync(String name, Path dir, Path cfg, Path csv, List<String> jvmOptions) throws Exception {
        Path report = dir.resolve(name + ".report.json");
        Files.deleteIfExists(report);
        List<String> jvm = new ArrayList<>(config.appJavaOpts());
        jvm.addAll(jvmOptions);
        jvm.add("-Dps.log.dir=" + dir.resolve("logs"));
        long rows = Files.lines(csv).count() - 1;
        long t0 = System.nanoTime();
        Process p = Launcher.start(launcher.app(jvm, List.of("sync", csv.toString(), "--config", cfg.toString(),
                "--report", report.toString())), dir, name);
        int exit;
        double peak;
        double cpu;
        Map<String, Double> byThread;
        try (PeakRss rss = PeakRss.watch(p)) {
            exit = Launcher.await(p, Math.max(600, rows / 200), name);
            peak = rss.peakMb();
            cpu = rss.cpuSeconds();
            byThread = rss.cpuSecondsByThread();
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        if (!Files.exists(report)) {
            return new SyncResult(rows, 0, 0, wall, peak, cpu, byThread, exit, "no report; stderr: "
                    + Launcher.tail(dir.resolve(name + ".err"), 15));
        }
        JsonNode head = reportHead(report);
        double seconds = Duration.between(Instant.parse(head.path("started_at").asText()),
                Instant.parse(head.path("finished_at").asText())).toNanos() / 1e9;
        long updated = head.path("counts").path("updated").asLong();
        long received = head.path("counts").path("received").asLong();
        String problem = received == rows ? null : "the report counts " + received + " rows, the file has " + rows;
        if (!config.keep()) {
            Files.deleteIfExists(report);
        }
        return new SyncResult(received, updated, seconds, wall, peak, cpu, byThread, exit, problem);
    }

    /** The report without its {@code rows} array, read as a stream: a million rows do not fit a tree comfortably. */
    private static JsonNode reportHead(Path report) throws IOException {
        ObjectNode head = JSON.createObjectNode();
        try (JsonParser p = JSON.getFactory().createParser(report.toFile())) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException(report + " is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.getCurrentName();
                p.nextToken();
                if ("rows".equals(field)) {
                    p.skipChildren();
                } else {
                    head.set(field, JSON.readTree(p));
                }
            }
        }
        return head;
    }

    private JsonNode raw(String name, Path dir, Path cfg, Path csv, int concurrency, int limit) throws Exception {
        Path result = dir.resolve(name + ".json");
        Process p = Launcher.start(launcher.bench(RawLoad.class, List.of("-Dps.log.dir=" + dir.resolve("logs")),
                List.of("--config", cfg.toString(), "--csv", csv.toString(), "--concurrency",
                        Integer.toString(concurrency), "--limit", Integer.toString(limit), "--out",
                        result.toString())), dir, name);
        int exit = Launcher.await(p, 3600, name);
        if (exit != 0 || !Files.exists(result)) {
            throw new IllegalStateException(name + " exited with " + exit + ": "
                    + Launcher.tail(dir.resolve(name + ".err"), 15));
        }
        return JSON.readTree(result.toFile());
    }

    private static void requireAllOk(String what, JsonNode raw) {
        if (raw.path("ok").asLong() != raw.path("requests").asLong()) {
            throw new IllegalStateException(what + ": " + raw.path("ok").asLong() + " of "
                    + raw.path("requests").asLong() + " requests answered 2xx: " + raw.path("statuses")
                    + " " + raw.path("errors"));
        }
    }

    /** The app's --config: the sandbox's connections, the concurrency, and every folder inside the scenario's. */
    private Path appConfig(Path dir, SandboxProcess sandbox, int concurrency, Map<String, String> extra)
            throws IOException {
        Map<String, String> p = new LinkedHashMap<>(sandbox.connectionProperties());
        // concurrency N means N records in flight in all, as the raw client's N threads: the rows go round the five
        // providers, so N / 5 per connection; no rate limit (Oneflow's default 1000/5m would measure the limiter,
        // not the pipeline)
        p.put("delivery.concurrency", Integer.toString(perConnection(concurrency)));
        for (String key : sandbox.connectionProperties().keySet()) {
            if (key.endsWith(".provider")) {
                p.put(key.substring(0, key.length() - "provider".length()) + "rate-limit", "none");
            }
        }
        p.put("data.dir", dir.resolve("data").toString());
        p.put("dead-letter.dir", dir.resolve("dead-letter").toString());
        p.put("sync.report-dir", dir.resolve("reports").toString());
        p.putAll(extra);
        return writeProperties(dir.resolve("bench.properties"), p);
    }

    /** Calls in flight per connection for {@code concurrency} in all (the rows go round the five providers). */
    private static int perConnection(int concurrency) {
        return Math.max(1, concurrency / Workload.ALL_PROVIDERS.size());
    }

    /** Calls in flight in all for {@code concurrency}: {@link #perConnection} times the five connections. */
    private static int total(int concurrency) {
        return perConnection(concurrency) * Workload.ALL_PROVIDERS.size();
    }

    private static Path writeProperties(Path file, Map<String, String> values) throws IOException {
        Files.createDirectories(file.getParent());
        Properties props = new Properties();
        props.putAll(values);
        try (OutputStream o = Files.newOutputStream(file)) {
            props.store(o, "generated by the benchmark harness; sandbox-only credentials");
        }
        return file;
    }

    private List<String> jfr(String name) {
        if (!config.jfr()) {
            return List.of();
        }
        Path file = config.outDir().resolve("jfr").resolve(name + ".jfr");
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return List.of("-XX:StartFlightRecording=filename=" + file + ",settings=profile,dumponexit=true");
    }

    // ---- output

    private void write() throws IOException {
        Files.createDirectories(config.outDir());
        ObjectNode r = JSON.createObjectNode();
        results.forEach((k, v) -> {
            if (v == null) {
                r.putNull(k);
            } else if (k.equals("ratelimit_max_window")) {
                r.put(k, v.longValue());
            } else {
                r.put(k, v);
            }
        });
        r.set("machine", machine());
        Files.writeString(config.outDir().resolve("results.json"),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r) + "\n");
        Files.writeString(config.outDir().resolve("details.json"),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsString(details) + "\n");
    }

    private void printTable() {
        out.println();
        out.printf("%-28s %14s  %-12s %s%n", "figure", "value", "target", "");
        for (String k : KEYS) {
            Double v = results.get(k);
            String target = Targets.describe(k);
            String verdict = v == null ? (target.isEmpty() ? "" : "n/a") : Targets.met(k, v) ? "met" : "NOT met";
            if (k.equals("ratelimit_utilisation") && v != null && v > 1.05) {
                verdict = "over the limit";
            }
            out.printf("%-28s %14s  %-12s %s%n", k, v == null ? "null" : format(v), target,
                    target.isEmpty() ? "" : verdict);
        }
        out.println("machine: " + machine());
        notes.forEach(n -> out.println("note: " + n));
        out.println("results: " + config.outDir().resolve("results.json") + " (details: details.json)");
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e12 ? Long.toString((long) v) : Double.toString(v);
    }

    static ObjectNode machine() {
        ObjectNode m = JSON.createObjectNode();
        m.put("cores", java.lang.Runtime.getRuntime().availableProcessors());
        m.put("memory_mb", memoryMb());
        m.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        return m;
    }

    private static long memoryMb() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/meminfo"))) {
            return lines.filter(l -> l.startsWith("MemTotal:")).findFirst()
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024).orElse(-1L);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private Map<String, Object> configMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("overhead_rows", config.overheadRows());
        m.put("overhead_rounds", config.overheadRounds());
        m.put("overhead_concurrency", config.overheadConcurrency());
        m.put("calls_in_flight_per_connection", perConnection(config.overheadConcurrency()));
        m.put("capacity_concurrency", config.capacityConcurrency());
        m.put("latency_rows", config.latencyRows());
        m.put("latency_ms", config.latencyMs());
        m.put("latency_concurrency", config.latencyConcurrency());
        m.put("isolation_rows_per_provider", config.isolationRowsPerProvider());
        m.put("isolation_rounds", config.isolationRounds());
        m.put("naive_sample", config.naiveSample());
        m.put("memory_rows", config.memoryRows());
        m.put("memory_xmx", config.memoryXmx());
        m.put("startup_runs", config.startupRuns());
        m.put("ratelimit_rows", config.rateLimitRows());
        m.put("ratelimit_per_second", config.rateLimitPerSecond());
        m.put("distinct_participants_per_provider", config.distinct());
        m.put("sandbox_threads", config.sandboxThreads());
        m.put("jfr", config.jfr());
        m.put("app_java_opts", String.join(" ", config.appJavaOpts()));
        return m;
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static Double round(double v, int decimals) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return null;
        }
        double f = Math.pow(10, decimals);
        return Math.round(v * f) / f;
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
