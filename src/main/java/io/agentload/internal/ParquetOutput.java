package io.agentload.internal;

import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes a local Parquet file without Hadoop (a plain configuration, {@link LocalOutputFile}): rows go straight
 * from the caller's data into Parquet's record consumer through {@link ParquetFields}, with no record object per
 * row. Dictionary encoding (unless a caller turns it off) and version-1 data pages: parquet-hadoop's defaults, the
 * most widely read. Callers that replace a file write to the temporary file of an {@link AtomicWrite}.
 */
public final class ParquetOutput {

    /**
     * How a file is encoded.
     *
     * @param codec           the compression codec
     * @param byteStreamSplit float and double columns byte-stream-split, which compresses them far better
     * @param rowGroupBytes   the row group size held in memory before it is flushed
     * @param dictionary      dictionary encoding (parquet-hadoop's default), which a file read once and deleted need
     *                        not pay for: its writer builds a dictionary of every column, then drops those of
     *                        all-distinct values such as times
     */
    public record Settings(CompressionCodecName codec, boolean byteStreamSplit, long rowGroupBytes,
                           boolean dictionary) {

        /** {@code codec}, plain floats, parquet-hadoop's default row group size, dictionaries. */
        public static Settings of(CompressionCodecName codec) {
            return new Settings(codec, false, ParquetWriter.DEFAULT_BLOCK_SIZE, true);
        }

        public Settings withByteStreamSplit(boolean split) {
            return new Settings(codec, split, rowGroupBytes, dictionary);
        }

        public Settings withRowGroupBytes(long bytes) {
            return new Settings(codec, byteStreamSplit, bytes, dictionary);
        }

        public Settings withDictionary(boolean encode) {
            return new Settings(codec, byteStreamSplit, rowGroupBytes, encode);
        }
    }

    /** Writes row {@code row} of the caller's data as the fields of one record. */
    @FunctionalInterface
    public interface RowWriter {
        void write(int row, ParquetFields out);
    }

    private ParquetOutput() {
    }

    /**
     * Writes rows {@code 0 .. rows - 1} to {@code file} (replaced if it exists), with {@code metadata} in the
     * footer's key-value metadata.
     */
    public static void write(Path file, MessageType schema, Map<String, String> metadata, Settings settings,
                             int rows, RowWriter writer) throws IOException {
        try (ParquetWriter<Integer> out = new Builder(new LocalOutputFile(file), schema, metadata, writer)
                .withConf(new PlainParquetConfiguration())
                .withCompressionCodec(settings.codec())
                .withByteStreamSplitEncoding(settings.byteStreamSplit())
                .withDictionaryEncoding(settings.dictionary())
                .withRowGroupSize(settings.rowGroupBytes())
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .build()) {
            for (int row = 0; row < rows; row++) out.write(row);
        }
    }

    private static final class Builder extends ParquetWriter.Builder<Integer, Builder> {
        private final MessageType schema;
        private final Map<String, String> metadata;
        private final RowWriter writer;

        Builder(OutputFile file, MessageType schema, Map<String, String> metadata, RowWriter writer) {
            super(file);
            this.schema = schema;
            this.metadata = metadata;
            this.writer = writer;
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<Integer> getWriteSupport(Configuration conf) {
            return new RowWriteSupport(schema, metadata, writer);
        }

        @Override
        protected WriteSupport<Integer> getWriteSupport(ParquetConfiguration conf) {
            return new RowWriteSupport(schema, metadata, writer);
        }
    }

    /** Writes the row with the given index through the caller's {@link RowWriter}. */
    private static final class RowWriteSupport extends WriteSupport<Integer> {
        private final MessageType schema;
        private final Map<String, String> metadata;
        private final RowWriter writer;
        private ParquetFields fields;

        RowWriteSupport(MessageType schema, Map<String, String> metadata, RowWriter writer) {
            this.schema = schema;
            this.metadata = metadata;
            this.writer = writer;
        }

        @Override
        public WriteContext init(Configuration configuration) {
            return new WriteContext(schema, metadata);
        }

        @Override
        public WriteContext init(ParquetConfiguration configuration) {
            return new WriteContext(schema, metadata);
        }

        @Override
        public void prepareForWrite(RecordConsumer recordConsumer) {
            fields = new ParquetFields(schema, recordConsumer);
        }

        @Override
        public void write(Integer row) {
            fields.start();
            writer.write(row, fields);
            fields.end();
        }
    }
}
