package io.agentload.trajectory;

import io.agentload.internal.ParquetInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.agentload.trajectory.Trajectories.COLUMNS;
import static io.agentload.trajectory.Trajectories.COMPACTION;
import static io.agentload.trajectory.Trajectories.HASH_IDS;
import static io.agentload.trajectory.Trajectories.LANGUAGE;
import static io.agentload.trajectory.Trajectories.PARENT_SESSION_ID;
import static io.agentload.trajectory.Trajectories.PARENT_TURN;
import static io.agentload.trajectory.Trajectories.SESSION_ID;
import static io.agentload.trajectory.Trajectories.SHARED_PREFIX_ID;
import static io.agentload.trajectory.Trajectories.TOOL_TIME_MS;

/**
 * Reads a Parquet turn file column by column straight into Tablesaw columns ({@link ParquetInput#readColumns}, one
 * {@link ColumnReader} per column and row group) rather than by record assembly. Strings are decoded once per
 * dictionary entry, not once per row.
 *
 * <p>Accepted beyond what {@link ParquetTurnWriter} writes, so that files from DuckDB, pandas or Spark read as they
 * are: optional columns (a null string is empty, a null parent_turn is none; another null number or a null
 * compaction is an error), INT64 integer columns whose values fit an int, a two- or three-level LIST for hash_ids with optional elements (a null element is an error), and other
 * columns, which are skipped. Like every turn table, the result has a hash_ids column only when some row has ids.
 */
final class ParquetTurnReader {

    private ParquetTurnReader() {
    }

    static Table read(Path file) {
        String source = file.toString();
        if (!Files.exists(file)) throw new TrajectoryException(source + ": no such file");
        try (ParquetInput in = ParquetInput.open(file)) {
            MessageType projection = projection(in.schema(), source);
            long rows = in.rowCount();
            if (rows > Integer.MAX_VALUE) {
                throw new TrajectoryException(source + ": " + rows + " rows, more than a table holds");
            }
            Table table = new Columns(projection, source, (int) rows).read(in, String.valueOf(file.getFileName()));
            TurnColumns.of(table, source);
            return table;
        } catch (TrajectoryException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new TrajectoryException(source + ": not a readable Parquet file: " + e.getMessage(), e);
        }
    }

    /** The file's own types of the turn columns, checked; the optional ones only when the file has them. */
    private static MessageType projection(MessageType schema, String source) {
        List<Type> fields = new ArrayList<>();
        for (String name : COLUMNS) {
            if (!schema.containsField(name)) {
                if (optional(name)) continue;
                throw new TrajectoryException(source + ": missing column " + name);
            }
            Type field = schema.getType(name);
            if (name.equals(HASH_IDS) ? !isListOfInt64(schema) : !matches(field, name)) {
                throw new TrajectoryException(source + ": column " + name + " is " + describe(field) + ", expected "
                        + expectedType(name));
            }
            fields.add(field);
        }
        return new MessageType(schema.getName(), fields);
    }

    private static boolean optional(String name) {
        return name.equals(HASH_IDS) || name.equals(PARENT_SESSION_ID) || name.equals(PARENT_TURN)
                || name.equals(COMPACTION);
    }

    private static boolean isString(String name) {
        return name.equals(SESSION_ID) || name.equals(LANGUAGE) || name.equals(SHARED_PREFIX_ID)
                || name.equals(PARENT_SESSION_ID);
    }

    private static String expectedType(String name) {
        if (name.equals(HASH_IDS)) return "a LIST of INT64";
        if (name.equals(COMPACTION)) return "BOOLEAN";
        return isString(name) ? "BINARY (STRING)" : "INT32 or INT64";
    }

    private static boolean matches(Type field, String name) {
        if (!field.isPrimitive() || field.isRepetition(Type.Repetition.REPEATED)) return false;
        PrimitiveTypeName type = field.asPrimitiveType().getPrimitiveTypeName();
        if (name.equals(COMPACTION)) return type == PrimitiveTypeName.BOOLEAN;
        return isString(name) ? type == PrimitiveTypeName.BINARY
                : type == PrimitiveTypeName.INT32 || type == PrimitiveTypeName.INT64;
    }

    /** One leaf under hash_ids, INT64, repeated once: the two- and three-level LIST forms. */
    private static boolean isListOfInt64(MessageType schema) {
        List<ColumnDescriptor> leaves = schema.getColumns().stream()
                .filter(c -> c.getPath()[0].equals(HASH_IDS)).toList();
        return leaves.size() == 1 && leaves.get(0).getMaxRepetitionLevel() == 1
                && leaves.get(0).getPrimitiveType().getPrimitiveTypeName() == PrimitiveTypeName.INT64;
    }

    private static String describe(Type field) {
        if (!field.isPrimitive()) return "a group";
        String type = field.asPrimitiveType().getPrimitiveTypeName().name();
        return field.isRepetition(Type.Repetition.REPEATED) ? "repeated " + type : type;
    }

    /** The columns being filled, row group after row group. */
    private static final class Columns {
        private final MessageType projection;
        private final String source;
        private final int rows;
        private final Map<String, StringColumn> strings = new HashMap<>();
        private final Map<String, int[]> ints = new HashMap<>();
        private final long[] toolTimeMs;
        private final BooleanColumn compaction = BooleanColumn.create(COMPACTION);
        private final StringColumn hashIds = StringColumn.create(HASH_IDS);
        private boolean anyHashIds;

