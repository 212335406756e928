package io.agentload.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file all or nothing: into a hidden temporary file in the same folder, flushed to disk, then moved
 * atomically over the target. A failure deletes the temporary file, so readers see the old file or the new one,
 * never half of one, and no temporary file is left behind.
 */
public final class AtomicWrite {

    /** Writes the content to a file that does not exist yet. */
    @FunctionalInterface
    public interface Content {
        void writeTo(Path file) throws IOException;
    }

    private AtomicWrite() {
    }

    /**
     * Writes {@code target} through {@code content}, creating its folder if needed and replacing an earlier file.
     * Exceptions from {@code content} pass through as they are, after the temporary file is deleted.
     *
     * @throws FileSystemException with the reason "is a directory" or "not a file name" for a target that cannot be
     *                             a file (a move would replace an empty directory)
     */
    public static void write(Path target, Content content) throws IOException {
        Path name = target.getFileName();
        if (name == null) throw new FileSystemException(target.toString(), null, "not a file name");
        if (Files.isDirectory(target)) throw new FileSystemException(target.toString(), null, "is a directory");
        // Not Files.createTempFile: its owner-only permissions would stay on the moved file.
        Path temporary = target.resolveSibling("." + name + "." + Long.toUnsignedString(
                ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
        try {
            Path parent = target.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            content.writeTo(temporary);
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            move(temporary, target);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** Writes {@code bytes} to {@code target} atomically. */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, file -> Files.write(file, bytes));
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
