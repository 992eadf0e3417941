package io.participantsync.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Watches a process's peak resident set: polls {@code /proc/<pid>/status} (VmHWM, the kernel's own high-water mark,
 * and VmRSS) and its CPU time until the process ends. Linux only; {@link #peakMb()} is -1 elsewhere.
 */
final class PeakRss implements AutoCloseable {

    private final Path status;
    private final Path stat;
    private final Thread thread;
    private volatile long peakKb = -1;
    private volatile long cpuTicks = -1;

    private PeakRss(long pid) {
        this.status = Path.of("/proc", Long.toString(pid), "status");
        this.stat = Path.of("/proc", Long.toString(pid), "stat");
        this.thread = new Thread(this::poll, "peak-rss-" + pid);
        thread.setDaemon(true);
        thread.start();
    }

    static PeakRss watch(Process process) {
        return new PeakRss(process.pid());
    }

    private void poll() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
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

    /** utime + stime of a process, in clock ticks (100 per second on Linux), from {@code /proc/<pid>/stat}. */
    static long cpuTicks(Path stat) throws IOException {
        String s = Files.readString(stat);
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
