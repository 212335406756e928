package io.agentload.endpoint;

/**
 * An endpoint could not be configured: a bad base URL, or a required API key variable that is not set. Faults of the
 * endpoint itself (a refused connection, an HTTP error, a malformed stream) never escape {@link Endpoint#send}: they
 * become {@link CompletionResult}s whose status names the fault.
 */
public final class EndpointException extends RuntimeException {

    /** An exception whose message names the setting, or the part of a stream, that is wrong. */
    public EndpointException(String message) {
        super(message);
    }
}
