package io.agentload.replay;

import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The columns of {@code requests.parquet}: one row per {@link RequestRecord}, times in seconds ({@code _s}), NaN
 * times and unreported cached tokens as nulls, plus the derived {@code ttft_s}, {@code output_tps} and
 * {@code e2e_s} so that DuckDB or pandas need no formulas, and inter-token gaps as a list of floats.
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
              optional double ttft_s;
              optional double output_tps;
              optional double e2e_s;
              optional group itl_s (LIST) {
                repeated group list {
                  required float element;
                }
              }
            }
            """);

    private RequestsFile() {
    }

    /** Writes {@code records} to {@code target} atomically, with {@code metadata} in the footer. */
    static void write(Path target, List<RequestRecord> records, Map<String, String> metadata,
                      CompressionCodecName codec) {
        ParquetFiles.write(target, SCHEMA, metadata, codec, sink -> {
            for (RequestRecord r : records) sink.write(row(sink.newRow(), r));
        });
    }

    private static Group row(Group g, RequestRecord r) {
        g.append("trial", r.trial());
        g.append("agent", r.agent());
        g.append("session_id", r.sessionId());
        g.append("turn", r.turn());
        g.append("salt", r.salt());
        g.append("phase", r.phase().label());
        optional(g, "send_s", r.sendTime());
        optional(g, "first_byte_s", r.firstByteTime());
        optional(g, "first_token_s", r.firstTokenTime());
        optional(g, "last_token_s", r.lastTokenTime());
        optional(g, "end_s", r.endTime());
        g.append("input_tokens", r.inputTokens());
        if (r.cachedTokens() >= 0) g.append("cached_tokens", r.cachedTokens());
        g.append("output_tokens", r.outputTokens());
        g.append("status", r.status());
        if (!r.errorDetail().isEmpty()) g.append("error", r.errorDetail());
        optional(g, "ttft_s", r.ttft());
        optional(g, "output_tps", r.outputTokensPerSecond());
        optional(g, "e2e_s", r.e2eLatency());
        float[] itl = r.interTokenLatencies();
        if (itl.length > 0) {
            Group list = g.addGroup("itl_s");
            for (float gap : itl) list.addGroup("list").append("element", gap);
        }
        return g;
    }

    private static void optional(Group g, String field, double value) {
        if (!Double.isNaN(value)) g.append(field, value);
    }

    /** Every record of {@code file}, in file order. */
    static List<RequestRecord> read(Path file) {
        List<RequestRecord> records = new ArrayList<>();
        long[] row = {0};
        ParquetFiles.read(file, g -> {
            try {
                records.add(record(g));
            } catch (RuntimeException e) {
                throw new ReplayException(file + " row " + row[0] + ": " + e.getMessage(), e);
            }
            row[0]++;
        });
        return records;
    }

    private static RequestRecord record(Group g) {
        float[] itl = new float[0];
        if (g.getFieldRepetitionCount("itl_s") > 0) {
            Group list = g.getGroup("itl_s", 0);
            itl = new float[list.getFieldRepetitionCount("list")];
            for (int i = 0; i < itl.length; i++) itl[i] = list.getGroup("list", i).getFloat("element", 0);
        }
        return new RequestRecord(
                g.getInteger("trial", 0),
                g.getInteger("agent", 0),
                g.getString("session_id", 0),
                g.getInteger("turn", 0),
                g.getLong("salt", 0),
                RequestRecord.Phase.ofLabel(g.getString("phase", 0)),
                optionalDouble(g, "send_s"),
                optionalDouble(g, "first_byte_s"),
                optionalDouble(g, "first_token_s"),
                optionalDouble(g, "last_token_s"),
                optionalDouble(g, "end_s"),
                g.getInteger("input_tokens", 0),
                g.getFieldRepetitionCount("cached_tokens") == 0 ? -1 : g.getInteger("cached_tokens", 0),
                g.getInteger("output_tokens", 0),
                g.getString("status", 0),
                g.getFieldRepetitionCount("error") == 0 ? "" : g.getString("error", 0),
                itl);
    }

    private static double optionalDouble(Group g, String field) {
        return g.getFieldRepetitionCount(field) == 0 ? Double.NaN : g.getDouble(field, 0);
    }
}
