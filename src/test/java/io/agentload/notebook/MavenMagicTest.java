package io.agentload.notebook;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MavenMagicTest {

    @Test
    void pomDependsOnEachCoordinate() {
        String pom = MavenResolver.pom(List.of("org.example:lib:1.2.3", "org.example:natives:jar:linux-x86_64:4.0"));
        assertTrue(pom.contains("<dependency><groupId>org.example</groupId><artifactId>lib</artifactId>"
                + "<version>1.2.3</version></dependency>"), pom);
        assertTrue(pom.contains("<artifactId>natives</artifactId><version>4.0</version><type>jar</type>"
                + "<classifier>linux-x86_64</classifier>"), pom);
    }

    @Test
    void rejectsWhatIsNotACoordinate() {
        for (String bad : List.of("org.example:lib", "a:b:c:d:e:f", "org.example:lib:</version><x>", "g::1")) {
            String message = assertThrows(NotebookException.class, () -> MavenResolver.pom(List.of(bad))).getMessage();
            assertTrue(message.startsWith("not a Maven coordinate: " + bad), message);
        }
    }

    @Test
    void aMissingMavenSaysHowToGetIt() {
        String message = assertThrows(NotebookException.class,
                () -> new MavenResolver("/nonexistent/mvn").resolve(List.of("org.example:lib:1"))).getMessage();
        assertTrue(message.startsWith("%maven runs Maven, but '/nonexistent/mvn' did not start"), message);
    }

    /** Runs the machine's Maven; the artifact comes from ~/.m2 or, on a fresh machine, from Maven Central. */
    @Test
    @Tag("slow")
    void resolvesAnArtifactWithItsDependenciesAndAddsThem() {
        Assumptions.assumeTrue(onPath("mvn"), "mvn is not on the PATH");
        List<Path> jars = new MavenResolver("mvn").resolve(List.of("org.apache.commons:commons-text:1.12.0"));
        assertTrue(jars.stream().anyMatch(p -> p.getFileName().toString().equals("commons-text-1.12.0.jar")), jars.toString());
        assertTrue(jars.stream().anyMatch(p -> p.getFileName().toString().startsWith("commons-lang3-")), jars.toString());
        jars.forEach(p -> assertTrue(Files.isRegularFile(p), p + " is not a file"));
        try (NotebookKernel kernel = NotebookKernel.create()) {
            Object value = kernel.evalRaw("%maven org.apache.commons:commons-text:1.12.0\n"
                    + "org.apache.commons.text.WordUtils.capitalize(\"agent load\")");
            assertEquals("Agent Load", value);
        }
        String failure = assertThrows(NotebookException.class, () -> new MavenResolver("mvn")
                .resolve(List.of("io.agentload.nonexistent:nothing:0.0.1"))).getMessage();
        assertTrue(failure.startsWith("Maven could not resolve io.agentload.nonexistent:nothing:0.0.1:\n[ERROR]"), failure);
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) return true;
        }
        return false;
    }
}
