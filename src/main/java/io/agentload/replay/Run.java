package io.agentload.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run folder (docs/design.md, "The run folder"): {@code run.json} (config, versions, hardware, endpoint, never
 * secrets), the request log {@code requests.parquet} appended while the run goes on, and the files the SLO search and
 * the power package add ({@code trials.parquet}, {@code power.parquet}, {@code summary.json}, {@code report.html}).
 *
 * <pre>{@code
 * try (Run run = Run.builder(Path.of("runs/h200")).config(Map.of("tiers", "20,60,100")).build()) {
 *     run.append(record);            // from a driver, while the trial runs
 * }                                  // close compacts requests.parquet
 * List<RequestRecord> records = Run.open(Path.of("runs/h200")).records();
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

    /** The run's description. */
    public static final String MANIFEST = "run.json";
    /** The request log, once the run is closed. */
    public static final String REQUESTS = RequestLog.FILE;
    /** The power samples of the run, measured or modelled (written by the {@code io.agentload.power} package). */
    public static final String POWER = "power.parquet";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String ITL_DETAIL = "itl_detail";

    private final Path dir;
    private final ObjectNode manifest;
    private final RequestLog log;

    private Run(Path dir, ObjectNode manifest, RequestLog log) {
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
        ObjectNode manifest = readManifest(dir);
        ArrayNode resumed = manifest.has("resumed_at") && manifest.get("resumed_at").isArray()
                ? (ArrayNode) manifest.get("resumed_at") : manifest.putArray("resumed_at");
        resumed.add(Instant.now().toString());
        writeJson(dir.resolve(MANIFEST), manifest);
        return new Run(dir, manifest, new RequestLog(dir, Builder.DEFAULT_ROWS, Builder.DEFAULT_INTERVAL.toNanos(),
                itlDetail(manifest)));
    }

    /** Opens a run to read it; appending to it fails. */
    public static Run open(Path dir) {
        return new Run(dir, readManifest(dir), null);
    }

    /** The run's folder. */
    public Path dir() {
        return dir;
    }

    /** When the run was created (its clock's zero for a real-time run). */
    public Instant startedAt() {
        return Instant.parse(manifest.path("started_at").asText());
    }

    /** True when the request log keeps every inter-token gap ({@code itl_s}), not only their summary. */
    public boolean itlDetail() {
        return itlDetail(manifest);
    }

    private static boolean itlDetail(JsonNode manifest) {
        return manifest.path(ITL_DETAIL).asBoolean(true);
    }

    /** The contents of {@code run.json}, secrets already redacted. */
    public JsonNode manifest() {
        return manifest.deepCopy();
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

    /** Every record of the run, in the order they were appended; on a run being written, flushes first. */
    public List<RequestRecord> records() {
        if (log != null) log.flush();
        return RequestLog.read(dir);
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

    private static ObjectNode readManifest(Path dir) {
        Path f = dir.resolve(MANIFEST);
        if (!Files.exists(f)) throw new ReplayException(dir + " is not a run folder: it has no " + MANIFEST);
        try {
            JsonNode node = JSON.readTree(f.toFile());
            if (!(node instanceof ObjectNode o) || !o.path("started_at").isTextual()) {
                throw new ReplayException(f + ": expected a JSON object with a \"started_at\" field");
            }
            return o;
        } catch (IOException e) {
            throw new ReplayException(f + ": " + e.getMessage(), e);
        }
    }

    private static void writeJson(Path target, JsonNode json) {
        ParquetFiles.atomically(target, tmp -> JSON.writeValue(tmp.toFile(), json));
    }

    /** Describes a new run: its configuration, the hardware under test and the endpoint, then creates it. */
    public static final class Builder {
        static final int DEFAULT_ROWS = 10_000;
        static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

        private final Path dir;
        private final Map<String, Object> config = new LinkedHashMap<>();
        private final Map<String, Object> hardware = new LinkedHashMap<>();
        private final Map<String, Object> endpoint = new LinkedHashMap<>();
        private int flushRows = DEFAULT_ROWS;
        private Duration flushInterval = DEFAULT_INTERVAL;
        private boolean itlDetail;

        private Builder(Path dir) {
            this.dir = dir;
        }

        /** Run settings (command-line options, seeds, tiers...); secret-looking values are redacted. */
        public Builder config(Map<String, ?> values) {
            config.putAll(values);
            return this;
        }

        /** The system under test (a simulator profile, or the GPUs found); secret-looking values are redacted. */
        public Builder hardware(Map<String, ?> values) {
            hardware.putAll(values);
            return this;
        }

        /** The endpoint (URL, model, API mode); credentials in URLs and keys are redacted. */
        public Builder endpoint(Map<String, ?> values) {
            endpoint.putAll(values);
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
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("format", "agentload-run/1");
            m.put("started_at", Instant.now().toString());
            m.put("versions", Map.of(
                    "agentload", version(),
                    "java", System.getProperty("java.version"),
                    "os", System.getProperty("os.name") + " " + System.getProperty("os.arch")));
            m.put("client", Map.of("cpus", Runtime.getRuntime().availableProcessors()));
            m.put("hardware", Secrets.redact(hardware));
            m.put("endpoint", Secrets.redact(endpoint));
            m.put("config", Secrets.redact(config));
            m.put(ITL_DETAIL, itlDetail);
            ObjectNode manifest = JSON.valueToTree(m);
            writeJson(dir.resolve(MANIFEST), manifest);
            return new Run(dir, manifest, new RequestLog(dir, flushRows, flushInterval.toNanos(), itlDetail));
        }

        private static String version() {
            String v = Run.class.getPackage().getImplementationVersion();
            return v == null ? "development build" : v;
        }
    }
}
