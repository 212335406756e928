package io.agentload.notebook;

/**
 * A cell, a magic or a kernel setup step failed; the message names the cell line (with the compiler's message or the
 * exception and the user code it passed through), the file or the Maven coordinate.
 */
public final class NotebookException extends RuntimeException {

    public NotebookException(String message) {
        super(message);
    }

    public NotebookException(String message, Throwable cause) {
        super(message, cause);
    }
}
