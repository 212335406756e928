package io.agentload.trajectory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file all or nothing: into a hidden temporary file beside the target, flushed to disk, then renamed over
 * the target. A failure deletes the temporary file, so readers see the old file or the new one, never half of one.
 */
final class AtomicFile {

    /** Writes the content to a file that does not exist yet. */
    @FunctionalInterface
    interface Content {
        void writeTo(Path file) throws IOException;
    }

    private AtomicFile() {
    }

    static void write(Path target, Content content) {
        Path name = target.getFileName();
        if (name == null) throw new TrajectoryException(target + ": not a file name");
        if (Files.isDirectory(target)) throw new TrajectoryException(target + ": is a directory");
        // Not Files.createTempFile: its owner-only permissions would stay on the renamed file.
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
            deleteQuietly(temporary, e);
            if (e instanceof TrajectoryException te) throw te;
            throw new TrajectoryException(target + ": could not write: " + e.getClass().getSimpleName() + " "
                    + e.getMessage(), e);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteQuietly(Path temporary, Exception failure) {
        try {
            Files.deleteIfExists(temporary);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }
}
