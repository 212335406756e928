package io.agentload.cli;

import io.agentload.notebook.NotebookKernel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code agentload kernel CONNECTION_FILE}: the Jupyter kernel, as {@code kernel.json} starts it. */
@Command(name = "kernel",
        mixinStandardHelpOptions = true,
        description = {"Runs the Java Jupyter kernel on a connection file (Jupyter does this).",
                "Install it first: agentload kernel install"},
        subcommands = KernelInstallCommand.class)
final class KernelCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "CONNECTION_FILE", description = "Jupyter's connection file.")
    Path connectionFile;

    @Override
    public Integer call() {
        if (connectionFile == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "missing CONNECTION_FILE (Jupyter passes it; to set the kernel up run 'agentload kernel install')");
        }
        if (!Files.isRegularFile(connectionFile)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "no such connection file: " + connectionFile);
        }
        try (NotebookKernel kernel = NotebookKernel.create()) {
            kernel.run(connectionFile);
        }
        return 0;
    }
}
