package io.agentload.replay;

import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A run folder (docs/design.md, "The run folder"): {@code run.json} (config, versions, hardware, endpoint, never
 * secrets), the request log {@code requests.parquet} appended while the run goes on, and the files the SLO search and
 * the power package add ({@code trials.parquet}, a simulated search's {@code agents.parquet}, {@code power.parquet},
 * {@code summary.json}, {@code report.html}).
 *
 * <pre>{@code
 * try (Run run = Run.builder(Path.of("runs/h200")).config(config).build()) {
 *     run.append(record);            // from a driver, while the trial runs
 * }                                  // close compacts requests.parquet
 * Run done = Run.open(Path.of("runs/h200"));
 * done.records(); done.manifest().config(); done.sloResult();
 * }</pre>
 *
 * <p>Records are durable once flushed (every 10,000 records or 10 s by default, and at each {@link #flush()}); see
 * {@link RequestLog} for the file layout. A run killed before {@link #close()} keeps every flushed record and
 * {@link #resume(Path)} continues it. Every file is written to a temporary file and renamed into place. Values
 * that look like secrets are redacted from {@code run.json}.
 *
 * <p>The request log keeps each request's inter-token gaps in brief (count, mean, p50, p90, p99, max), and every gap
 * only when {@link Builder#itlDetail(boolean) asked}: the gaps are one float per output token, most of a run's bytes.
 * A trial's ITL percentiles stay exact either way, computed from every gap while it runs ({@code trials.parquet}).
 */
public final class Run implements AutoCloseable {

    /** The run's description ({@link RunManifest}). */
    public static final String MANIFEST = ManifestFile.FILE;
    /** The request log, once the run is closed. */
    public static final String REQUESTS = RequestLog.FILE;
    /** The power samples of the run, measured or modelled (written by the {@code io.agentload.power} package). */
    public static final String POWER = "power.parquet";
    /** A finished search's or replay's summary ({@link SearchSummary}, {@link ReplaySummary}). */
    public static final String SUMMARY = "summary.json";
    /** A finished search's report: the tiers, the SLO curves and every trial, in one self-contained HTML page. */
    public static final String REPORT = "report.html";

    private final Path dir;
    private final RunManifest manifest;
    private final RequestLog log;

    private Run(Path dir, RunManifest manifest, RequestLog log) {
        this.dir = dir;
        this.manifest = manifest;
        this.log = log;
    }

    /** Starts describing a new run in {@code dir} (created if absent; it must not hold a run already). */
    public static Builder builder(Path dir) {
        return new Builder(dir);
    }

    /**
     * Reopens a run that was stopped or killed, to append more records; notes the resume in {@code run.json}. The run
     * keeps inter-token gaps as it was created to ({@code itl_detail} in {@code run.json}; runs recorded before that
     * field existed kept every gap, and go on keeping them).
     */
    public static Run resume(Path dir) {
        RunManifest manifest = ManifestFile.write(dir, ManifestFile.read(dir).resumed(Instant.now()));
        return new Run(dir, manifest, new RequestLog(dir, Builder.DEFAULT_ROWS, Builder.DEFAULT_INTERVAL.toNanos(),
                manifest.keepsEveryGap()));
    }

    /** Opens a run to read it; appending to it fails. */
    public static Run open(Path dir) {
        return new Run(dir, ManifestFile.read(dir), null);
    }

    /** The run's folder. */
    public Path dir() {
        return dir;
    }

    /** When the run was created (its clock's zero for a real-time run). */
    public Instant startedAt() {
        return manifest.started();
    }

    /** True when the request log keeps every inter-token gap ({@code itl_s}), not only their summary. */
    public boolean itlDetail() {
        return manifest.keepsEveryGap();
    }

    /** The contents of {@code run.json}, secrets already redacted. */
    public RunManifest manifest() {
        return manifest;
    }

    /**
     * The result of the search this run recorded: the tiers of {@code summary.json} and every trial, rebuilt from
     * {@code trials.parquet} and the recorded requests (or, for a trial whose requests' rows a simulated search did
     * not keep, from {@code agents.parquet}), so that analyses of a run folder see what the search saw.
     *
     * @throws ReplayException when the search has not finished (no {@code summary.json}: resume it), or a file does
     *                         not read, naming the file and field
     */
    public SloResult sloResult() {
        return SearchFiles.read(this);
    }

    /** The {@code summary.json} of the search this run recorded. */
    public SearchSummary searchSummary() {
        return SummaryFile.readSearch(this);
    }

    /** The {@code summary.json} of the replay this run recorded. */
    public ReplaySummary replaySummary() {
        return SummaryFile.readReplay(this);
    }

    /**
     * Appends a record to the request log; it is on disk after the next flush. Thread-safe; the thread whose append
     * triggers a flush writes the part, the others do not wait for it.
     */
    public void append(RequestRecord record) {
        writableLog().append(record);
    }

    /** Writes every appended record to disk and returns once they are there. */
    public void flush() {
        writableLog().flush();
    }

    /**
     * Every record of the run, in the order they were appended; on a run being written, flushes first. A finished
     * simulated search keeps only some (docs/run-folder.md, "Size of a big search").
     */
    public List<RequestRecord> records() {
        if (log != null) log.flush();
        return RequestLog.read(dir);
    }

    /**
     * Makes {@link #close()} keep in {@code requests.parquet} only the records of {@code trials} (see
     * {@link RequestLog#keepOnly}); a run killed before then keeps every record.
     */
    void keepRecordsOf(Set<Integer> trials) {
        writableLog().keepOnly(trials);
    }

    /** Writes a table as a plain Parquet file {@code fileName} in the run folder (int, long, double, boolean, string columns). */
    public void writeTable(String fileName, Table table) {
        ParquetFiles.writeTable(file(fileName), table);
    }

    /** Reads a flat Parquet file of the run folder as a table. */
    public Table readTable(String fileName) {
        Path f = file(fileName);
        if (!Files.exists(f)) throw new ReplayException(f + " does not exist");
        return ParquetFiles.readTable(f);
    }

    /** True when the run folder holds {@code fileName}. */
    public boolean has(String fileName) {
        return Files.exists(file(fileName));
    }

    /** Writes a UTF-8 text file {@code fileName} in the run folder (a report, say). */
    public void writeText(String fileName, String text) {
        ParquetFiles.atomically(file(fileName), tmp -> Files.writeString(tmp, text, StandardCharsets.UTF_8));
    }

    /** Flushes and compacts the request log into {@code requests.parquet}. */
    @Override
    public void close() {
        if (log != null) log.close();
    }

    private RequestLog writableLog() {
        if (log == null) throw new ReplayException(dir + " was opened to read; use Run.resume to append to it");
        return log;
    }

    private Path file(String fileName) {
        if (fileName.isBlank() || fileName.contains("/") || fileName.contains("\\") || fileName.startsWith(".")) {
            throw new IllegalArgumentException("'" + fileName + "' is not a plain file name");
        }
        return dir.resolve(fileName);
    }

    /** Describes a new run: its configuration, the hardware under test and the endpoint, then creates it. */
    public static final class Builder {
        static final int DEFAULT_ROWS = 10_000;
        static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

        private final Path dir;
        private RunManifest.Config config = new RunManifest.Fields(Map.of());
        private RunManifest.Hardware hardware = new RunManifest.Fields(Map.of());
        private RunManifest.EndpointInfo endpoint = new RunManifest.Fields(Map.of());
        private int flushRows = DEFAULT_ROWS;
        private Duration flushInterval = DEFAULT_INTERVAL;
        private boolean itlDetail;
        private boolean journalled = true;

        private Builder(Path dir) {
            this.dir = dir;
        }

        /** Run settings (seeds, tiers, window...); secret-looking values are redacted. */
        public Builder config(RunManifest.Config config) {
            this.config = config;
            return this;
        }

        /** The system under test (a simulator profile, or the GPUs stated); secret-looking values are redacted. */
        public Builder hardware(RunManifest.Hardware hardware) {
            this.hardware = hardware;
            return this;
        }

        /** The endpoint (URL, model, API mode); credentials in URLs and keys are redacted. */
        public Builder endpoint(RunManifest.EndpointInfo endpoint) {
            this.endpoint = endpoint;
            return this;
        }

        /** Flushes the request log every {@code rows} records or {@code interval} of wall time, whichever first. */
        public Builder flushEvery(int rows, Duration interval) {
            if (rows < 1) throw new IllegalArgumentException("flush rows " + rows + " < 1");
            this.flushRows = rows;
            this.flushInterval = interval;
            return this;
        }

        /**
         * Keeps every request's inter-token gaps ({@code itl_s} in {@code requests.parquet}), not only their summary
         * (off by default: the gaps are one float per output token, 74 MB of the default bench's 77 MB).
         */
        public Builder itlDetail(boolean keep) {
            this.itlDetail = keep;
            return this;
        }

        /** Journals each record as it is appended (the default), or not: a simulated run's ({@link RequestLog}). */
        Builder journalled(boolean journalled) {
            this.journalled = journalled;
            return this;
        }

        /** Creates the folder and writes {@code run.json}: the run, open for its records. */
        public Run build() {
            if (Files.exists(dir.resolve(MANIFEST))) {
                throw new ReplayException(dir + " already holds a run; resume it or choose another folder");
            }
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new ReplayException("cannot create run folder " + dir + ": " + e.getMessage(), e);
            }
            RunManifest manifest = ManifestFile.write(dir, new RunManifest(RunManifest.FORMAT,
                    Instant.now().toString(),
                    new RunManifest.Versions(version(), System.getProperty("java.version"),
                            System.getProperty("os.name") + " " + System.getProperty("os.arch")),
                    new RunManifest.Client(Runtime.getRuntime().availableProcessors()), hardware, endpoint, config,
                    itlDetail, null));
            return new Run(dir, manifest, new RequestLog(dir, flushRows, flushInterval.toNanos(), itlDetail,
                    journalled));
        }

        private static String version() {
            String v = Run.class.getPackage().getImplementationVersion();
            return v == null ? "development build" : v;
        }
    }
}
