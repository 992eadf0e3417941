package io.participantsync.cli;

import io.participantsync.ParticipantSync;
import io.participantsync.config.Connections;
import io.participantsync.core.Dispatcher;
import io.participantsync.core.Plan;
import io.participantsync.deadletter.Redaction;
import io.participantsync.intake.CsvOptions;
import io.participantsync.intake.CsvRecordReader;
import io.participantsync.intake.RecordStream;
import io.participantsync.model.ParticipantUpdate;
import io.participantsync.model.Problem;
import io.participantsync.provider.ProviderRegistry;
import io.participantsync.provider.ProviderRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import io.participantsync.Application;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

/** {@code validate FILE...}: maps and validates every row and shows what would be sent; calls nothing. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Dry run: map and validate every row of the CSV FILEs and show the request each would send "
                + "(sensitive values masked). Calls nothing. Exit 0 when every row is valid, 1 otherwise, 2 on a "
                + "usage or configuration error.")
public final class ValidateCommand implements Callable<Integer> {

    @Mixin
    GlobalOptions global;

    @ParentCommand
    Application parent;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "CSV files")
    List<Path> files;

    @Override
    public Integer call() throws Exception {
        for (Path f : files) {
            if (!Files.isReadable(f) || Files.isDirectory(f)) {
                System.err.println("validate: " + f + ": no such file (or not readable)");
                return 2;
            }
        }
        try (Runtime rt = Runtime.load(global.merge(parent.global))) {
            // the configuration is checked exactly as `sync` checks it: a bad one is exit 2, before any row
            ParticipantSync.checkConfiguration(rt.settings);
            ProviderRegistry providers = ParticipantSync.providers(rt.settings);
            Dispatcher dispatcher = new Dispatcher(providers, Connections.load(rt.settings, providers));
            CsvRecordReader reader = new CsvRecordReader(CsvOptions.parse(rt.settings.get("csv.delimiter", "auto"),
                    rt.settings.get("csv.field-mapping"), "csv").withLimits(
                rt.settings.getInt("csv.max-columns", CsvOptions.DEFAULT_MAX_COLUMNS),
                rt.settings.getInt("csv.max-field-length", CsvOptions.DEFAULT_MAX_FIELD_LENGTH)));
            int valid = 0;
            int invalid = 0;
            int unchanged = 0;
            for (Path f : files) {
                try (RecordStream stream = reader.open(f)) {
                    for (ParticipantUpdate u : stream) {
                        Plan plan = dispatcher.plan(u);
                        String where = u.source().describe();
                        if (plan instanceof Plan.Reject r) {
                            invalid++;
                            System.out.println("REJECT    " + where + ": " + r.problems().stream()
                                    .map(Problem::toString).collect(Collectors.joining("; ")));
                        } else if (plan instanceof Plan.Unchanged c) {
                            unchanged++;
                            System.out.println("UNCHANGED " + where + " (" + c.connectionName() + "): nothing to send");
                        } else if (plan instanceof Plan.Deliver d) {
                            valid++;
                            ProviderRequest req = d.request();
                            System.out.println("SEND      " + where + " (" + d.connectionName() + "): " + req.method()
                                    + " " + d.connection().baseUrl() + req.path()
                                    + (req.query() == null ? "" : "?" + req.query()));
                            if (req.body() != null) {
                                System.out.println("          " + Redaction.redact(req.body(), u));
                            }
                        }
                    }
                    stream.notes().forEach(n -> System.out.println("NOTE      " + f.getFileName() + ": " + n));
                }
            }
            System.out.printf("%d to send, %d unchanged, %d invalid%n", valid, unchanged, invalid);
            return invalid == 0 ? 0 : 1;
        }
    }
}