        Columns(MessageType projection, String source, int rows) {
            this.projection = projection;
            this.source = source;
            this.rows = rows;
            for (Type field : projection.getFields()) {
                String name = field.getName();
                if (isString(name)) {
                    strings.put(name, StringColumn.create(name));
                } else if (!name.equals(TOOL_TIME_MS) && !name.equals(HASH_IDS) && !name.equals(COMPACTION)) {
                    ints.put(name, new int[rows]);
                }
            }
            toolTimeMs = new long[rows];
        }

        Table read(ParquetInput in, String tableName) throws IOException {
            long read = in.readColumns(projection, (group, first) -> {
                int offset = Math.toIntExact(first), n = group.rowCount();
                for (ColumnDescriptor column : projection.getColumns()) {
                    ColumnReader r = group.column(column);
                    String name = column.getPath()[0];
                    if (isString(name)) {
                        readStrings(group, r, strings.get(name), n);
                    } else if (name.equals(HASH_IDS)) {
                        readHashIds(r, offset, n);
                    } else if (name.equals(TOOL_TIME_MS)) {
                        readLongs(r, name, toolTimeMs, offset, n);
                    } else if (name.equals(COMPACTION)) {
                        readBooleans(r, offset, n);
                    } else {
                        readInts(r, name, ints.get(name), offset, n);
                    }
                }
            });
            if (read != rows) {
                throw new TrajectoryException(source + ": row groups hold " + read + " rows, the footer says "
                        + rows);
            }
            List<Column<?>> columns = new ArrayList<>();
            for (String column : COLUMNS) {
                if (strings.containsKey(column)) columns.add(strings.get(column));
                else if (ints.containsKey(column)) columns.add(IntColumn.create(column, ints.get(column)));
                else if (column.equals(TOOL_TIME_MS)) columns.add(LongColumn.create(column, toolTimeMs));
                else if (column.equals(COMPACTION) && projection.containsField(COMPACTION)) columns.add(compaction);
                else if (column.equals(HASH_IDS) && anyHashIds) columns.add(hashIds);
            }
            return Table.create(tableName, columns);
        }

        private static void readStrings(ParquetInput.RowGroup group, ColumnReader r, StringColumn column, int n) {
            int maxDefinition = r.getDescriptor().getMaxDefinitionLevel();
            for (int i = 0; i < n; i++) {
                if (r.getCurrentDefinitionLevel() == maxDefinition) {
                    column.append(group.string(r));
                } else {
                    column.append("");
                }
                r.consume();
            }
        }

        private void readBooleans(ColumnReader r, int offset, int n) {
            int maxDefinition = r.getDescriptor().getMaxDefinitionLevel();
            for (int i = 0; i < n; i++) {
                if (r.getCurrentDefinitionLevel() != maxDefinition) throw isNull(offset + i, COMPACTION);
                compaction.append(r.getBoolean());
                r.consume();
            }
        }

        private void readInts(ColumnReader r, String name, int[] values, int offset, int n) {
            int maxDefinition = r.getDescriptor().getMaxDefinitionLevel();
            boolean int64 = r.getDescriptor().getPrimitiveType().getPrimitiveTypeName() == PrimitiveTypeName.INT64;
            for (int i = 0; i < n; i++) {
                if (r.getCurrentDefinitionLevel() != maxDefinition && name.equals(PARENT_TURN)) {
                    values[offset + i] = -1; // no parent
                    r.consume();
                    continue;
                }
                if (r.getCurrentDefinitionLevel() != maxDefinition) throw isNull(offset + i, name);
                long value = int64 ? r.getLong() : r.getInteger();
                if (value != (int) value) {
                    throw new TrajectoryException(source + " row " + (offset + i) + ": " + name + ": " + value
                            + " is out of range");
                }
                values[offset + i] = (int) value;
                r.consume();
            }
        }

        private void readLongs(ColumnReader r, String name, long[] values, int offset, int n) {
            int maxDefinition = r.getDescriptor().getMaxDefinitionLevel();
            boolean int64 = r.getDescriptor().getPrimitiveType().getPrimitiveTypeName() == PrimitiveTypeName.INT64;
            for (int i = 0; i < n; i++) {
                if (r.getCurrentDefinitionLevel() != maxDefinition) throw isNull(offset + i, name);
                values[offset + i] = int64 ? r.getLong() : r.getInteger();
                r.consume();
            }
        }

        /**
         * One row's ids are its entries up to the next repetition level 0. An entry below the repeated node's
         * definition level is a null or empty list; between that and the leaf's, a null element.
         */
        private void readHashIds(ColumnReader r, int offset, int n) {
            ColumnDescriptor leaf = r.getDescriptor();
            int maxDefinition = leaf.getMaxDefinitionLevel();
            int elementDefinition = maxDefinition;
            String[] path = leaf.getPath();
            for (int depth = 1; depth <= path.length; depth++) {
                String[] prefix = Arrays.copyOf(path, depth);
                if (projection.getType(prefix).isRepetition(Type.Repetition.REPEATED)) {
                    elementDefinition = projection.getMaxDefinitionLevel(prefix);
                }
            }
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < n; i++) {
                text.setLength(0);
                do {
                    int definition = r.getCurrentDefinitionLevel();
                    if (definition == maxDefinition) {
                        if (!text.isEmpty()) text.append(' ');
                        text.append(r.getLong());
                    } else if (definition >= elementDefinition) {
                        throw new TrajectoryException(source + " row " + (offset + i) + ": " + HASH_IDS
                                + " has a null element");
                    }
                    r.consume();
                } while (r.getCurrentRepetitionLevel() > 0);
                anyHashIds |= !text.isEmpty();
                hashIds.append(text.toString());
            }
        }

        private TrajectoryException isNull(int row, String name) {
            return new TrajectoryException(source + " row " + row + ": " + name + " is null");
        }
    }
}
