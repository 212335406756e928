package io.agentload.internal;

import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared Parquet layer: what is written reads back, by records and by columns, and foreign files fail clearly. */
class ParquetLayerTest {

    @TempDir
    Path dir;

    static final MessageType SCHEMA = MessageTypeParser.parseMessageType("""
            message row {
              required int32 id;
              required binary name (STRING);
              required int64 big;
              optional double seconds;
              optional float gap;
              required boolean ok;
              optional group ids (LIST) {
                repeated group list {
                  required int64 element;
                }
              }
              optional group gaps (LIST) {
                repeated group list {
                  required float element;
                }
              }
            }
            """);

    private Path writeThreeRows(ParquetOutput.Settings settings) throws IOException {
        Path file = dir.resolve("rows.parquet");
        String[] names = {"a", "a", "é"};
        ParquetOutput.write(file, SCHEMA, Map.of("k", "v"), settings, 3, (row, out) -> {
            out.int32(0, row);
            out.string(1, names[row]);
            out.int64(2, 1L << (40 + row));
            out.float64OrNull(3, row == 1 ? Double.NaN : row * 1.5);
            out.float32OrNull(4, row == 2 ? Float.NaN : row * 0.25f);
            out.bool(5, row % 2 == 0);
            out.int64List(6, row == 0 ? new long[0] : new long[] {row, -row});
            out.float32List(7, new float[] {row + 0.5f});
        });
        return file;
    }

    @Test
    void recordsReadBackWhatWasWrittenWithNullsForNaNAndEmptyLists() throws IOException {
        for (CompressionCodecName codec : List.of(CompressionCodecName.UNCOMPRESSED, CompressionCodecName.ZSTD)) {
            Path file = writeThreeRows(ParquetOutput.Settings.of(codec).withByteStreamSplit(true));
            List<String> rows = new ArrayList<>();
            try (ParquetInput in = ParquetInput.open(file)) {
                assertEquals(SCHEMA, in.schema());
                assertEquals("v", in.metadata().get("k"));
                assertEquals(3, in.rowCount());
                in.readRows(in.schema(), (row, g) -> rows.add(row + " " + g.getInteger("id", 0) + " "
                        + g.getString("name", 0) + " " + g.getLong("big", 0) + " "
                        + ParquetInput.doubleOrNaN(g, "seconds") + " " + ParquetInput.floatOrNaN(g, "gap") + " "
                        + g.getBoolean("ok", 0) + " " + g.getFieldRepetitionCount("ids") + " "
                        + ParquetInput.floatList(g, "gaps")[0] + " " + ParquetInput.present(g, "absent")));
            }
            assertEquals(List.of(
                    "0 0 a 1099511627776 0.0 0.0 true 0 0.5 false",
                    "1 1 a 2199023255552 NaN 0.25 false 1 1.5 false",
                    "2 2 é 4398046511104 3.0 NaN true 1 2.5 false"), rows, codec.name());
        }
    }

    @Test
    void columnsReadBackWhatWasWrittenWithStringsDecoded() throws IOException {
        Path file = writeThreeRows(ParquetOutput.Settings.of(CompressionCodecName.SNAPPY));
        MessageType projection = new MessageType("row", SCHEMA.getType("id"), SCHEMA.getType("name"));
        List<String> names = new ArrayList<>();
        int[] ids = new int[3];
        try (ParquetInput in = ParquetInput.open(file)) {
            long rows = in.readColumns(projection, (group, first) -> {
                var id = group.column(projection.getColumns().get(0));
                var name = group.column(projection.getColumns().get(1));
                for (int i = 0; i < group.rowCount(); i++) {
                    ids[(int) first + i] = id.getInteger();
                    id.consume();
                    names.add(group.string(name));
                    name.consume();
                }
            });
            assertEquals(3, rows);
        }
        assertArrayEquals(new int[] {0, 1, 2}, ids);
        assertEquals(List.of("a", "a", "é"), names);
    }

    @Test
    void tablesRoundTripWithMissingValuesAndNameTheColumnTheyCannotWrite() throws IOException {
        Table table = Table.create("trials",
                IntColumn.create("n", 1, 2), LongColumn.create("big", 5L, 6L),
                DoubleColumn.create("x", 0.5, Double.NaN), BooleanColumn.create("ok", true, false),
                StringColumn.create("s", "a", null));
        Path file = dir.resolve("t.parquet");
        ParquetTables.write(file, table);
        Table read = ParquetTables.read(file);
        assertEquals("t.parquet", read.name());
        assertEquals(table.columnNames(), read.columnNames());
        assertEquals(table.print(), read.copy().setName("trials").print());
        assertTrue(read.doubleColumn("x").isMissing(1));

        Table dates = Table.create("d", tech.tablesaw.api.DateColumn.create("day", java.time.LocalDate.EPOCH));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ParquetTables.write(dir.resolve("d.parquet"), dates));
        assertEquals("column 'day' is of type LOCAL_DATE (int, long, double, boolean and string columns only)",
                e.getMessage());
    }

    @Test
    void aFileThatIsNotParquetIsCalledTheFileSoTheCallerNamesItOnce() throws IOException {
        Path file = Files.writeString(dir.resolve("notes.parquet"), "not parquet at all");
        IOException e = assertThrows(IOException.class, () -> ParquetInput.open(file).close());
        assertTrue(e.getMessage().startsWith("the file is not a Parquet file"), e.getMessage());
    }
}
