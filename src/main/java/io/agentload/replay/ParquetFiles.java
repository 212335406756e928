package io.agentload.replay;

import io.agentload.internal.AtomicWrite;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Plain Parquet files written and read with parquet-hadoop's example {@link Group} model on local files (no HDFS,
 * no Hadoop configuration); every write goes to a temporary file renamed into place. Small files written often
 * (request log parts, tables) are uncompressed: parquet-hadoop's Snappy codec costs about 50 ms of setup per file,
 * more than such a file takes to write; the compacted request log is ZSTD-compressed.
 */
final class ParquetFiles {

    private ParquetFiles() {
    }

    /** Writes {@code rows} to {@code target} atomically, with {@code metadata} in the footer. */
    static void write(Path target, MessageType schema, Map<String, String> metadata, CompressionCodecName codec,
                      Consumer<RowSink> rows) {
        atomically(target, tmp -> {
            try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(tmp))
                    .withConf(new PlainParquetConfiguration())
                    .withType(schema)
                    .withExtraMetaData(metadata)
                    .withCompressionCodec(codec)
                    .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                    .build()) {
                rows.accept(new RowSink(new SimpleGroupFactory(schema), writer));
            }
        });
    }

    /** Where rows of one file go: fill a {@link #newRow()} and {@link #write(Group)} it. */
    static final class RowSink {
        private final SimpleGroupFactory factory;
        private final ParquetWriter<Group> writer;

        private RowSink(SimpleGroupFactory factory, ParquetWriter<Group> writer) {
            this.factory = factory;
            this.writer = writer;
        }

        /** Writes a filled row. */
        void write(Group row) {
            try {
                writer.write(row);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** An empty row of the file's schema. */
        Group newRow() {
            return factory.newGroup();
        }
    }

    /** Calls {@code rows} on every row of {@code file}, in order. */
    static void read(Path file, Consumer<Group> rows) {
        try (ParquetReader<Group> reader = new GroupReaderBuilder(new LocalInputFile(file)).build()) {
            for (Group g = reader.read(); g != null; g = reader.read()) rows.accept(g);
        } catch (IOException | RuntimeException e) {
            throw new ReplayException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The schema and footer key-value metadata of {@code file}. */
    static Footer footer(Path file) {
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
            return new Footer(reader.getFileMetaData().getSchema(), reader.getFileMetaData().getKeyValueMetaData());
        } catch (IOException | RuntimeException e) {
            throw new ReplayException("cannot read the footer of " + file + ": " + e.getMessage(), e);
        }
    }

    /** A Parquet file's schema and key-value metadata. */
    record Footer(MessageType schema, Map<String, String> metadata) {
    }

    /** Writes a Tablesaw table with int, long, double, string and boolean columns; missing values become nulls. */
    static void writeTable(Path target, Table table) {
        Types.MessageTypeBuilder builder = Types.buildMessage();
        List<Column<?>> columns = table.columns();
        for (Column<?> c : columns) builder.addField(fieldOf(c, target));
        MessageType schema = builder.named(table.name().isBlank() ? "table" : table.name().replaceAll("\\W", "_"));
        write(target, schema, Map.of(), CompressionCodecName.UNCOMPRESSED, sink -> {
            for (int r = 0; r < table.rowCount(); r++) {
                Group g = sink.newRow();
                for (int i = 0; i < columns.size(); i++) {
                    Column<?> c = columns.get(i);
                    if (c.isMissing(r)) continue;
                    switch (c) {
                        case IntColumn ic -> g.append(c.name(), ic.getInt(r));
                        case LongColumn lc -> g.append(c.name(), lc.getLong(r));
                        case DoubleColumn dc -> g.append(c.name(), dc.getDouble(r));
                        case BooleanColumn bc -> g.append(c.name(), bc.get(r));
                        default -> g.append(c.name(), c.getString(r));
                    }
                }
                sink.write(g);
            }
        });
    }

    private static Type fieldOf(Column<?> c, Path target) {
        ColumnType type = c.type();
        if (type.equals(ColumnType.INTEGER)) {
            return Types.optional(PrimitiveType.PrimitiveTypeName.INT32).named(c.name());
        } else if (type.equals(ColumnType.LONG)) {
            return Types.optional(PrimitiveType.PrimitiveTypeName.INT64).named(c.name());
        } else if (type.equals(ColumnType.DOUBLE)) {
            return Types.optional(PrimitiveType.PrimitiveTypeName.DOUBLE).named(c.name());
        } else if (type.equals(ColumnType.BOOLEAN)) {
            return Types.optional(PrimitiveType.PrimitiveTypeName.BOOLEAN).named(c.name());
        } else if (type.equals(ColumnType.STRING)) {
            return Types.optional(PrimitiveType.PrimitiveTypeName.BINARY)
                    .as(LogicalTypeAnnotation.stringType()).named(c.name());
        }
        throw new ReplayException("cannot write column '" + c.name() + "' of type " + type + " to " + target
                + " (int, long, double, boolean and string columns only)");
    }

    /** Reads a flat Parquet file into a Tablesaw table; nested and list columns are left out. */
    static Table readTable(Path file) {
        MessageType schema = footer(file).schema();
        Table table = Table.create(file.getFileName().toString());
        List<PrimitiveType> fields = new ArrayList<>();
        for (Type t : schema.getFields()) {
            if (!t.isPrimitive() || t.isRepetition(Type.Repetition.REPEATED)) continue;
            PrimitiveType p = t.asPrimitiveType();
            Column<?> column = switch (p.getPrimitiveTypeName()) {
                case INT32 -> IntColumn.create(p.getName());
                case INT64 -> LongColumn.create(p.getName());
                case FLOAT, DOUBLE -> DoubleColumn.create(p.getName());
                case BOOLEAN -> BooleanColumn.create(p.getName());
                case BINARY -> StringColumn.create(p.getName());
                default -> null;
            };
            if (column == null) continue;
            table.addColumns(column);
            fields.add(p);
        }
        read(file, g -> {
            for (PrimitiveType p : fields) {
                String name = p.getName();
                Column<?> c = table.column(name);
                if (g.getFieldRepetitionCount(name) == 0) {
                    c.appendMissing();
                    continue;
                }
                switch (p.getPrimitiveTypeName()) {
                    case INT32 -> ((IntColumn) c).append(g.getInteger(name, 0));
                    case INT64 -> ((LongColumn) c).append(g.getLong(name, 0));
                    case FLOAT -> ((DoubleColumn) c).append(g.getFloat(name, 0));
                    case DOUBLE -> ((DoubleColumn) c).append(g.getDouble(name, 0));
                    case BOOLEAN -> ((BooleanColumn) c).append(g.getBoolean(name, 0));
                    default -> ((StringColumn) c).append(g.getString(name, 0));
                }
            }
        });
        return table;
    }

    /** Writes {@code target} through {@code content} atomically ({@link AtomicWrite}), failing as a ReplayException. */
    static void atomically(Path target, AtomicWrite.Content content) {
        try {
            AtomicWrite.write(target, content);
        } catch (ReplayException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ReplayException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** A reader builder for the example Group model on a local file with a plain (Hadoop-free) configuration. */
    private static final class GroupReaderBuilder extends ParquetReader.Builder<Group> {
        GroupReaderBuilder(LocalInputFile file) {
            super(file, new PlainParquetConfiguration());
        }

        @Override
        protected ReadSupport<Group> getReadSupport() {
            return new GroupReadSupport();
        }
    }
}
