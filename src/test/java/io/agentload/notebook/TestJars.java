package io.agentload.notebook;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/** Compiles tiny classes for the class path magics' tests. */
final class TestJars {

    private TestJars() {
    }

    /** Compiles {@code package pkg; public class Name { public static String hello() { return greeting; } }} into {@code dir}. */
    static Path compile(Path dir, String pkg, String name, String greeting) throws IOException {
        Path src = Files.createDirectories(dir.resolve("src"));
        Path file = src.resolve(name + ".java");
        Files.writeString(file, "package " + pkg + "; public class " + name
                + " { public static String hello() { return \"" + greeting + "\"; } }");
        Path classes = Files.createDirectories(dir.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int status = javac.run(null, null, null, "-d", classes.toString(), file.toString());
        if (status != 0) throw new IllegalStateException("javac failed on " + file);
        return classes;
    }

    /** A jar at {@code jar} holding the class {@link #compile} makes. */
    static Path jar(Path jar, String pkg, String name, String greeting) throws IOException {
        Path classes = compile(Files.createTempDirectory(jar.getParent(), "build"), pkg, name, greeting);
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
             Stream<Path> entries = Files.walk(classes)) {
            for (Path p : entries.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
                out.write(Files.readAllBytes(p));
                out.closeEntry();
            }
        }
        return jar;
    }
}
