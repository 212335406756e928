package io.agentload.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AtomicWriteTest {

    @TempDir
    Path dir;

    /** Writes half the content, then fails as a full disk or a crashing writer would. */
    private static void failMidway(Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write("half of the ".getBytes());
            throw new IOException("No space left on device");
        }
    }

    @Test
    void failureMidwayLeavesNoFile() throws IOException {
        Path file = dir.resolve("turns.jsonl");
        IOException e = assertThrows(IOException.class, () -> AtomicWrite.write(file, AtomicWriteTest::failMidway));
        assertEquals("No space left on device", e.getMessage());
        assertEquals(List.of(), listing());
    }

    @Test
    void failureMidwayLeavesTheExistingFileUntouched() throws IOException {
        Path file = dir.resolve("turns.jsonl");
        Files.writeString(file, "old content\n");
        assertThrows(IOException.class, () -> AtomicWrite.write(file, AtomicWriteTest::failMidway));
        assertEquals("old content\n", Files.readString(file));
        assertEquals(List.of(file), listing());
    }

    @Test
    void aRuntimeFailurePassesThroughUnwrappedAndLeavesNoTemporaryFile() throws IOException {
        UncheckedIOException ours = new UncheckedIOException(new IOException("t.csv row 3: turn is missing"));
        assertSame(ours, assertThrows(UncheckedIOException.class, () -> AtomicWrite.write(dir.resolve("t.csv"), f -> {
            Files.writeString(f, "partial");
            throw ours;
        })));
        assertEquals(List.of(), listing());
    }

    @Test
    void successReplacesTheFileWithTheUsualPermissions() throws IOException {
        Path file = dir.resolve("turns.csv");
        Files.writeString(file, "old");
        AtomicWrite.write(file, f -> Files.writeString(f, "new"));
        assertEquals("new", Files.readString(file));
        assertEquals(List.of(file), listing());
        // A temporary file from Files.createTempFile would have left the result readable by its owner only.
        assertTrue(Files.getPosixFilePermissions(file).contains(PosixFilePermission.OWNER_READ));
        assertEquals(Files.getPosixFilePermissions(file), Files.getPosixFilePermissions(
                Files.writeString(dir.resolve("plain"), "x")));
    }

    @Test
    void writesBytesAndCreatesTheFolder() throws IOException {
        Path file = dir.resolve("a/b/chart.png");
        AtomicWrite.write(file, new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(file));
        try (var files = Files.list(file.getParent())) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void aDirectoryInTheWayIsNamedAndKept() throws IOException {
        Path target = dir.resolve("taken.parquet");
        Files.createDirectories(target);
        FileSystemException e = assertThrows(FileSystemException.class,
                () -> AtomicWrite.write(target, f -> Files.writeString(f, "x")));
        assertEquals(target + ": is a directory", e.getMessage());
        assertEquals(List.of(target), listing());
        assertTrue(Files.isDirectory(target));
    }

    private List<Path> listing() throws IOException {
        try (var files = Files.list(dir)) {
            return files.toList();
        }
    }
}
