package io.agentload.trajectory;

/** A trajectory file could not be read or written; the message names the file, the line or row, and the field. */
public final class TrajectoryException extends RuntimeException {

    public TrajectoryException(String message) {
        super(message);
    }

    public TrajectoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
