package io.participantsync.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Watches a process's peak resident set: polls {@code /proc/<pid>/status} (VmHWM, the kernel's own high-water mark,
 * and VmRSS) and its CPU time until the process ends, and every half second the CPU time of each of its threads
 * ({@code /proc/<pid>/task/<tid>/stat}: where a run's CPU went, e.g. delivery lanes against the JIT's compiler
 * threads). Linux only; {@link #peakMb()} is -1 elsewhere.
 */
final class PeakRss implements AutoCloseable {

    private final Path status;
    private final Path stat;
    private final Path tasks;
    private final Thread thread;
    /** Latest CPU ticks of each thread seen, by thread id, with its name. */
    private final Map<String, ThreadTicks> threadTicks = new ConcurrentHashMap<>();
    private volatile long peakKb = -1;
    private volatile long cpuTicks = -1;

    private PeakRss(long pid) {
        this.status = Path.of("/proc", Long.toString(pid), "status");
        this.stat = Path.of("/proc", Long.toString(pid), "stat");
        this.tasks = Path.of("/proc", Long.toString(pid), "task");
        this.thread = new Thread(this::poll, "peak-rss-" + pid);
        thread.setDaemon(true);
        thread.start();
    }

    static PeakRss watch(Process process) {
        return new PeakRss(process.pid());
    }

    private void poll() {
        for (long round = 0; !Thread.currentThread().isInterrupted(); round++) {
            try {
                if (round % 10 == 0) {
                    pollThreads();
                }
                for (String line : Files.readAllLines(status)) {
                    if (line.startsWith("VmHWM:") || line.startsWith("VmRSS:")) {
                        long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                        peakKb = Math.max(peakKb, kb);
                    }
                }
                cpuTicks = Math.max(cpuTicks, cpuTicks(stat));
                Thread.sleep(50);
            } catch (IOException | RuntimeException e) {
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void pollThreads() throws IOException {
        try (Stream<Path> ids = Files.list(tasks)) {
            for (Path task : (Iterable<Path>) ids::iterator) {
                try {
                    String s = Files.readString(task.resolve("stat"));
                    String name = s.substring(s.indexOf('(') + 1, s.lastIndexOf(')'));
                    threadTicks.put(task.getFileName().toString(), new ThreadTicks(name, ticks(s)));
                } catch (IOException ended) {
                    // the thread ended since the listing
                }
            }
        }
    }

    /**
     * CPU seconds by thread name as the kernel keeps it (at most 15 characters), a trailing number replaced by N
     * (the delivery lanes, GC threads... each summed; "C2 CompilerThre" is the C2 compiler), up to the last poll: a
     * thread's last half second before it ended is missing.
     */
    Map<String, Double> cpuSecondsByThread() {
        Map<String, Long> ticks = new TreeMap<>();
        threadTicks.values().forEach(t -> ticks.merge(t.name.replaceAll("[0-9]+$", "N"), t.ticks, Long::sum));
        Map<String, Double> seconds = new TreeMap<>();
        ticks.forEach((name, t) -> {
            if (t > 0) {
                seconds.put(name, t / 100.0);
            }
        });
        return seconds;
    }

    private record ThreadTicks(String name, long ticks) {
    }

    /** utime + stime of a process, in clock ticks (100 per second on Linux), from {@code /proc/<pid>/stat}. */
    static long cpuTicks(Path stat) throws IOException {
        return ticks(Files.readString(stat));
    }

    /** utime + stime from the text of a {@code stat} file (the name in parentheses may hold spaces). */
    private static long ticks(String s) {
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** CPU seconds the process used up to the last poll (-1 when unknown). */
    double cpuSeconds() {
        long t = cpuTicks;
        return t < 0 ? -1 : t / 100.0;
    }

    double peakMb() {
        long kb = peakKb;
        return kb < 0 ? -1 : Math.round(kb / 1024.0 * 10) / 10.0;
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
