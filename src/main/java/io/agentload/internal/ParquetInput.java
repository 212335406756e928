package io.agentload.internal;

import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads a local Parquet file without Hadoop (a plain configuration, {@link LocalInputFile}): its footer, then its
 * rows either as records ({@link #readRows}, for small files and nested columns) or column by column
 * ({@link #readColumns}, for large files, with strings decoded once per dictionary entry). Parquet's own messages
 * call the file "the file", so a caller's message that starts with the path does not repeat it.
 */
public final class ParquetInput implements Closeable {

    /** One record of the file, numbered from 0 in file order. */
    @FunctionalInterface
    public interface RowReader {
        void read(long row, Group record);
    }

    /** One row group, read column by column; {@code firstRow} is the number of its first row in the file. */
    @FunctionalInterface
    public interface RowGroupReader {
        void read(RowGroup group, long firstRow);
    }

    private final ParquetFileReader reader;
    private final FileMetaData metadata;

    private ParquetInput(ParquetFileReader reader) {
        this.reader = reader;
        this.metadata = reader.getFooter().getFileMetaData();
    }

    /** Opens {@code file} and reads its footer; a file that is not Parquet fails with an IOException. */
    public static ParquetInput open(Path file) throws IOException {
        LocalInputFile input = new LocalInputFile(file) {
            @Override
            public String toString() {
                return "the file";
            }
        };
        try {
            return new ParquetInput(ParquetFileReader.open(input,
                    ParquetReadOptions.builder(new PlainParquetConfiguration()).build()));
        } catch (RuntimeException e) { // Parquet's "is not a Parquet file" is a RuntimeException
            throw new IOException(e.getMessage(), e);
        }
    }

    public MessageType schema() {
        return metadata.getSchema();
    }

    /** The footer's key-value metadata. */
    public Map<String, String> metadata() {
        return metadata.getKeyValueMetaData();
    }

    /** Rows in the file, as the footer counts them. */
    public long rowCount() {
        return reader.getRecordCount();
    }

    /** Reads every row as a record of {@code projection}, a subset of the file's schema. */
    public void readRows(MessageType projection, RowReader rows) throws IOException {
        reader.setRequestedSchema(projection);
        long row = 0;
        for (PageReadStore group; (group = reader.readNextRowGroup()) != null; ) {
            RecordReader<Group> records = new ColumnIOFactory().getColumnIO(projection, schema())
                    .getRecordReader(group, new GroupRecordConverter(projection));
            for (long i = 0; i < group.getRowCount(); i++, row++) rows.read(row, records.read());
        }
    }

    /** Reads every row group column by column, the columns being those of {@code projection}; returns the rows read. */
    public long readColumns(MessageType projection, RowGroupReader groups) throws IOException {
        reader.setRequestedSchema(projection);
        Converters converters = new Converters(projection);
        long row = 0;
        for (PageReadStore group; (group = reader.readNextRowGroup()) != null; ) {
            groups.read(new RowGroup(new ColumnReadStoreImpl(group, converters, projection, metadata.getCreatedBy()),
                    Math.toIntExact(group.getRowCount()), converters.strings), row);
            row += group.getRowCount();
        }
        return row;
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }

    /** A double field of a record, NaN when null or absent from the file. */
    public static double doubleOrNaN(Group record, String field) {
        return present(record, field) ? record.getDouble(field, 0) : Double.NaN;
    }

    /** A float field of a record, NaN when null or absent from the file. */
    public static float floatOrNaN(Group record, String field) {
        return present(record, field) ? record.getFloat(field, 0) : Float.NaN;
    }

    /** A three-level LIST of FLOAT, empty when null or absent from the file. */
    public static float[] floatList(Group record, String field) {
        if (!present(record, field)) return new float[0];
        Group list = record.getGroup(field, 0);
        float[] values = new float[list.getFieldRepetitionCount("list")];
        for (int i = 0; i < values.length; i++) values[i] = list.getGroup("list", i).getFloat("element", 0);
        return values;
    }

    /** Whether a record's field is in the file and not null. */
    public static boolean present(Group record, String field) {
        return record.getType().containsField(field) && record.getFieldRepetitionCount(field) > 0;
    }

    /** One row group's column readers, each positioned at its first value. */
    public static final class RowGroup {
        private final ColumnReadStoreImpl store;
        private final int rowCount;
        private final Map<String, StringValue> strings;

        private RowGroup(ColumnReadStoreImpl store, int rowCount, Map<String, StringValue> strings) {
            this.store = store;
            this.rowCount = rowCount;
            this.strings = strings;
        }

        public int rowCount() {
            return rowCount;
        }

        /** The reader of one leaf column; numbers come from its typed getters. */
        public ColumnReader column(ColumnDescriptor column) {
            return store.getColumnReader(column);
        }

        /** The current value of a top-level BINARY column's reader, as UTF-8 text. */
        public String string(ColumnReader reader) {
            reader.writeCurrentValueToConverter();
            return strings.get(reader.getDescriptor().getPath()[0]).current;
        }
    }

    /** The converter tree {@link ColumnReadStoreImpl} asks for: top-level BINARY columns decode, the rest are unused. */
    private static final class Converters extends GroupConverter {
        final Map<String, StringValue> strings = new HashMap<>();
        private final Converter[] fields;

        Converters(GroupType type) {
            this(type, true);
        }

        private Converters(GroupType type, boolean top) {
            fields = new Converter[type.getFieldCount()];
            for (int i = 0; i < fields.length; i++) {
                Type field = type.getType(i);
                if (!field.isPrimitive()) {
                    fields[i] = new Converters(field.asGroupType(), false);
                } else if (top && field.asPrimitiveType().getPrimitiveTypeName()
                        == PrimitiveTypeName.BINARY) {
                    StringValue value = new StringValue();
                    strings.put(field.getName(), value);
                    fields[i] = value;
                } else {
                    fields[i] = UNUSED;
                }
            }
        }

        @Override
        public Converter getConverter(int fieldIndex) {
            return fields[fieldIndex];
        }

        @Override
        public void start() {
        }

        @Override
        public void end() {
        }
    }

    /** Numbers are read with the column reader's typed getters, which need no converter. */
    private static final PrimitiveConverter UNUSED = new PrimitiveConverter() {
    };

    /**
     * The current value of a string column. On dictionary-encoded pages each dictionary entry is decoded to a
     * {@code String} once, and rows take it by id; plain-encoded pages decode each value.
     */
    private static final class StringValue extends PrimitiveConverter {
        private String[] dictionary = new String[0];
        String current = "";

        @Override
        public boolean hasDictionarySupport() {
            return true;
        }

        @Override
        public void setDictionary(Dictionary d) {
            dictionary = new String[d.getMaxId() + 1];
            for (int id = 0; id < dictionary.length; id++) dictionary[id] = d.decodeToBinary(id).toStringUsingUTF8();
        }

        @Override
        public void addValueFromDictionary(int dictionaryId) {
            current = dictionary[dictionaryId];
        }

        @Override
        public void addBinary(Binary value) {
            current = value.toStringUsingUTF8();
        }
    }
}
