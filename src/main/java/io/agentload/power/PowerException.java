package io.agentload.power;

/** A power source, sample file or summary request was bad; the message names the source, file, line or field. */
public final class PowerException extends RuntimeException {

    public PowerException(String message) {
        super(message);
    }

    public PowerException(String message, Throwable cause) {
        super(message, cause);
    }
}
