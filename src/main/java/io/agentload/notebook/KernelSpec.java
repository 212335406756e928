package io.agentload.notebook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.agentload.internal.AtomicWrite;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A Jupyter kernelspec: the {@code kernel.json} that tells Jupyter how to start this kernel (a JDK 21+ java binary,
 * agentload's class path and the kernel's main class), installed into one of Jupyter's kernel directories.
 *
 * <pre>{@code
 * KernelSpec spec = KernelSpec.of(List.of(Path.of("target/agentload.jar")), "io.agentload.cli.Main", "kernel");
 * spec.withName("java").installInto(KernelSpec.userKernelsDir());
 * }</pre>
 *
 * @param name        the kernel's name in Jupyter (a notebook's {@code kernelspec.name}), also its directory's name
 * @param displayName the name Jupyter shows in its menus
 * @param argv        the command Jupyter runs; {@code {connection_file}} stands for the connection file
 */
public record KernelSpec(String name, String displayName, List<String> argv) {

    /** The name notebooks ask for: {@code java}, as IJava's and JJava's kernels are named. */
    public static final String DEFAULT_NAME = "java";
    /** The name Jupyter shows for this kernel unless told otherwise. */
    public static final String DEFAULT_DISPLAY_NAME = "Java (agentload)";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

    public KernelSpec {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new NotebookException("kernel name '" + name + "' may only hold letters, digits, '.', '_' and '-'");
        }
        if (displayName == null || displayName.isBlank()) throw new NotebookException("the display name is empty");
        argv = List.copyOf(argv);
        if (!argv.contains("{connection_file}")) throw new NotebookException("argv has no {connection_file}: " + argv);
    }

    /**
     * A kernelspec that runs {@code mainClass} with {@code args} and the connection file, on this JVM's java binary
     * with {@code classpath}, headless AWT, and the flags that keep JDK 22+ from warning about native access and
     * JDK 23+ about {@code sun.misc.Unsafe} (which Parquet's dependencies still use).
     */
    public static KernelSpec of(List<Path> classpath, String mainClass, String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(Path.of(System.getProperty("java.home"), "bin", isWindows() ? "java.exe" : "java").toString());
        argv.add("--enable-native-access=ALL-UNNAMED");
        if (Runtime.version().feature() >= 23) argv.add("--sun-misc-unsafe-memory-access=allow");
        argv.add("-Djava.awt.headless=true");
        argv.add("-cp");
        argv.add(classpath.stream().map(p -> p.toAbsolutePath().toString()).collect(Collectors.joining(File.pathSeparator)));
        argv.add(mainClass);
        argv.addAll(List.of(args));
        argv.add("{connection_file}");
        return new KernelSpec(DEFAULT_NAME, DEFAULT_DISPLAY_NAME, argv);
    }

    /** This spec under another kernel name. */
    public KernelSpec withName(String name) {
        return new KernelSpec(name, displayName, argv);
    }

    /** This spec with another display name. */
    public KernelSpec withDisplayName(String displayName) {
        return new KernelSpec(name, displayName, argv);
    }

    /** The {@code kernel.json} text; interrupts arrive as messages because a JVM cannot take SIGINT per cell. */
    public String toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("argv", argv);
        json.put("display_name", displayName);
        json.put("language", "java");
        json.put("interrupt_mode", "message");
        json.put("metadata", Map.of());
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes {@code kernel.json} and a logo into {@code kernelsDir/name}, replacing an earlier install, and returns
     * that directory. Each file is written to a temporary file first and renamed into place.
     */
    public Path installInto(Path kernelsDir) {
        Path dir = kernelsDir.resolve(name);
        try {
            Files.createDirectories(dir);
            AtomicWrite.write(dir.resolve("kernel.json"), toJson().getBytes(StandardCharsets.UTF_8));
            AtomicWrite.write(dir.resolve("logo-64x64.png"), logo(64));
        } catch (IOException e) {
            throw new NotebookException("cannot install the kernelspec into " + dir + ": " + e, e);
        }
        return dir;
    }

    /**
     * Jupyter's per-user kernels directory: {@code $JUPYTER_DATA_DIR/kernels} if set, else
     * {@code ~/.local/share/jupyter/kernels} (or {@code $XDG_DATA_HOME}) on Linux,
     * {@code ~/Library/Jupyter/kernels} on macOS, {@code %APPDATA%\jupyter\kernels} on Windows. {@code ~} is what
     * Jupyter's Python takes it to be: {@code $HOME} ({@code %USERPROFILE%} on Windows) when set, which Java's
     * {@code user.home} ignores, else {@code user.home}.
     */
    public static Path userKernelsDir() {
        return userKernelsDir(System.getenv(), System.getProperty("os.name"), Path.of(System.getProperty("user.home")));
    }

    static Path userKernelsDir(Map<String, String> env, String osName, Path userHome) {
        String os = osName.toLowerCase(Locale.ROOT);
        String homeVariable = env.get(os.startsWith("windows") ? "USERPROFILE" : "HOME");
        Path home = present(homeVariable) ? Path.of(homeVariable) : userHome;
        Path data;
        if (present(env.get("JUPYTER_DATA_DIR"))) data = Path.of(env.get("JUPYTER_DATA_DIR"));
        else if (os.startsWith("mac")) data = home.resolve("Library/Jupyter");
        else if (os.startsWith("windows") && present(env.get("APPDATA"))) data = Path.of(env.get("APPDATA"), "jupyter");
        else if (present(env.get("XDG_DATA_HOME"))) data = Path.of(env.get("XDG_DATA_HOME"), "jupyter");
        else data = home.resolve(".local/share/jupyter");
        return data.resolve("kernels");
    }

    /**
     * The kernels directory of the Python environment Jupyter runs in, {@code sys.prefix/share/jupyter/kernels}:
     * the Python is read from the {@code jupyter} command's {@code #!} line, else {@code python3} is asked.
     */
    public static Path sysPrefixKernelsDir() {
        List<String> python = jupyterPython();
        List<String> command = new ArrayList<>(python);
        command.addAll(List.of("-c", "import sys; print(sys.prefix)"));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0 || output.isEmpty()) {
                throw new NotebookException("cannot find sys.prefix with " + String.join(" ", command) + ": " + output);
            }
            return prefixKernelsDir(Path.of(output));
        } catch (IOException e) {
            throw new NotebookException("cannot run " + String.join(" ", python) + " to find sys.prefix: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotebookException("interrupted while asking " + String.join(" ", python) + " for sys.prefix");
        }
    }

    /** The kernels directory under an installation prefix: {@code prefix/share/jupyter/kernels}. */
    public static Path prefixKernelsDir(Path prefix) {
        return prefix.resolve("share/jupyter/kernels").toAbsolutePath();
    }

    /** The interpreter on the {@code #!} line of {@code jupyter} on the PATH, or {@code python3}. */
    static List<String> jupyterPython() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path jupyter = Path.of(dir, "jupyter");
            if (!Files.isRegularFile(jupyter)) continue;
            List<String> interpreter = shebang(jupyter);
            if (!interpreter.isEmpty()) return interpreter;
        }
        return List.of("python3");
    }

    static List<String> shebang(Path script) {
        try (var lines = Files.lines(script, StandardCharsets.ISO_8859_1)) {
            String first = lines.findFirst().orElse("");
            return first.startsWith("#!") ? List.of(first.substring(2).strip().split("\\s+")) : List.of();
        } catch (IOException | UncheckedIOException e) {
            return List.of();
        }
    }

    /** Three rising bars on a dark blue square: a benchmark's chart, drawn so that no font is needed. */
    static byte[] logo(int size) {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(new Color(0x1f, 0x4e, 0x79));
            g.fillRoundRect(0, 0, size, size, size / 4, size / 4);
            g.setColor(new Color(0xf2, 0xa9, 0x00));
            int bar = size / 6;
            for (int i = 0; i < 3; i++) {
                int height = size * (i + 2) / 6;
                g.fillRect(size / 6 + i * (bar + bar / 2), size * 5 / 6 - height, bar, height);
            }
        } finally {
            g.dispose();
        }
        return Png.bytes(image);
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }

    private static boolean isWindows() {
        return System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("windows");
    }
}
