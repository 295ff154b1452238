package dev.pokepedia.app;

import dev.pokepedia.core.PokepediaException;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code ./pokepedia}. */
@Command(name = "pokepedia", mixinStandardHelpOptions = true, version = "pokepedia 0.1.0",
        description = "Mirror PokeAPI into your own Postgres and storage, and keep it fresh.")
public final class Main {

    /** Every subcommand, in the order help lists them. */
    private static final List<Class<?>> COMMANDS = List.of(SyncCommand.class, ImportCommand.class, MediaCommand.class, VerifyCommand.class,
            SeedCommand.class, WorkCommand.class, SchedulesCommand.class, MediaLibraryCommand.class, DoctorCommand.class, SelftestCommand.class, BenchCommand.class,
            ServeSnapshotCommand.class, ServeCommand.class, CommandLine.HelpCommand.class);

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cli = commandLine(args);
        cli.setExecutionExceptionHandler(Main::handle);
        return cli.execute(args);
    }

    /**
     * The command tree for these arguments. When they name a subcommand, only that one is built.
     *
     * <p>why: picocli builds the model of every command it is given by reflection, about 0.3 s for all of ours, paid
     * by every run before any work starts; help, version and unknown commands get the whole tree.
     */
    static CommandLine commandLine(String... args) {
        CommandLine cli = new CommandLine(new Main());
        String first = args.length > 0 ? args[0] : "";
        List<Class<?>> wanted = COMMANDS.stream().filter(c -> c.getAnnotation(Command.class).name().equals(first)).toList();
        for (Class<?> c : wanted.isEmpty() || first.equals("help") ? COMMANDS : wanted) {
            cli.addSubcommand(new CommandLine(c));
        }
        return cli;
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
