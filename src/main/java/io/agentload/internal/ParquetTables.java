package io.agentload.internal;

import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Flat Tablesaw tables as Parquet files: int, long, double, boolean and string columns as optional INT32, INT64,
 * DOUBLE, BOOLEAN and BINARY (STRING) fields, a missing value as a null. Uncompressed: parquet-hadoop's codecs cost
 * tens of milliseconds of setup per file, more than a small table takes to write.
 */
public final class ParquetTables {

    private ParquetTables() {
    }

    /**
     * Writes {@code table} to {@code file}, the schema named after the table.
     *
     * @throws IllegalArgumentException naming a column of another type
     */
    public static void write(Path file, Table table) throws IOException {
        List<Column<?>> columns = table.columns();
        Types.MessageTypeBuilder builder = Types.buildMessage();
        for (Column<?> c : columns) builder.addField(fieldOf(c));
        MessageType schema = builder.named(table.name().isBlank() ? "table" : table.name().replaceAll("\\W", "_"));
        ParquetOutput.write(file, schema, Map.of(), ParquetOutput.Settings.of(CompressionCodecName.UNCOMPRESSED),
                table.rowCount(), (r, out) -> {
                    for (int i = 0; i < columns.size(); i++) {
                        Column<?> c = columns.get(i);
                        if (c.isMissing(r)) continue;
                        switch (c) {
                            case IntColumn ic -> out.int32(i, ic.getInt(r));
                            case LongColumn lc -> out.int64(i, lc.getLong(r));
                            case DoubleColumn dc -> out.float64(i, dc.getDouble(r));
                            case BooleanColumn bc -> out.bool(i, bc.get(r));
                            default -> out.string(i, c.getString(r));
                        }
                    }
                });
    }

    private static Type fieldOf(Column<?> c) {
        ColumnType type = c.type();
        if (type.equals(ColumnType.INTEGER)) return Types.optional(PrimitiveTypeName.INT32).named(c.name());
        if (type.equals(ColumnType.LONG)) return Types.optional(PrimitiveTypeName.INT64).named(c.name());
        if (type.equals(ColumnType.DOUBLE)) return Types.optional(PrimitiveTypeName.DOUBLE).named(c.name());
        if (type.equals(ColumnType.BOOLEAN)) return Types.optional(PrimitiveTypeName.BOOLEAN).named(c.name());
        if (type.equals(ColumnType.STRING)) {
            return Types.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(c.name());
        }
        throw new IllegalArgumentException("column '" + c.name() + "' is of type " + type
                + " (int, long, double, boolean and string columns only)");
    }

    /** Reads a flat Parquet file into a table named after the file; nested and list columns are left out. */
    public static Table read(Path file) throws IOException {
        try (ParquetInput in = ParquetInput.open(file)) {
            Table table = Table.create(file.getFileName().toString());
            List<PrimitiveType> fields = new ArrayList<>();
            for (Type t : in.schema().getFields()) {
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
            if (fields.isEmpty()) return table;
            in.readRows(new MessageType(in.schema().getName(), List.copyOf(fields)), (row, g) -> {
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
    }
}
