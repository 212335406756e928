package io.agentload.cli;

import tech.tablesaw.api.Table;
import tech.tablesaw.io.csv.CsvReader;
import tech.tablesaw.io.csv.CsvWriter;
import tech.tablesaw.io.fixed.FixedWidthReader;
import tech.tablesaw.io.fixed.FixedWidthWriter;

import java.util.List;

/**
 * Initialises Tablesaw's {@link Table} class without the class-path scan of its static initialiser.
 *
 * <p>That initialiser scans every class-path entry with ClassGraph for the classes of {@code tech.tablesaw.io} that
 * read or write files, only to load them (each registers itself as it loads). Scanning means reading the central
 * directory of agentload's jar, all 64,581 entries: 1.4 s of CPU in a fresh JVM, about 0.75 s of a command's start
 * with class-data sharing, in every command, since every one touches a table (docs/simulator-speed.md, "Change 10:
 * outside the engine, again"). Here the scan sees an empty class path, and the readers and writers tablesaw-core
 * ships (CSV and fixed width, what the scan finds in the jar) are loaded by name, so {@code Table.read()} and
 * {@code table.write()} work as before.
 */
final class TablesawStart {

    /** The classes the scan would load from agentload's jar. */
    private static final List<Class<?>> READERS_AND_WRITERS =
            List.of(CsvReader.class, CsvWriter.class, FixedWidthReader.class, FixedWidthWriter.class);

    private TablesawStart() {
    }

    /**
     * Initialises {@link Table} and its file readers and writers. Call it first thing in {@code main}, while no other
     * thread runs: {@code java.class.path} reads empty meanwhile. Once {@link Table} is initialised it changes nothing.
     */
    static void initialise() {
        String classPath = System.getProperty("java.class.path");
        System.setProperty("java.class.path", "");
        try {
            load(Table.class);
        } finally {
            System.setProperty("java.class.path", classPath);
        }
        READERS_AND_WRITERS.forEach(TablesawStart::load);
    }

    private static void load(Class<?> type) {
        try {
            Class.forName(type.getName(), true, type.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(type + " was loaded, yet not found by name", e);
        }
    }
}
