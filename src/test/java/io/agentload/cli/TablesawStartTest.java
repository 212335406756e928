package io.agentload.cli;

import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.fixed.FixedWidthReadOptions;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tablesaw's {@code Table} initialised without its class-path scan, in a fresh JVM each (a class is loaded once). */
class TablesawStartTest {

    /** What a child JVM prints: the scan's jar reader loaded or not, then what the table API did. */
    static final class Child {
        public static void main(String[] args) throws IOException {
            String classPath = System.getProperty("java.class.path");
            if (args[0].equals("start")) TablesawStart.initialise();
            Table t = Table.read().csv("a,b\n1,2\n3,4\n", "t");
            StringWriter csv = new StringWriter();
            t.write().csv(csv);
            System.out.println("rows " + t.rowCount() + ", csv " + csv.toString().replace("\n", "|")
                    + ", fixed width " + Table.defaultReaderRegistry.getReaderForOptions(
                            FixedWidthReadOptions.builder(new StringReader("")).build()).getClass().getSimpleName()
                    + ", class path kept " + classPath.equals(System.getProperty("java.class.path")));
        }
    }

    @Test
    void theTableClassScansNoJarAndItsCsvAndFixedWidthReadersWorkAsBefore() throws Exception {
        String plain = child("plain"), started = child("start");
        // The plain initialisation does read the class path's jars: the check below would see it.
        assertTrue(plain.contains("io.github.classgraph.ClasspathElementZip "), plain);
        assertFalse(started.contains("io.github.classgraph.ClasspathElementZip "), started);
        String expected = "rows 2, csv a,b|1,2|3,4|, fixed width FixedWidthReader, class path kept true";
        assertTrue(plain.contains(expected), plain);
        assertTrue(started.contains(expected), started);
    }

    private static String child(String mode) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xshare:off", "-Xlog:class+load=info:stdout", "-cp",
                System.getProperty("java.class.path"), Child.class.getName(), mode)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child did not end");
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
