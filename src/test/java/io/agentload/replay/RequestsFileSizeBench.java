package io.agentload.replay;

import io.agentload.internal.ParquetOutput;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import tech.tablesaw.api.Row;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Bytes per request of a run folder's {@code requests.parquet} rewritten in other encodings, and per column, for
 * docs/run-folder.md "Size of a big search". Not a test: {@code java -cp ... io.agentload.replay.RequestsFileSizeBench
 * RUNDIR...} (the folders must hold {@code trials.parquet}). Variants: the file as this version writes it; only the
 * rows of requests in flight during each window; the derived {@code ttft_s, output_tps, e2e_s} in single precision;
 * and, lossy and not adopted, times as integer microseconds since the trial's start.
 */
final class RequestsFileSizeBench {

    private RequestsFileSizeBench() {
    }

    public static void main(String[] args) throws IOException {
        Path tmp = Files.createTempDirectory("requests-size");
        for (String arg : args) {
            Path dir = Path.of(arg);
            List<RequestRecord> all = RequestsFile.read(dir.resolve(RequestLog.FILE));
            Map<Integer, double[]> windows = windows(dir);
            List<RequestRecord> window = all.stream()
                    .filter(r -> VirtualTimeDriver.inWindow(r, windows.get(r.trial())[1])).toList();
            System.out.printf("%s: %,d requests (%,d in flight during a window), file %,d bytes%n", dir, all.size(),
                    window.size(), Files.size(dir.resolve(RequestLog.FILE)));
            report("every row, as written now", tmp, all, all.size(), f -> RequestsFile.write(f, all, Map.of(),
                    CompressionCodecName.ZSTD, false));
            report("window rows only", tmp, window, all.size(), f -> RequestsFile.write(f, window, Map.of(),
                    CompressionCodecName.ZSTD, false));
            List<RequestRecord> sorted = new ArrayList<>(window);
            sorted.sort(Comparator.comparingInt(RequestRecord::trial).thenComparingDouble(RequestRecord::sendTime));
            report("window rows, sorted by send", tmp, sorted, all.size(), f -> RequestsFile.write(f, sorted, Map.of(),
                    CompressionCodecName.ZSTD, false));
            report("window rows, derived figures as float", tmp, window, all.size(),
                    f -> write(f, window, windows, false));
            report("window rows, derived as float, times as int64 us since trial start (lossy)", tmp, window,
                    all.size(), f -> write(f, window, windows, true));
        }
    }

    private interface Writer {
        void write(Path file) throws IOException;
    }

    private static void report(String name, Path tmp, List<RequestRecord> rows, int requests, Writer w)
            throws IOException {
        Path f = tmp.resolve("v.parquet");
        w.write(f);
        long bytes = Files.size(f);
        System.out.printf("  %-80s %,12d bytes, %6.1f B per row, %6.1f B per request%n", name, bytes,
                (double) bytes / rows.size(), (double) bytes / requests);
        TreeMap<String, Long> columns = new TreeMap<>();
        try (ParquetFileReader r = ParquetFileReader.open(new LocalInputFile(f))) {
            for (BlockMetaData b : r.getFooter().getBlocks()) {
                for (ColumnChunkMetaData c : b.getColumns()) {
                    columns.merge(c.getPath().toDotString(), c.getTotalSize(), Long::sum);
                }
            }
        }
        StringBuilder line = new StringBuilder("     ");
        columns.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> line.append(String.format(" %s %.1f", e.getKey(), (double) e.getValue() / rows.size())));
        System.out.println(line);
        Files.delete(f);
    }

    /** Trial -> {start, window start} from trials.parquet. */
    private static Map<Integer, double[]> windows(Path dir) {
        Table t = Run.open(dir).readTable(TrialsTable.FILE);
        Map<Integer, double[]> out = new HashMap<>();
        for (Row row : t) out.put(row.getInt("trial"), new double[]{row.getDouble("start_s"), row.getDouble("window_start_s")});
        return out;
    }

    private static final String VARIANT = """
            message request {
              required int32 trial;
              required int32 agent;
              required binary session_id (STRING);
              required int32 turn;
              required int64 salt;
              required binary phase (STRING);
              optional TIMES send_s;
              optional TIMES first_byte_s;
              optional TIMES first_token_s;
              optional TIMES last_token_s;
              optional TIMES end_s;
              required int32 input_tokens;
              optional int32 cached_tokens;
              required int32 output_tokens;
              required binary status (STRING);
              optional binary error (STRING);
              optional float ttft_s;
              optional float output_tps;
              optional float e2e_s;
              required int32 itl_count;
              optional float itl_mean_s;
              optional float itl_p50_s;
              optional float itl_p90_s;
              optional float itl_p99_s;
              optional float itl_max_s;
              optional TIMES written_s;
              optional binary parent_session_id (STRING);
              optional int32 parent_turn;
            }
            """;

    private static void write(Path f, List<RequestRecord> records, Map<Integer, double[]> windows, boolean micros)
            throws IOException {
        MessageType schema = MessageTypeParser.parseMessageType(VARIANT
                .replace("TIMES", micros ? "int64" : "double"));
        ParquetOutput.Settings settings = ParquetOutput.Settings.of(CompressionCodecName.ZSTD).withByteStreamSplit(true);
        ParquetOutput.write(f, schema, Map.of(), settings, records.size(), (row, out) -> {
            RequestRecord r = records.get(row);
            double start = windows.get(r.trial())[0];
            out.int32(0, r.trial());
            out.int32(1, r.agent());
            out.string(2, r.sessionId());
            out.int32(3, r.turn());
            out.int64(4, r.salt());
            out.string(5, r.phase().label());
            double[] times = {r.sendTime(), r.firstByteTime(), r.firstTokenTime(), r.lastTokenTime(), r.endTime()};
            for (int i = 0; i < times.length; i++) time(out, 6 + i, times[i], start, micros);
            out.int32(11, r.inputTokens());
            if (r.cachedTokens() >= 0) out.int32(12, r.cachedTokens());
            out.int32(13, r.outputTokens());
            out.string(14, r.status());
            if (!r.errorDetail().isEmpty()) out.string(15, r.errorDetail());
            out.float32OrNull(16, (float) r.ttft());
            out.float32OrNull(17, (float) r.outputTokensPerSecond());
            out.float32OrNull(18, (float) r.e2eLatency());
            RequestRecord.ItlSummary s = r.itl();
            out.int32(19, s.count());
            out.float32OrNull(20, s.mean());
            out.float32OrNull(21, s.p50());
            out.float32OrNull(22, s.p90());
            out.float32OrNull(23, s.p99());
            out.float32OrNull(24, s.max());
            time(out, 25, r.writtenTime(), start, micros);
            if (!r.parentSessionId().isEmpty()) {
                out.string(26, r.parentSessionId());
                out.int32(27, r.parentTurn());
            }
        });
    }

    private static void time(io.agentload.internal.ParquetFields out, int field, double t, double start,
                             boolean micros) {
        if (!micros) out.float64OrNull(field, t);
        else if (!Double.isNaN(t)) out.int64(field, Math.round((t - start) * 1e6));
    }
}
