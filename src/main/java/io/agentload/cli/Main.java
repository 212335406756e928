package io.agentload.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** The {@code agentload} command line: one subcommand per job, {@code --help} on each. */
@Command(name = "agentload",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Benchmark LLM inference systems on agentic (coding-agent) workloads.",
        subcommands = {
                CommandLine.HelpCommand.class,
                GenerateCommand.class,
                ImportCommand.class,
                StatsCommand.class,
                ReplayCommand.class,
                KernelCommand.class,
                ServeCommand.class,
                BenchCommand.class,
                SystemsCommand.class,
                ModelsCommand.class,
        })
public final class Main implements Runnable {

    /** Exit code of a run that failed on bad input or a failed job (bad usage exits with 2). */
    static final int FAILED = 1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        TablesawStart.initialise(); // before any other thread starts; see its Javadoc for why
        System.exit(run(args));
    }

    /** Runs one command line and returns its exit code; never calls {@code System.exit}. */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setParameterExceptionHandler(Main::usageError);
        cl.setExecutionExceptionHandler(Main::failure);
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Bad usage: one line naming the command and the reason, exit code 2. */
    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        String name = cmd.getCommandSpec().qualifiedName();
        err.println(name + ": " + e.getMessage() + " (see '" + name + " --help')");
        err.flush();
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** A job that failed on bad input: its message (which names the file, row and field), exit code 1. */
    private static int failure(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        err.println(cmd.getCommandSpec().qualifiedName() + ": " + describe(e));
        if (System.getenv("AGENTLOAD_DEBUG") != null) e.printStackTrace(err);
        err.flush();
        return FAILED;
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"agentload " + (v == null ? "development build" : v)};
        }
    }
}
