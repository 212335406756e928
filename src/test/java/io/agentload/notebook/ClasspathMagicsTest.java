package io.agentload.notebook;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code %jars} and {@code %classpath}: what they add must compile and load in the next cells. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClasspathMagicsTest {

    private NotebookKernel kernel;

    @BeforeAll
    void start() {
        kernel = NotebookKernel.create();
    }

    @AfterAll
    void stop() {
        kernel.close();
    }

    @Test
    void jarsMagicAddsAJarThatLaterCodeUses(@TempDir Path dir) throws IOException {
        Path jar = TestJars.jar(dir.resolve("greeting.jar"), "jarsone", "Greeting", "hello from a jar");
        assertEquals("hello from a jar", kernel.evalRaw("%jars " + jar + "\njarsone.Greeting.hello()"));
    }

    @Test
    void jarsMagicTakesGlobsAndDirectoriesRelativeToItsBase(@TempDir Path dir) throws IOException {
        Path lib = Files.createDirectories(dir.resolve("lib"));
        TestJars.jar(lib.resolve("a.jar"), "globa", "A", "a");
        TestJars.jar(lib.resolve("b.jar"), "globb", "B", "b");
        Files.writeString(lib.resolve("notes.txt"), "not a jar");
        assertEquals(List.of(lib.resolve("a.jar"), lib.resolve("b.jar")), ClasspathEntries.expand("lib/*.jar", dir, true));
        assertEquals(List.of(lib.resolve("a.jar"), lib.resolve("b.jar")), ClasspathEntries.expand("lib", dir, true));
        new JarsMagic(dir).eval(kernel, List.of("lib/*.jar"));
        assertEquals("ab", kernel.evalRaw("globa.A.hello() + globb.B.hello()"));
    }

    @Test
    void classpathMagicAddsADirectoryOfClasses(@TempDir Path dir) throws IOException {
        Path classes = TestJars.compile(dir, "dirone", "FromDir", "hello from a directory");
        assertEquals("hello from a directory", kernel.evalRaw("%classpath " + classes + "\ndirone.FromDir.hello()"));
    }

    @Test
    void missingFilesAndEmptyGlobsNameWhatWasAskedFor(@TempDir Path dir) {
        String missing = assertThrows(NotebookException.class,
                () -> kernel.evalRaw("int before = 1;\n%jars " + dir.resolve("absent.jar"))).getMessage();
        assertEquals("line 2: %jars: no such file: " + dir.resolve("absent.jar") + " (" + dir.resolve("absent.jar") + ")",
                missing);
        String empty = assertThrows(NotebookException.class,
                () -> new JarsMagic(dir).eval(kernel, List.of("lib/*.jar"))).getMessage();
        assertEquals("nothing matches lib/*.jar (looked in " + dir.resolve("lib") + ")", empty);
        assertTrue(assertThrows(NotebookException.class, () -> kernel.evalRaw("%classpath")).getMessage()
                .startsWith("line 1: %classpath: name jar files"));
    }
}
