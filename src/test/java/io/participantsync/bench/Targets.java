package io.participantsync.bench;

/** Issue 5's targets, for the table: which figure must reach what. */
final class Targets {

    private Targets() {
    }

    static String describe(String key) {
        return switch (key) {
            case "overhead_ratio" -> ">= 0.8";
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
            case "overhead_ratio" -> v >= 0.8;
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
