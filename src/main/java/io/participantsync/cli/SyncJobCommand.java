package io.participantsync.cli;

import io.participantsync.Application;
import io.participantsync.ParticipantSync;
import io.participantsync.model.DeliveryOutcome;
import io.participantsync.sync.JobRun;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code sync-job NAME}: runs one configured sync job now, through the same runner the schedule uses. */
@Command(name = "sync-job", mixinStandardHelpOptions = true,
        description = "Run the sync job NAME (sync-jobs.NAME.*) now: take its lock, read its source, send new and "
                + "changed participants, wait for every outcome and print a summary. Exit 0 when no row was rejected "
                + "or failed, 1 when some were, the source could not be read or another instance is running the job, "
                + "2 on a usage or configuration error (an unknown job).")
public final class SyncJobCommand implements Callable<Integer> {

    @Mixin
    GlobalOptions global;

    @ParentCommand
    Application parent;

    @Parameters(index = "0", paramLabel = "NAME", description = "the job name (sync-jobs.NAME.*)")
    String name;

    @Override
    public Integer call() throws Exception {
        PrintStream out = new PrintStream(System.out, true);
        try (Runtime rt = Runtime.load(global.merge(parent.global));
                ParticipantSync app = ParticipantSync.start(rt.settings, false, true)) {
            if (app.syncJobs().find(name).isEmpty()) {
                System.err.println("sync-job: no sync job named '" + name + "' (configured: "
                        + (app.syncJobs().isEmpty() ? "none" : String.join(", ", app.syncJobs().names())) + ")");
                return 2;
            }
            List<DeliveryOutcome> problems = Collections.synchronizedList(new ArrayList<>());
            Consumer<DeliveryOutcome> listener = o -> {
                if (o.deadLettered() && problems.size() < SyncCommand.SHOWN_PROBLEMS) {
                    problems.add(o);
                }
            };
            long t0 = System.nanoTime();
            JobRun run = app.syncJobRunner().run(name, listener);
            if (run.status() == JobRun.Status.SKIPPED_LOCKED) {
                out.println("participant-sync sync-job: " + name + " is running elsewhere (another run holds its "
                        + "lock); nothing done");
                return 1;
            }
            SyncCommand.print(out, "sync-job", run.report(), Duration.ofNanos(System.nanoTime() - t0), problems, rt);
            if (run.sourceError() != null) {
                out.println("Source not read: " + run.sourceError());
            }
            return run.succeeded() ? 0 : 1;
        }
    }
}
