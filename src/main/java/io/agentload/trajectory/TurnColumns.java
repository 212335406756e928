package io.agentload.trajectory;

import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static io.agentload.trajectory.Trajectories.COMPACTION;
import static io.agentload.trajectory.Trajectories.HASH_IDS;
import static io.agentload.trajectory.Trajectories.INPUT_TOKENS;
import static io.agentload.trajectory.Trajectories.LANGUAGE;
import static io.agentload.trajectory.Trajectories.OUTPUT_TOKENS;
import static io.agentload.trajectory.Trajectories.PARENT_SESSION_ID;
import static io.agentload.trajectory.Trajectories.PARENT_TURN;
import static io.agentload.trajectory.Trajectories.REUSED_TOKENS;
import static io.agentload.trajectory.Trajectories.SESSION_ID;
import static io.agentload.trajectory.Trajectories.SHARED_PREFIX_ID;
import static io.agentload.trajectory.Trajectories.SHARED_PREFIX_TOKENS;
import static io.agentload.trajectory.Trajectories.TOOL_TIME_MS;
import static io.agentload.trajectory.Trajectories.TURN;

/**
 * The columns of a turn table with their types checked and every row validated, so that writers and
 * {@link #turn(int)} can trust them. Also owns the table's text form of hash ids: space-separated decimals.
 */
final class TurnColumns {

    private static final long[] NO_HASH_IDS = new long[0];

    final StringColumn sessionId;
    final IntColumn turn;
    final StringColumn language;
    final IntColumn inputTokens;
    final IntColumn reusedTokens;
    final StringColumn sharedPrefixId;
    final IntColumn sharedPrefixTokens;
    final IntColumn outputTokens;
    final LongColumn toolTimeMs;
    /** Null when the table has no hash_ids column. */
    private final StringColumn hashIds;
    /** Null when the table has no parent_session_id column: no turn has a parent. */
    private final StringColumn parentSessionId;
    /** Null when the table has no parent_turn column. */
    private final IntColumn parentTurn;
    /** Null when the table has no compaction column: a later turn that reuses nothing compacts. */
    private final BooleanColumn compaction;

    private TurnColumns(Table table, String source) {
        sessionId = column(table, source, SESSION_ID, ColumnType.STRING, StringColumn.class);
        turn = column(table, source, TURN, ColumnType.INTEGER, IntColumn.class);
        language = column(table, source, LANGUAGE, ColumnType.STRING, StringColumn.class);
        inputTokens = column(table, source, INPUT_TOKENS, ColumnType.INTEGER, IntColumn.class);
        reusedTokens = column(table, source, REUSED_TOKENS, ColumnType.INTEGER, IntColumn.class);
        sharedPrefixId = column(table, source, SHARED_PREFIX_ID, ColumnType.STRING, StringColumn.class);
        sharedPrefixTokens = column(table, source, SHARED_PREFIX_TOKENS, ColumnType.INTEGER, IntColumn.class);
        outputTokens = column(table, source, OUTPUT_TOKENS, ColumnType.INTEGER, IntColumn.class);
        toolTimeMs = column(table, source, TOOL_TIME_MS, ColumnType.LONG, LongColumn.class);
        hashIds = table.containsColumn(HASH_IDS)
                ? column(table, source, HASH_IDS, ColumnType.STRING, StringColumn.class) : null;
        parentSessionId = table.containsColumn(PARENT_SESSION_ID)
                ? column(table, source, PARENT_SESSION_ID, ColumnType.STRING, StringColumn.class) : null;
        parentTurn = table.containsColumn(PARENT_TURN)
                ? column(table, source, PARENT_TURN, ColumnType.INTEGER, IntColumn.class) : null;
        compaction = table.containsColumn(COMPACTION)
                ? column(table, source, COMPACTION, ColumnType.BOOLEAN, BooleanColumn.class) : null;
    }

    /** Checks a table named in messages as "table NAME". */
    static TurnColumns of(Table table) {
        return of(table, "table " + table.name());
    }

    /** Checks the columns and every row; messages start with {@code source}, e.g. the file the table came from. */
    static TurnColumns of(Table table, String source) {
        TurnColumns columns = new TurnColumns(table, source);
        columns.validate(source);
        return columns;
    }

    private static <C extends Column<?>> C column(Table table, String source, String name, ColumnType type,
                                                  Class<C> kind) {
        if (!table.containsColumn(name)) throw new TrajectoryException(source + ": missing column " + name);
        Column<?> c = table.column(name);
        if (!kind.isInstance(c)) {
            throw new TrajectoryException(source + ": column " + name + " is " + c.type().name() + ", expected "
                    + type.name());
        }
        return kind.cast(c);
    }

