package io.agentload.replay;

import io.agentload.internal.ParquetInput;
import io.agentload.internal.ParquetOutput;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.agentload.internal.ParquetInput.doubleOrNaN;
import static io.agentload.internal.ParquetInput.floatOrNaN;

/**
 * The columns of {@code requests.parquet}: one row per {@link RequestRecord}, times in seconds ({@code _s}), NaN
 * times and unreported cached tokens as nulls, plus the derived {@code ttft_s}, {@code output_tps} and
 * {@code e2e_s} so that DuckDB or pandas need no formulas (single precision since 2026-12-07: the times give them
 * exactly, and doubles cost 8 of a row's 78 bytes), each request's inter-token gaps in brief
 * ({@code itl_count}, {@code itl_mean_s}, {@code itl_p50_s}, {@code itl_p90_s}, {@code itl_p99_s}, {@code itl_max_s})
 * and, only when the run keeps them, the gaps themselves as a list of floats ({@code itl_s}, null otherwise); for a
 * subagent's request, the session and turn that spawned it ({@code parent_session_id}, {@code parent_turn}; null for
 * a top-level session's, and in files written before these columns existed).
 *
 * <p>The gaps are most of a file's bytes when kept (one float per output token), so a run keeps them only when asked.
 * A compressed file stores its float and double columns byte-stream-split (each value's bytes in separate streams,
 * which a compressor packs far better): with ZSTD, the default bench's log takes 5.7 MB in brief and 14 MB with every
 * gap, against 7.3 MB and 72 MB with plain Snappy. Files written before the summary columns existed hold every gap,
 * and read with the summary computed from them.
 */
final class RequestsFile {

    static final MessageType SCHEMA = MessageTypeParser.parseMessageType("""
            message request {
              required int32 trial;
              required int32 agent;
              required binary session_id (STRING);
              required int32 turn;
              required int64 salt;
              required binary phase (STRING);
              optional double send_s;
              optional double first_byte_s;
              optional double first_token_s;
              optional double last_token_s;
              optional double end_s;
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
              optional group itl_s (LIST) {
                repeated group list {
                  required float element;
                }
              }
              optional double written_s;
              optional binary parent_session_id (STRING);
              optional int32 parent_turn;
            }
            """);

    private RequestsFile() {
    }

    /**
     * Writes {@code records} to {@code target} atomically, with {@code metadata} in the footer, and the gaps
     * themselves when {@code keepGaps}. Records go straight to Parquet's record consumer (no intermediate row
     * objects): the log writes every request of every trial.
     */
    static void write(Path target, List<RequestRecord> records, Map<String, String> metadata,
                      CompressionCodecName codec, boolean keepGaps) {
        // An uncompressed file is a part of the log, read back once at close and deleted: plain values, whose
        // writing costs least (a dictionary of every time column is built only to be dropped).
        boolean part = codec == CompressionCodecName.UNCOMPRESSED;
        ParquetOutput.Settings settings = ParquetOutput.Settings.of(codec).withByteStreamSplit(!part)
                .withDictionary(!part);
        ParquetFiles.write(target, SCHEMA, metadata, settings, records.size(), (row, out) -> {
            RequestRecord r = records.get(row);
            out.int32(0, r.trial());
            out.int32(1, r.agent());
            out.string(2, r.sessionId());
            out.int32(3, r.turn());
            out.int64(4, r.salt());
            out.string(5, r.phase().label());
            out.float64OrNull(6, r.sendTime());
            out.float64OrNull(7, r.firstByteTime());
            out.float64OrNull(8, r.firstTokenTime());
            out.float64OrNull(9, r.lastTokenTime());
            out.float64OrNull(10, r.endTime());
            out.int32(11, r.inputTokens());
            if (r.cachedTokens() >= 0) out.int32(12, r.cachedTokens());
            out.int32(13, r.outputTokens());
            out.string(14, r.status());
            if (!r.errorDetail().isEmpty()) out.string(15, r.errorDetail());
            // Single precision: the record's times give them exactly, so nothing reads these back.
            out.float32OrNull(16, (float) r.ttft());
            out.float32OrNull(17, (float) r.outputTokensPerSecond());
            out.float32OrNull(18, (float) r.e2eLatency());
            RequestRecord.ItlSummary summary = r.itl();
            out.int32(19, summary.count());
            out.float32OrNull(20, summary.mean());
            out.float32OrNull(21, summary.p50());
            out.float32OrNull(22, summary.p90());
            out.float32OrNull(23, summary.p99());
            out.float32OrNull(24, summary.max());
            if (keepGaps) out.float32List(25, r.interTokenLatencies());
            out.float64OrNull(26, r.writtenTime());
            if (!r.parentSessionId().isEmpty()) {
                out.string(27, r.parentSessionId());
                out.int32(28, r.parentTurn());
            }
        });
    }

    /** Every record of {@code file}, in file order. */
    static List<RequestRecord> read(Path file) {
        List<RequestRecord> records = new ArrayList<>();
        ParquetFiles.read(file, (row, g) -> {
            try {
                records.add(record(g));
            } catch (RuntimeException e) {
                throw new ReplayException(file + " row " + row + ": " + e.getMessage(), e);
            }
        });
        return records;
    }

    private static RequestRecord record(Group g) {
        // Files written before the summary columns existed kept every gap: the record summarises them itself.
        RequestRecord.ItlSummary summary = !g.getType().containsField("itl_count") ? null
                : new RequestRecord.ItlSummary(g.getInteger("itl_count", 0), floatOrNaN(g, "itl_mean_s"),
                        floatOrNaN(g, "itl_p50_s"), floatOrNaN(g, "itl_p90_s"), floatOrNaN(g, "itl_p99_s"),
                        floatOrNaN(g, "itl_max_s"));
        return new RequestRecord(
                g.getInteger("trial", 0),
                g.getInteger("agent", 0),
                g.getString("session_id", 0),
                g.getInteger("turn", 0),
                g.getLong("salt", 0),
                RequestRecord.Phase.ofLabel(g.getString("phase", 0)),
                doubleOrNaN(g, "send_s"),
                doubleOrNaN(g, "written_s"),
                doubleOrNaN(g, "first_byte_s"),
                doubleOrNaN(g, "first_token_s"),
                doubleOrNaN(g, "last_token_s"),
                doubleOrNaN(g, "end_s"),
                g.getInteger("input_tokens", 0),
                ParquetInput.present(g, "cached_tokens") ? g.getInteger("cached_tokens", 0) : -1,
                g.getInteger("output_tokens", 0),
                g.getString("status", 0),
                ParquetInput.present(g, "error") ? g.getString("error", 0) : "",
                ParquetInput.floatList(g, "itl_s"),
                summary,
                ParquetInput.present(g, "parent_session_id") ? g.getString("parent_session_id", 0) : "",
                ParquetInput.present(g, "parent_turn") ? g.getInteger("parent_turn", 0) : -1);
    }
}
