package dev.pokepedia.app;

import dev.pokepedia.core.PokepediaException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code ./pokepedia}. */
@Command(name = "pokepedia", mixinStandardHelpOptions = true, version = "pokepedia 0.1.0",
        description = "Mirror PokeAPI into your own Postgres and storage, and keep it fresh.",
        subcommands = {SyncCommand.class, ImportCommand.class, MediaCommand.class, VerifyCommand.class, SeedCommand.class, WorkCommand.class,
                SchedulesCommand.class, DoctorCommand.class, SelftestCommand.class, BenchCommand.class, ServeSnapshotCommand.class, ServeCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler(Main::handle);
        return cli.execute(args);
    }

    /** The one place typed errors become messages and exit codes. */
    private static int handle(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        if (e instanceof PokepediaException p) {
            err.println("error: " + p.getMessage());
            if (!p.hint().isEmpty()) {
                err.println("  fix: " + p.hint());
            }
            err.flush();
            return p.code().exitCode();
        }
        err.println("error: unexpected " + e);
        e.printStackTrace(err);
        err.flush();
        return PokepediaException.ErrorCode.INTERNAL.exitCode();
    }
}
