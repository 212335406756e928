package io.agentload.analysis;

/** Input that an analysis cannot draw: an empty table, a run without trials, trials without power. */
public final class AnalysisException extends RuntimeException {

    AnalysisException(String message) {
        super(message);
    }
}
