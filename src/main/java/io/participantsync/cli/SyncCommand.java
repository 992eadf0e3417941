package io.participantsync.cli;

import io.participantsync.ParticipantSync;
import io.participantsync.core.BatchReport;
import io.participantsync.core.Endpoints;
import io.participantsync.core.Headers;
import io.participantsync.intake.CsvFiles;
import io.participantsync.model.DeliveryOutcome;
import io.participantsync.model.Outcome;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import io.participantsync.Application;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sync FILE...}: one batch through exactly the core the CSV drop uses; waits for every outcome. */
@Command(name = "sync", mixinStandardHelpOptions = true,
        description = "Send the updates in CSV FILEs now, wait until every row has an outcome, write the batch report "
                + "and print a summary. Exit 0 when no row was rejected or failed, 1 when some were, 2 on a usage or "
                + "configuration error.")
public final class SyncCommand implements Callable<Integer> {

    static final int SHOWN_PROBLEMS = 20;

    @Mixin
    GlobalOptions global;

    @ParentCommand
    Application parent;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "CSV files (one batch)")
    List<Path> files;

    @Option(names = "--report", paramLabel = "PATH", description = "Where to write the JSON batch report "
            + "(default: <sync.report-dir>/sync-<time>.report.json)")
    Path report;

    @Override
    public Integer call() throws Exception {
        PrintStream out = spec.commandLine().getOut() == null ? System.out : new PrintStream(System.out, true);
        for (Path f : files) {
            if (!Files.isReadable(f) || Files.isDirectory(f)) {
                System.err.println("sync: " + f + ": no such file (or not readable)");
                return 2;
            }
        }
        // the state store holds the rows' checkpoints: a run a crash interrupted resumes when started again
        try (Runtime rt = Runtime.load(global.merge(parent.global));
                ParticipantSync app = ParticipantSync.start(rt.settings, false, true)) {
            Path reportPath = report != null ? report : Path.of(rt.settings.get("sync.report-dir", "reports"),
                    "sync-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".report.json");
            List<DeliveryOutcome> problems = Collections.synchronizedList(new ArrayList<>());
            AtomicLong done = new AtomicLong();
            Consumer<DeliveryOutcome> listener = o -> {
                done.incrementAndGet();
                if (o.deadLettered() && problems.size() < SHOWN_PROBLEMS) {
                    problems.add(o);
                }
            };
            Progress progress = Progress.start(done);
            Map<String, Object> headers = new HashMap<>();
            headers.put(Headers.SOURCE_KIND, "cli");
            headers.put(Headers.SOURCE_NAME, files.stream().map(p -> p.getFileName().toString())
                    .collect(Collectors.joining(",")));
            headers.put(Headers.REPORT_PATH, reportPath.toString());
            headers.put(Headers.OUTCOME_LISTENER, listener);
            long t0 = System.nanoTime();
            BatchReport r;
            CsvFiles records = new CsvFiles(app.csvReader(), files, true);
            try {
                r = app.producerTemplate().requestBodyAndHeaders(Endpoints.INGEST_BATCH, records, headers,
                        BatchReport.class);
            } finally {
                progress.stop();
            }
            // finished: running the same files again is a new run, not a resumed one
            records.sourceIds().forEach(app.checkpoints()::deleteSource);
            print(out, "sync", r, Duration.ofNanos(System.nanoTime() - t0), problems, rt);
            return r.allSucceeded() ? 0 : 1;
        }
    }

    /** The one-screen summary of a batch; shared with {@code sync-job}. */
    static void print(PrintStream out, String command, BatchReport r, Duration took, List<DeliveryOutcome> problems,
            Runtime rt) {
        out.printf("participant-sync %s: %d %s from %s in %.1f s%s%n", command, r.received(),
                r.received() == 1 ? "record" : "records", r.sourceName(),
                took.toMillis() / 1000.0, rt.sandbox != null ? " (sandbox " + rt.sandbox.url() + ")" : "");
        out.printf("  %-12s %8s %10s %9s %7s%n", "provider", "updated", "unchanged", "rejected", "failed");
        r.byProvider().forEach((p, c) -> out.printf("  %-12s %8d %10d %9d %7d%n", p,
                c.getOrDefault(Outcome.UPDATED, 0L), c.getOrDefault(Outcome.UNCHANGED, 0L),
                c.getOrDefault(Outcome.REJECTED, 0L), c.getOrDefault(Outcome.FAILED, 0L)));
        out.printf("  %-12s %8d %10d %9d %7d   (received %d)%n", "total", r.count(Outcome.UPDATED),
                r.count(Outcome.UNCHANGED), r.count(Outcome.REJECTED), r.count(Outcome.FAILED), r.received());
        r.notes().forEach(n -> out.println("  note: " + n));
        if (!problems.isEmpty()) {
            out.println("Rejected or failed" + (problems.size() >= SHOWN_PROBLEMS ? " (first " + SHOWN_PROBLEMS + ")" : "")
                    + ":");
            problems.stream()
                    .sorted(Comparator.comparing((DeliveryOutcome o) -> o.update().source().name())
                            .thenComparingLong(o -> o.update().source().row()))
                    .forEach(o -> out.println("  " + o.outcome().label() + "  " + o.message()));
        }
        out.println("Report: " + r.reportFile());
        if (!r.allSucceeded()) {
            out.println("Dead letters: " + rt.settings.get("dead-letter.dir", "dead-letter"));
            r.rejectedCsvFiles().forEach(f -> out.println("  fix and re-drop: " + f));
        }
    }

    /** A progress line on a terminal (nothing when output is redirected). */
    private static final class Progress {
        private final Thread thread;

        private Progress(Thread thread) {
            this.thread = thread;
        }

        static Progress start(AtomicLong done) {
            if (System.console() == null) {
                return new Progress(null);
            }
            Thread t = new Thread(() -> {
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        Thread.sleep(500);
                        System.err.print("\r  " + done.get() + " records done");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "progress");
            t.setDaemon(true);
            t.start();
            return new Progress(t);
        }

        void stop() {
            if (thread != null) {
                thread.interrupt();
                System.err.print("\r\033[K");
            }
        }
    }
}
