package io.participantsync.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Watches a process's peak resident set: polls {@code /proc/<pid>/status} (VmHWM, the kernel's own high-water mark,
 * and VmRSS) until the process ends. Linux only; {@link #peakMb()} is -1 elsewhere.
 */
final class PeakRss implements AutoCloseable {

    private final Path status;
    private final Thread thread;
    private volatile long peakKb = -1;

    private PeakRss(long pid) {
        this.status = Path.of("/proc", Long.toString(pid), "status");
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
                Thread.sleep(50);
            } catch (IOException | RuntimeException e) {
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
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
