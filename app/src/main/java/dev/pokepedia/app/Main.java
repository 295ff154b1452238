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
            SeedCommand.class, WorkCommand.class, SchedulesCommand.class, MediaLibraryCommand.class, DoctorCommand.class, SelftestCommand.class,
            BenchCommand.class, ClientCommand.class, TokenCommand.class,
            ServeSnapshotCommand.class, ServeCommand.class, CommandLine.HelpCommand.class);

    static final int HELP_WIDTH = 100;

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
        // why: picocli breaks lines after ':' and '.', so at 80 columns a default URL came out as "https: //github. com/…";
        // at 100 the description column holds the longest URL we print (each on a line of its own)
        cli.setUsageHelpWidth(HELP_WIDTH);
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
        if (e instanceof dev.pokepedia.syncclient.SyncClientException s) {
            err.println("error: " + s.getMessage());
            if (!s.hint().isEmpty()) {
                err.println("  fix: " + s.hint());
            }
            err.flush();
            return ClientCommand.exitCode(s);
        }
        err.println("error: unexpected " + e);
        e.printStackTrace(err);
        err.flush();
        return PokepediaException.ErrorCode.INTERNAL.exitCode();
    }
}
