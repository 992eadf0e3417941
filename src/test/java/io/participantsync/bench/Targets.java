package io.participantsync.bench;

/** The benchmarks' targets (issues 5 and 13), for the table: which figure must reach what. */
final class Targets {

    private Targets() {
    }

    static String describe(String key) {
        return switch (key) {
            case "overhead_ratio" -> ">= 0.85";
            case "isolation_ratio" -> "<= 1.2";
            case "latency_bound_efficiency" -> ">= 0.9";
            case "naive_speedup" -> ">= 25";
            case "mem_1m_rss_mb" -> "< 512";
            case "startup_ready_s" -> "< 3";
            case "ratelimit_max_window" -> "<= 50";
            case "ratelimit_utilisation" -> ">= 0.95";
            default -> "";
        };
    }

    static boolean met(String key, double v) {
        return switch (key) {
            case "overhead_ratio" -> v >= 0.85;
            case "isolation_ratio" -> v <= 1.2;
            case "latency_bound_efficiency" -> v >= 0.9;
            case "naive_speedup" -> v >= 25;
            case "mem_1m_rss_mb" -> v < 512;
            case "startup_ready_s" -> v < 3;
            case "ratelimit_max_window" -> v <= 50;
            case "ratelimit_utilisation" -> v >= 0.95;
            default -> true;
        };
    }
}
