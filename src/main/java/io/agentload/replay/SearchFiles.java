package io.agentload.replay;

import java.util.List;
import java.util.ServiceLoader;

/**
 * The files a finished search leaves in its run folder, written and read back: {@code trials.parquet} (every trial
 * judged by every tier), {@code summary.json} ({@link SearchSummary}) and {@code report.html} ({@link SloResult.Report}).
 */
final class SearchFiles {

    private SearchFiles() {
    }

    /** The report's provider, looked up once, when the first report is written. */
    private static final class Report {
        static final SloResult.Report PAGE = ServiceLoader.load(SloResult.Report.class, SloResult.Report.class.getClassLoader()).findFirst()
                .orElseThrow(() -> new IllegalStateException("no report.html provider: META-INF/services/"
                        + SloResult.Report.class.getName() + " is missing from the classpath"));
    }

    /** Writes the files of a simulated search's result. */
    static void write(Run run, SloResult result) {
        run.writeTable(TrialsTable.FILE, result.trialsTable());
        SummaryFile.write(run, SearchSummary.of(result));
        run.writeText(Run.REPORT, Report.PAGE.html(result));
    }

    /** The result a finished search wrote into {@code run}, its trials rebuilt from their requests. */
    static SloResult read(Run run) {
        SearchSummary summary = SummaryFile.readSearch(run);
        List<TrialMetrics> trials = TrialsTable.load(run, run.records());
        return new SloResult(summary.tierResults(), trials, summary.gpus());
    }
}
