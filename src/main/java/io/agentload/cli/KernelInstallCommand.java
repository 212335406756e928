package io.agentload.cli;

import io.agentload.notebook.KernelSpec;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code agentload kernel install}: writes the kernelspec that lets Jupyter start the Java kernel, pointing at the
 * jar this command runs from (or, in a development build, at this JVM's class path).
 */
@Command(name = "install",
        mixinStandardHelpOptions = true,
        description = "Installs the Java (agentload) kernel for Jupyter.")
final class KernelInstallCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--name", paramLabel = "NAME", defaultValue = KernelSpec.DEFAULT_NAME,
            description = "Kernel name, which notebooks ask for (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--display-name", paramLabel = "TEXT", defaultValue = KernelSpec.DEFAULT_DISPLAY_NAME,
            description = "Name shown in Jupyter's menus (default: ${DEFAULT-VALUE}).")
    String displayName;

    @ArgGroup(exclusive = true)
    Location location = new Location();

    static final class Location {
        @Option(names = "--user", description = "Install for this user (the default).")
        boolean user;

        @Option(names = "--sys-prefix", description = "Install into the Python environment that runs jupyter.")
        boolean sysPrefix;

        @Option(names = "--prefix", paramLabel = "DIR", description = "Install into DIR/share/jupyter/kernels.")
        Path prefix;
    }

    @Override
    public Integer call() {
        Path kernelsDir = location.prefix != null ? KernelSpec.prefixKernelsDir(location.prefix)
                : location.sysPrefix ? KernelSpec.sysPrefixKernelsDir()
                : KernelSpec.userKernelsDir();
        KernelSpec kernel = KernelSpec.of(classpath(), Main.class.getName(), "kernel")
                .withName(name)
                .withDisplayName(displayName);
        Path dir = kernel.installInto(kernelsDir);
        spec.commandLine().getOut().println("Installed kernel '" + kernel.name() + "' (" + kernel.displayName() + ") in " + dir);
        return 0;
    }

    /** The jar this runs from; in a development build (classes in directories) this JVM's whole class path. */
    static List<Path> classpath() {
        try {
            Path source = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(source)) return List.of(source.toAbsolutePath());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate agentload's classes", e);
        }
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.isEmpty())
                .map(entry -> Path.of(entry).toAbsolutePath())
                .toList();
    }
}
