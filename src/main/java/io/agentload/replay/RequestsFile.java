package io.agentload.replay;

import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The columns of {@code requests.parquet}: one row per {@link RequestRecord}, times in seconds ({@code _s}), NaN
 * times and unreported cached tokens as nulls, plus the derived {@code ttft_s}, {@code output_tps} and
 * {@code e2e_s} so that DuckDB or pandas need no formulas, each request's inter-token gaps in brief
 * ({@code itl_count}, {@code itl_mean_s}, {@code itl_p50_s}, {@code itl_p90_s}, {@code itl_p99_s}, {@code itl_max_s})
 * and, only when the run keeps them, the gaps themselves as a list of floats ({@code itl_s}, null otherwise).
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
              optional double ttft_s;
              optional double output_tps;
              optional double e2e_s;
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
        ParquetFiles.atomically(target, tmp -> {
            try (ParquetWriter<RequestRecord> writer = new WriterBuilder(new LocalOutputFile(tmp), metadata, keepGaps)
                    .withConf(new PlainParquetConfiguration())
                    .withCompressionCodec(codec)
                    .withByteStreamSplitEncoding(codec != CompressionCodecName.UNCOMPRESSED)
                    .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                    .build()) {
                for (RequestRecord r : records) writer.write(r);
            }
        });
    }

    private static final class WriterBuilder extends ParquetWriter.Builder<RequestRecord, WriterBuilder> {
        private final Map<String, String> metadata;
        private final boolean keepGaps;

        WriterBuilder(LocalOutputFile file, Map<String, String> metadata, boolean keepGaps) {
            super(file);
            this.metadata = metadata;
            this.keepGaps = keepGaps;
        }

        @Override
        protected WriterBuilder self() {
            return this;
        }

        @Override
        protected WriteSupport<RequestRecord> getWriteSupport(Configuration conf) {
            return new RecordWriteSupport(metadata, keepGaps);
        }

        @Override
        protected WriteSupport<RequestRecord> getWriteSupport(ParquetConfiguration conf) {
            return new RecordWriteSupport(metadata, keepGaps);
        }
    }

    /** Writes one record as one row of {@link #SCHEMA}, fields by index in schema order. */
    private static final class RecordWriteSupport extends WriteSupport<RequestRecord> {
        private final Map<String, String> metadata;
        private final boolean keepGaps;
        private RecordConsumer out;

        RecordWriteSupport(Map<String, String> metadata, boolean keepGaps) {
            this.metadata = metadata;
            this.keepGaps = keepGaps;
        }

        @Override
        public WriteContext init(Configuration conf) {
            return new WriteContext(SCHEMA, metadata);
        }

        @Override
        public WriteContext init(ParquetConfiguration conf) {
            return new WriteContext(SCHEMA, metadata);
        }

        @Override
        public void prepareForWrite(RecordConsumer recordConsumer) {
            out = recordConsumer;
        }

        @Override
        public void write(RequestRecord r) {
            out.startMessage();
            integer(0, "trial", r.trial());
            integer(1, "agent", r.agent());
            string(2, "session_id", r.sessionId());
            integer(3, "turn", r.turn());
            out.startField("salt", 4);
            out.addLong(r.salt());
            out.endField("salt", 4);
            string(5, "phase", r.phase().label());
            optional(6, "send_s", r.sendTime());
            optional(7, "first_byte_s", r.firstByteTime());
            optional(8, "first_token_s", r.firstTokenTime());
            optional(9, "last_token_s", r.lastTokenTime());
            optional(10, "end_s", r.endTime());
            integer(11, "input_tokens", r.inputTokens());
            if (r.cachedTokens() >= 0) integer(12, "cached_tokens", r.cachedTokens());
            integer(13, "output_tokens", r.outputTokens());
            string(14, "status", r.status());
            if (!r.errorDetail().isEmpty()) string(15, "error", r.errorDetail());
            optional(16, "ttft_s", r.ttft());
            optional(17, "output_tps", r.outputTokensPerSecond());
            optional(18, "e2e_s", r.e2eLatency());
            RequestRecord.ItlSummary summary = r.itl();
            integer(19, "itl_count", summary.count());
            optional(20, "itl_mean_s", summary.mean());
            optional(21, "itl_p50_s", summary.p50());
            optional(22, "itl_p90_s", summary.p90());
            optional(23, "itl_p99_s", summary.p99());
            optional(24, "itl_max_s", summary.max());
            float[] itl = keepGaps ? r.interTokenLatencies() : new float[0];
            if (itl.length > 0) {
                out.startField("itl_s", 25);
                out.startGroup();
                out.startField("list", 0);
                for (float gap : itl) {
                    out.startGroup();
                    out.startField("element", 0);
                    out.addFloat(gap);
                    out.endField("element", 0);
                    out.endGroup();
                }
                out.endField("list", 0);
                out.endGroup();
                out.endField("itl_s", 25);
            }
            optional(26, "written_s", r.writtenTime());
            out.endMessage();
        }

        private void integer(int index, String name, int value) {
            out.startField(name, index);
            out.addInteger(value);
            out.endField(name, index);
        }

        private void string(int index, String name, String value) {
            out.startField(name, index);
            out.addBinary(Binary.fromString(value));
            out.endField(name, index);
        }

        private void optional(int index, String name, double value) {
            if (Double.isNaN(value)) return;
            out.startField(name, index);
            out.addDouble(value);
            out.endField(name, index);
        }

        private void optional(int index, String name, float value) {
            if (Float.isNaN(value)) return;
            out.startField(name, index);
            out.addFloat(value);
            out.endField(name, index);
        }
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
        // Files written before the summary columns existed kept every gap: the record summarises them itself.
        RequestRecord.ItlSummary summary = !g.getType().containsField("itl_count") ? null
                : new RequestRecord.ItlSummary(g.getInteger("itl_count", 0), optionalFloat(g, "itl_mean_s"),
                        optionalFloat(g, "itl_p50_s"), optionalFloat(g, "itl_p90_s"), optionalFloat(g, "itl_p99_s"),
                        optionalFloat(g, "itl_max_s"));
        return new RequestRecord(
                g.getInteger("trial", 0),
                g.getInteger("agent", 0),
                g.getString("session_id", 0),
                g.getInteger("turn", 0),
                g.getLong("salt", 0),
                RequestRecord.Phase.ofLabel(g.getString("phase", 0)),
                optionalDouble(g, "send_s"),
                g.getType().containsField("written_s") ? optionalDouble(g, "written_s") : Double.NaN,
                optionalDouble(g, "first_byte_s"),
                optionalDouble(g, "first_token_s"),
                optionalDouble(g, "last_token_s"),
                optionalDouble(g, "end_s"),
                g.getInteger("input_tokens", 0),
                g.getFieldRepetitionCount("cached_tokens") == 0 ? -1 : g.getInteger("cached_tokens", 0),
                g.getInteger("output_tokens", 0),
                g.getString("status", 0),
                g.getFieldRepetitionCount("error") == 0 ? "" : g.getString("error", 0),
                itl,
                summary);
    }

    private static double optionalDouble(Group g, String field) {
        return g.getFieldRepetitionCount(field) == 0 ? Double.NaN : g.getDouble(field, 0);
    }

    private static float optionalFloat(Group g, String field) {
        return g.getFieldRepetitionCount(field) == 0 ? Float.NaN : g.getFloat(field, 0);
    }
}
