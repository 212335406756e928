package io.agentload.replay;

/** A run folder or a replay could not be read, written or resumed; the message names the file, row or field. */
public final class ReplayException extends RuntimeException {

    public ReplayException(String message) {
        super(message);
    }

    public ReplayException(String message, Throwable cause) {
        super(message, cause);
    }
}
