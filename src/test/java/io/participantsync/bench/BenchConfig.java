package io.participantsync.bench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The sizes and switches of one benchmark run, read from {@code BENCH_*} environment variables or
 * {@code --name=value} flags (flag {@code --overhead-rows=1000} is {@code BENCH_OVERHEAD_ROWS=1000}); the defaults are
 * issue 5's.
 */
record BenchConfig(int overheadRows, int overheadRounds, int overheadConcurrency, int capacityConcurrency,
        int latencyRows, int latencyMs, int latencyConcurrency, int naiveSample, int memoryRows, String memoryXmx,
        int startupRuns, int rateLimitRows, int rateLimitPerSecond, int distinct, int sandboxThreads, boolean jfr,
        boolean useJar, boolean keep, Path repoDir, Path outDir, Set<String> only, List<String> appJavaOpts,
        int isolationRowsPerProvider, int isolationRounds, int isolationBudgetSeconds, int isolationSlowMs) {

    /** The scenarios, in the order they run. */
    static final List<String> SCENARIOS = List.of("overhead", "latency", "ratelimit", "memory", "isolation",
            "startup");

    /** Whether {@code scenario} is to run ({@code BENCH_ONLY}, every one by default). */
    boolean runs(String scenario) {
        return only.isEmpty() || only.contains(scenario);
    }

    /** Every parameter with its default, in the order {@code --help} lists them. */
    static final Map<String, String> DEFAULTS = defaults();

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("BENCH_OVERHEAD_ROWS", "100000");
        // raw and sync take turns this many times; the ratio is the median of the rounds' ratios (noise on 2 cores)
        d.put("BENCH_OVERHEAD_ROUNDS", "5");
        // requests in flight in all: the raw client's threads, and for sync CONCURRENCY / 5 per connection (the
        // records go round the five providers)
        d.put("BENCH_OVERHEAD_CONCURRENCY", "15");
        d.put("BENCH_CAPACITY_CONCURRENCY", "64");
        d.put("BENCH_LATENCY_ROWS", "20000");
        d.put("BENCH_LATENCY_MS", "50");
        // in flight in all, as above: LATENCY_CONCURRENCY / 5 per connection; ideal = it / latency
        d.put("BENCH_LATENCY_CONCURRENCY", "30");
        d.put("BENCH_NAIVE_SAMPLE", "200");
        d.put("BENCH_MEMORY_ROWS", "1000000");
        d.put("BENCH_MEMORY_XMX", "256m");
        d.put("BENCH_STARTUP_RUNS", "5");
        d.put("BENCH_RATELIMIT_ROWS", "2000");
        d.put("BENCH_RATELIMIT_PER_SECOND", "50");
        // isolation: rows per provider; rounds of (no outage, Oneflow answering 503, Oneflow holding every call)
        d.put("BENCH_ISOLATION_ROWS_PER_PROVIDER", "150");
        d.put("BENCH_ISOLATION_ROUNDS", "3");
        // the retry budget of the connection that is down, and how long it holds each call in the slow variant
        d.put("BENCH_ISOLATION_BUDGET_SECONDS", "45");
        d.put("BENCH_ISOLATION_SLOW_MS", "10000");
        // participants per provider the generated rows cycle over: bounds the sandbox's state on big runs
        d.put("BENCH_DISTINCT", "10000");
        d.put("BENCH_SANDBOX_THREADS", "64");
        d.put("BENCH_JFR", "false");
        d.put("BENCH_USE_JAR", "true");
        d.put("BENCH_KEEP", "false");
        d.put("BENCH_REPO_DIR", ".");
        d.put("BENCH_OUT_DIR", "target/bench");
        // comma-separated scenarios to run (for a quick look at one of them); empty = all
        d.put("BENCH_ONLY", "");
        // extra JVM options for the application's sync runs (not the sandbox, not the raw client), to try flags
        d.put("BENCH_APP_JAVA_OPTS", "");
        return Map.copyOf(d);
    }

    /**
     * {@code defaults}, overridden by those of {@code env} it has keys for, overridden by {@code --name=value}
     * arguments ({@code --overhead-rows=1000} is {@code <prefix>OVERHEAD_ROWS}); an unknown name is an error.
     */
    static Map<String, String> merge(Map<String, String> defaults, String prefix, Map<String, String> env,
            String... args) {
        Map<String, String> v = new LinkedHashMap<>(defaults);
        env.forEach((k, val) -> {
            if (defaults.containsKey(k)) {
                v.put(k, val);
            }
        });
        for (String arg : args) {
            if (!arg.startsWith("--") || !arg.contains("=")) {
                throw new IllegalArgumentException("expected --name=value, got '" + arg + "'");
            }
            String key = prefix + arg.substring(2, arg.indexOf('=')).replace('-', '_').toUpperCase(Locale.ROOT);
            if (!defaults.containsKey(key)) {
                throw new IllegalArgumentException("unknown parameter '" + arg + "' (" + key + ")");
            }
            v.put(key, arg.substring(arg.indexOf('=') + 1));
        }
        return v;
    }

    /** Defaults, overridden by {@code env} ({@code BENCH_*} keys only), overridden by {@code args}. */
    static BenchConfig from(Map<String, String> env, String... args) {
        Map<String, String> v = merge(DEFAULTS, "BENCH_", env, args);
        Path repo = Path.of(v.get("BENCH_REPO_DIR")).toAbsolutePath().normalize();
        Path out = repo.resolve(v.get("BENCH_OUT_DIR")).toAbsolutePath().normalize();
        int rounds = i(v, "BENCH_OVERHEAD_ROUNDS");
        if (rounds < 1) {
            throw new IllegalArgumentException("BENCH_OVERHEAD_ROUNDS must be at least 1");
        }
        String opts = v.get("BENCH_APP_JAVA_OPTS").trim();
        return new BenchConfig(i(v, "BENCH_OVERHEAD_ROWS"), rounds, i(v, "BENCH_OVERHEAD_CONCURRENCY"),
                i(v, "BENCH_CAPACITY_CONCURRENCY"), i(v, "BENCH_LATENCY_ROWS"), i(v, "BENCH_LATENCY_MS"),
                i(v, "BENCH_LATENCY_CONCURRENCY"), i(v, "BENCH_NAIVE_SAMPLE"), i(v, "BENCH_MEMORY_ROWS"),
                v.get("BENCH_MEMORY_XMX"), i(v, "BENCH_STARTUP_RUNS"), i(v, "BENCH_RATELIMIT_ROWS"),
                i(v, "BENCH_RATELIMIT_PER_SECOND"), i(v, "BENCH_DISTINCT"), i(v, "BENCH_SANDBOX_THREADS"),
                Boolean.parseBoolean(v.get("BENCH_JFR")), Boolean.parseBoolean(v.get("BENCH_USE_JAR")),
                Boolean.parseBoolean(v.get("BENCH_KEEP")), repo, out, only(v.get("BENCH_ONLY")),
                opts.isEmpty() ? List.of() : List.of(opts.split("\\s+")), i(v, "BENCH_ISOLATION_ROWS_PER_PROVIDER"),
                Math.max(1, i(v, "BENCH_ISOLATION_ROUNDS")), i(v, "BENCH_ISOLATION_BUDGET_SECONDS"),
                i(v, "BENCH_ISOLATION_SLOW_MS"));
    }

    private static Set<String> only(String value) {
        Set<String> only = new LinkedHashSet<>();
        for (String s : value.split(",")) {
            String name = s.trim().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            if (!SCENARIOS.contains(name)) {
                throw new IllegalArgumentException("BENCH_ONLY: '" + name + "' is not one of " + SCENARIOS);
            }
            only.add(name);
        }
        return Set.copyOf(only);
    }

    private static int i(Map<String, String> v, String key) {
        try {
            int n = Integer.parseInt(v.get(key).trim());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number >= 0, was '" + v.get(key) + "'");
        }
    }
}
