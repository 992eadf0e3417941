package io.participantsync;

import io.participantsync.cli.GlobalOptions;
import io.participantsync.cli.ReplayCommand;
import io.participantsync.cli.RunCommand;
import io.participantsync.cli.SandboxCommand;
import io.participantsync.cli.SyncCommand;
import io.participantsync.cli.SyncJobCommand;
import io.participantsync.cli.ValidateCommand;
import io.participantsync.config.ConfigurationException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The command line: {@code run}, {@code sync}, {@code sync-job}, {@code replay}, {@code validate}, {@code sandbox}. Exit 2 on usage or configuration errors. */
@Command(name = "participant-sync", mixinStandardHelpOptions = true, version = "participant-sync 0.1.0",
        description = "Keeps e-signature participants up to date in Oneflow, Zigned, SigningHub, Evia Sign and Zoho "
                + "Contracts.",
        subcommands = {RunCommand.class, SyncCommand.class, SyncJobCommand.class, ReplayCommand.class,
            ValidateCommand.class, SandboxCommand.class})
public final class Application {

    /** --sandbox / --config given before the command name. */
    @Mixin
    public GlobalOptions global;

    public static void main(String[] args) {
        // before anything loads H2: the state store's AUTO_SERVER listens on 127.0.0.1 only
        io.participantsync.state.StateStore.bindH2ToLoopback();
        // one-shot commands print their own summary on stdout: keep stderr for errors (the log file has the rest)
        boolean service = java.util.Arrays.asList(args).contains("run");
        if (System.getProperty("ps.console.level") == null) {
            System.setProperty("ps.console.level", service ? "INFO" : "ERROR");
        }
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        // picocli answers invalid input with exit code 2 (ExitCode.USAGE)
        CommandLine cli = new CommandLine(new Application());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            Throwable t = e;
            while (t != null && !(t instanceof ConfigurationException)) {
                t = t.getCause();
            }
            if (t != null) {
                java.util.List<String> problems = ((ConfigurationException) t).problems();
                // one problem, one line; several, one line each under a heading
                cmd.getErr().println("participant-sync: " + (problems.size() == 1 ? problems.get(0) : t.getMessage()));
                return 2;
            }
            throw e;
        });
        return cli.execute(args);
    }
}
