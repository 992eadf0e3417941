package io.participantsync.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Options every command accepts, before or after the command name: mixed into the top-level command and into each
 * subcommand, then merged (the subcommand's value wins).
 */
public final class GlobalOptions {


    @Option(names = "--sandbox",
            description = "Start the provider simulators in-process on a free port and point every connection at them.")
    boolean sandbox;

    @Option(names = "--config", paramLabel = "FILE",
            description = "A properties file that overrides the built-in defaults (environment variables override both).")
    Path config;

    /** These options completed with those given before the command name. */
    public GlobalOptions merge(GlobalOptions beforeCommand) {
        GlobalOptions merged = new GlobalOptions();
        merged.sandbox = sandbox || (beforeCommand != null && beforeCommand.sandbox);
        merged.config = config != null ? config : beforeCommand == null ? null : beforeCommand.config;
        return merged;
    }
}
