package io.participantsync.cli;

import io.participantsync.Application;
import io.participantsync.ParticipantSync;
import io.participantsync.config.Connections;
import io.participantsync.core.BatchReport;
import io.participantsync.core.Dispatcher;
import io.participantsync.core.Endpoints;
import io.participantsync.core.Headers;
import io.participantsync.core.Plan;
import io.participantsync.core.RecordSource;
import io.participantsync.deadletter.DeadLetterReplay;
import io.participantsync.deadletter.Redaction;
import io.participantsync.model.DeliveryOutcome;
import io.participantsync.model.Outcome;
import io.participantsync.model.ParticipantUpdate;
import io.participantsync.model.Problem;
import io.participantsync.provider.ProviderRegistry;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code replay}: re-drives dead letters through the core as one batch. Each replayed dead letter moves to
 * {@code <dead-letter.dir>/replayed/<date>/} once its outcome is recorded (a new failure writes a new dead letter),
 * so running it twice sends nothing twice.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Send the records of dead letters (each line of <dead-letter.dir>/<date>/*.deadletters.jsonl, "
                + "and older <date>/*.json files) again, as one batch; a replayed line is listed in its file's "
                + ".replayed once it has its outcome and not sent again, and a file all of whose dead letters are "
                + "replayed moves to <dead-letter.dir>/replayed/<date>/; a "
                + "record that is rejected or fails again gets a new dead letter. Values the dead letter holds only "
                + "masked (identification_number, otp_access_code) are not sent. Exit 0 when no record was rejected "
                + "or failed, 1 when some were (or were not replayed for their masked values), 2 on a usage or "
                + "configuration error.")
public final class ReplayCommand implements Callable<Integer> {

    @Mixin
    GlobalOptions global;

    @ParentCommand
    Application parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--provider", paramLabel = "P", description = "only dead letters of this provider")
    String provider;

    @Option(names = "--connection", paramLabel = "C", description = "only dead letters of this connection")
    String connection;

    @Option(names = "--category", paramLabel = "rejected|failed",
            description = "only rejected (invalid input, permanent provider error) or failed (transient errors "
                    + "exhausted) records")
    String category;

    @Option(names = "--since", paramLabel = "DATE",
            description = "only dead letters written since DATE (2026-03-04, UTC) or an instant (2026-03-04T10:00:00Z)")
    String since;

    @Option(names = "--dry-run", description = "show what would be replayed and what each would send; call nothing, "
            + "move nothing")
    boolean dryRun;

    @Option(names = "--report", paramLabel = "PATH", description = "Where to write the JSON batch report "
            + "(default: <sync.report-dir>/replay-<time>.report.json)")
    Path report;

    @Override
    public Integer call() throws Exception {
        PrintStream out = new PrintStream(System.out, true);
        DeadLetterReplay.Filter filter;
        try {
            filter = new DeadLetterReplay.Filter(provider, connection, DeadLetterReplay.Filter.category(category),
                    DeadLetterReplay.Filter.since(since));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        try (Runtime rt = Runtime.load(global.merge(parent.global))) {
            DeadLetterReplay deadLetters = new DeadLetterReplay(Path.of(rt.settings.get("dead-letter.dir",
                    "dead-letter")), Clock.systemUTC());
            List<String> notes = new ArrayList<>();
            List<DeadLetterReplay.Entry> found = deadLetters.find(filter, notes);
            ProviderRegistry providers = ParticipantSync.providers(rt.settings);
            // planned without checkpoints: only to tell a record whose only changes were masked values
            Dispatcher planner = new Dispatcher(providers, Connections.load(rt.settings, providers));
            List<DeadLetterReplay.Entry> entries = new ArrayList<>();
            int maskedOnly = 0;
            for (DeadLetterReplay.Entry e : found) {
                Plan plan = planner.plan(e.record());
                if (!e.masked().isEmpty() && plan instanceof Plan.Unchanged) {
                    maskedOnly++;
                    notes.add(e.name() + ": not replayed: its only changes were masked in the dead letter ("
                            + String.join(", ", e.masked()) + "); re-enter them in a CSV file");
                    continue;
                }
                if (!e.masked().isEmpty()) {
                    notes.add(e.name() + ": " + String.join(", ", e.masked()) + " masked in the dead letter: "
                            + "dropped, not sent (re-enter it in a CSV file to send it)");
                }
                entries.add(e);
            }
            if (dryRun) {
                dryRun(out, entries, planner, notes);
                return maskedOnly == 0 ? 0 : 1;
            }
            if (entries.isEmpty()) {
                out.println("participant-sync replay: no dead letter to replay in "
                        + rt.settings.get("dead-letter.dir", "dead-letter") + describe(filter));
                notes.forEach(n -> out.println("  note: " + n));
                return maskedOnly == 0 ? 0 : 1;
            }
            return replay(out, rt, deadLetters, entries, notes, filter) == 0 && maskedOnly == 0 ? 0 : 1;
        }
    }

    private int replay(PrintStream out, Runtime rt, DeadLetterReplay deadLetters, List<DeadLetterReplay.Entry> entries,
            List<String> notes, DeadLetterReplay.Filter filter) {
        try (ParticipantSync app = ParticipantSync.start(rt.settings, false, true)) {
            Path reportPath = report != null ? report : Path.of(rt.settings.get("sync.report-dir", "reports"),
                    "replay-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                            + ".report.json");
            Map<String, DeadLetterReplay.Entry> byName = new ConcurrentHashMap<>();
            entries.forEach(e -> byName.put(e.name(), e));
            List<DeliveryOutcome> problems = Collections.synchronizedList(new ArrayList<>());
            Consumer<DeliveryOutcome> listener = o -> {
                if (o.deadLettered() && problems.size() < SyncCommand.SHOWN_PROBLEMS) {
                    problems.add(o);
                }
                DeadLetterReplay.Entry e = byName.remove(o.update().source().name());
                if (e == null) {
                    return;
                }
                try {
                    // the outcome (and its checkpoint) is recorded: the dead letter is done with
                    deadLetters.markReplayed(e);
                    app.checkpoints().deleteSource(o.update().source().sourceId());
                } catch (RuntimeException ex) {
                    System.err.println("replay: " + e.name() + ": " + ex.getMessage());
                }
            };
            Map<String, Object> headers = new HashMap<>();
            headers.put(Headers.SOURCE_KIND, DeadLetterReplay.SOURCE_KIND);
            headers.put(Headers.SOURCE_NAME, "dead-letter" + describe(filter));
            headers.put(Headers.REPORT_PATH, reportPath.toString());
            headers.put(Headers.OUTCOME_LISTENER, listener);
            List<ParticipantUpdate> records = entries.stream().map(DeadLetterReplay.Entry::record).toList();
            long t0 = System.nanoTime();
            BatchReport r = app.producerTemplate().requestBodyAndHeaders(Endpoints.INGEST_BATCH,
                    RecordSource.of(records, List.copyOf(notes)), headers, BatchReport.class);
            SyncCommand.print(out, "replay", r, Duration.ofNanos(System.nanoTime() - t0), problems, rt);
            out.println("Fully replayed dead-letter files moved to " + Path.of(rt.settings.get("dead-letter.dir",
                    "dead-letter"), DeadLetterReplay.REPLAYED));
            return r.allSucceeded() ? 0 : 1;
        }
    }

    private static void dryRun(PrintStream out, List<DeadLetterReplay.Entry> entries, Dispatcher planner,
            List<String> notes) {
        out.printf("participant-sync replay --dry-run: %d dead letter%s would be replayed; nothing is sent or moved%n",
                entries.size(), entries.size() == 1 ? "" : "s");
        for (DeadLetterReplay.Entry e : entries) {
            Plan plan = planner.plan(e.record());
            String what;
            if (plan instanceof Plan.Deliver d) {
                what = "would send " + d.request().method() + " " + d.connection().baseUrl() + d.request().path();
            } else if (plan instanceof Plan.Reject rej) {
                what = "would be rejected: " + rej.problems().stream().map(Problem::toString)
                        .collect(Collectors.joining("; "));
            } else {
                what = "nothing to send (unchanged)";
            }
            out.printf("  %-8s %s  %s/%s: %s%n", e.outcome().label(), e.name(), e.provider(), e.connection(),
                    Redaction.redact(what, e.record()));
        }
        notes.forEach(n -> out.println("  note: " + n));
    }

    private static String describe(DeadLetterReplay.Filter f) {
        List<String> parts = new ArrayList<>();
        if (f.provider() != null) {
            parts.add("provider " + f.provider());
        }
        if (f.connection() != null) {
            parts.add("connection " + f.connection());
        }
        if (f.category() != null) {
            parts.add(f.category() == Outcome.REJECTED ? "rejected" : "failed");
        }
        if (f.since() != null) {
            parts.add("since " + f.since());
        }
        return parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")";
    }
}
