package io.agentload.replay;

/**
 * Draws a search's {@code report.html} from its result. The {@code io.agentload.analysis} package provides the one a
 * run folder gets, found with {@link java.util.ServiceLoader}: the report shows the charts {@code Analysis} draws,
 * and the analysis package, which reads results from this one, stays above it.
 */
public interface SloReport {

    /** A self-contained HTML page of {@code result} (no scripts, no external files). */
    String html(SloResult result);
}