    private void validate(String source) {
        List<IntColumn> counts = List.of(turn, inputTokens, reusedTokens, sharedPrefixTokens, outputTokens);
        for (int row = 0, n = rowCount(); row < n; row++) {
            for (IntColumn c : counts) {
                if (c.isMissing(row)) {
                    throw new TrajectoryException(source + " row " + row + ": " + c.name() + " is missing");
                }
            }
            if (toolTimeMs.isMissing(row)) {
                throw new TrajectoryException(source + " row " + row + ": " + TOOL_TIME_MS + " is missing");
            }
            if (parentTurn != null && parentTurn.isMissing(row) && !parentSessionId(row).isEmpty()) {
                throw new TrajectoryException(source + " row " + row + ": " + PARENT_TURN + " is missing");
            }
            if (compaction != null && compaction.isMissing(row)) {
                throw new TrajectoryException(source + " row " + row + ": " + COMPACTION + " is missing");
            }
            Optional<String> broken = Turn.violation(sessionId.get(row), turn.getInt(row), inputTokens.getInt(row),
                    reusedTokens.getInt(row), sharedPrefixTokens.getInt(row), outputTokens.getInt(row),
                    toolTimeMs.getLong(row));
            if (broken.isEmpty()) {
                broken = Turn.rhythmViolation(sessionId.get(row), turn.getInt(row), reusedTokens.getInt(row),
                        sharedPrefixTokens.getInt(row), parentSessionId(row), parentTurn(row), compaction(row));
            }
            if (broken.isPresent()) throw new TrajectoryException(source + " row " + row + ": " + broken.get());
            if (hashIds != null) {
                try {
                    parseHashIds(hashIds.get(row));
                } catch (NumberFormatException e) {
                    throw new TrajectoryException(source + " row " + row + ": " + HASH_IDS
                            + ": not space-separated integers: '" + hashIds.get(row) + "'");
                }
            }
        }
    }

    int rowCount() {
        return sessionId.size();
    }

    boolean hasHashIds() {
        return hashIds != null;
    }

    /** Whether some turn has a parent: the table needs the parent columns. */
    boolean hasParents() {
        if (parentSessionId == null) return false;
        for (int row = 0; row < rowCount(); row++) if (!parentSessionId(row).isEmpty()) return true;
        return false;
    }

    /**
     * Whether the table is written with the compaction column: when some turn compacts, or a later turn reuses nothing
     * without compacting (which a file without the column would read as a compaction).
     */
    boolean hasCompactions() {
        for (int row = 0; row < rowCount(); row++) if (compaction(row) || implied(row)) return true;
        return false;
    }

    private boolean implied(int row) {
        return Turn.impliedCompaction(turn.getInt(row), reusedTokens.getInt(row));
    }

    String parentSessionId(int row) {
        return parentSessionId == null ? "" : parentSessionId.get(row);
    }

    /** -1 when the row has no parent, including a missing cell beside an empty parent id. */
    int parentTurn(int row) {
        if (parentTurn == null || parentSessionId(row).isEmpty() && parentTurn.isMissing(row)) return -1;
        return parentTurn.getInt(row);
    }

    boolean compaction(int row) {
        return compaction == null ? implied(row) : compaction.get(row);
    }

    /** The hash ids of a row; empty when it has none. */
    long[] hashIds(int row) {
        return hashIds == null ? NO_HASH_IDS : parseHashIds(hashIds.get(row));
    }

    Turn turn(int row) {
        return new Turn(sessionId.get(row), turn.getInt(row), language.get(row), inputTokens.getInt(row),
                reusedTokens.getInt(row), sharedPrefixId.get(row), sharedPrefixTokens.getInt(row),
                outputTokens.getInt(row), toolTimeMs.getLong(row), Arrays.stream(hashIds(row)).boxed().toList(),
                parentSessionId(row), parentTurn(row), compaction(row));
    }

    List<Turn> turns() {
        List<Turn> turns = new ArrayList<>(rowCount());
        for (int row = 0; row < rowCount(); row++) turns.add(turn(row));
        return turns;
    }

    /**
     * Parses decimal integers separated by whitespace (any character up to U+0020); blank text is no hash ids. One
     * hand-written pass: every write and validation parses every row, and a regex split took seconds per million.
     */
    static long[] parseHashIds(String text) {
        long[] ids = NO_HASH_IDS;
        int n = 0;
        for (int i = 0, length = text.length(); ; ) {
            while (i < length && text.charAt(i) <= ' ') i++;
            if (i == length) break;
            int start = i;
            while (i < length && text.charAt(i) > ' ') i++;
            if (n == ids.length) ids = Arrays.copyOf(ids, Math.max(16, 2 * n));
            ids[n++] = Long.parseLong(text, start, i, 10);
        }
        return n == ids.length ? ids : Arrays.copyOf(ids, n);
    }

    /** The text form of hash ids: decimals separated by single spaces, empty for none. */
    static String formatHashIds(long[] ids) {
        StringBuilder text = new StringBuilder(ids.length * 8);
        for (int i = 0; i < ids.length; i++) {
            if (i > 0) text.append(' ');
            text.append(ids[i]);
        }
        return text.toString();
    }
}
