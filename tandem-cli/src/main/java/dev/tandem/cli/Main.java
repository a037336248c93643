package dev.tandem.cli;

import dev.tandem.cli.admin.CliFailure;
import dev.tandem.cli.admin.ConfigCli;
import dev.tandem.cli.admin.DbCommand;
import dev.tandem.cli.admin.GroupsCommand;
import dev.tandem.cli.admin.HaCommand;
import dev.tandem.cli.admin.OperatorsCommand;
import dev.tandem.cli.admin.ParametersCommand;
import dev.tandem.cli.admin.ShowCommand;
import dev.tandem.cli.admin.UsersCommand;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code tandem} command. */
@Command(name = "tandem",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "High availability and load balancing for session services.",
        subcommands = {DemoCommand.class, NodeCommand.class, SimCommand.class, LbCommand.class, KeyCommand.class,
                CertsCommand.class, ShowCommand.class, HaCommand.class, ConfigCli.class, GroupsCommand.class,
                UsersCommand.class, OperatorsCommand.class, ParametersCommand.class, DbCommand.class, CompletionCommand.class,
                BenchCommand.class, ChaosCommand.class, DoctorCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code: 0 ok, 1 failure, 2 usage or configuration error. */
    public static int run(String... args) {
        return run(null, null, args);
    }

    /** As {@link #run(String...)}, printing to the given writers (null: standard output and error). */
    public static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        // tandem node, the daemon, is started far more often than read about: it gets a command line of its own
        // subcommand only, which spares the node's start-up picocli's model of every other command (about 0.3 s).
        boolean node = args.length > 0 && args[0].equals("node");
        CommandLine cli = new CommandLine(node ? new NodeOnly() : new Main());
        if (!node) {
            // tandem bench and tandem chaos pass everything after them, options included, to the benchmark
            // distribution untouched.
            for (String passing : new String[] {"bench", "chaos"}) {
                CommandLine c = cli.getSubcommands().get(passing);
                c.setStopAtPositional(true);
                c.setUnmatchedOptionsArePositionalParams(true);
            }
        }
        if (out != null) cli.setOut(out);
        if (err != null) cli.setErr(err);
        cli.setExitCodeExceptionMapper(Main::exitCodeOf);
        cli.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("tandem: " + ex.getMessage());
            ex.getCommandLine().getErr().println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName()
                    + " --help' for more information.");
            return 2;
        });
        cli.setExecutionExceptionHandler((ex, c, parsed) -> {
            c.getErr().println("tandem: " + ex.getMessage());
            c.getErr().flush();
            return exitCodeOf(ex);
        });
        return cli.execute(args);
    }

    private static int exitCodeOf(Throwable e) {
        if (e instanceof CliFailure f) return f.exitCode();
        return e instanceof dev.tandem.core.Invalid ? 2 : 1;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** {@code tandem} with the node subcommand alone: what {@code tandem node ...} runs. */
    @Command(name = "tandem", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            subcommands = NodeCommand.class)
    static final class NodeOnly implements Runnable {
        @Override
        public void run() {
            throw new IllegalStateException("only tandem node is run this way");
        }
    }

    /** Reads the version Maven wrote into the jar. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
                if (in != null) p.load(in);
            }
            return new String[] {"tandem " + p.getProperty("version", "unknown")
                    + " (Java " + Runtime.version() + ")"};
        }
    }
}
