package io.agentload.trajectory;

import io.agentload.internal.AtomicWrite;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turn tables (docs/design.md, "Turn tables") as files and Tablesaw tables: one row per model call.
 *
 * <pre>{@code
 * Table t = Trajectories.read("data/coding-agent-sample.parquet");
 * Table javaTurns = t.where(t.stringColumn(Trajectories.LANGUAGE).isEqualTo("java"));
 * Trajectories.write(javaTurns, "java-turns.jsonl");
 * }</pre>
 *
 * <p>The file format follows the extension: {@code .parquet} (plain Parquet that DuckDB, pandas and Spark read),
 * {@code .jsonl} (one JSON object per line, the column names as keys) or {@code .csv} (a header row of the column
 * names). Every format holds the same columns:
 *
 * <table>
 * <caption>Columns of a turn table</caption>
 * <tr><th>column</th><th>Tablesaw</th><th>Parquet</th><th>JSONL</th><th>CSV</th></tr>
 * <tr><td>session_id, language, shared_prefix_id</td><td>STRING</td><td>BINARY (STRING)</td><td>string</td>
 *     <td>text</td></tr>
 * <tr><td>turn, input_tokens, reused_tokens, shared_prefix_tokens, output_tokens</td><td>INTEGER</td>
 *     <td>INT32</td><td>number</td><td>integer</td></tr>
 * <tr><td>tool_time_ms</td><td>LONG</td><td>INT64</td><td>number</td><td>integer</td></tr>
 * <tr><td>parent_session_id (optional)</td><td>STRING</td><td>BINARY (STRING)</td><td>string</td>
 *     <td>text</td></tr>
 * <tr><td>parent_turn (optional)</td><td>INTEGER</td><td>INT32</td><td>number</td><td>integer</td></tr>
 * <tr><td>compaction (optional)</td><td>BOOLEAN</td><td>BOOLEAN</td><td>true or false</td>
 *     <td>true or false</td></tr>
 * <tr><td>hash_ids (optional)</td><td>STRING of space-separated integers</td><td>LIST of INT64</td>
 *     <td>array of numbers</td><td>space-separated integers</td></tr>
 * </table>
 *
 * <p>A subagent session names its parent on every row ({@code parent_session_id}, {@code parent_turn}): it starts
 * after that parent turn, runs while the parent waits, and the parent's next turn waits for it (fork/join). A table
 * has the two columns only when some session has a parent; without them (files written before subagents) every
 * session is top-level, and in a row an empty id and turn -1 mean none. A compaction turn ({@code compaction} true)
 * replaces the context with a summary: its prompt keeps only the shared prefix of the previous one, so it reuses at
 * most {@code shared_prefix_tokens}. A table has the column only when some turn compacts, or a later turn reuses
 * nothing without compacting; without it (older files) a later turn that reuses nothing is a compaction, as
 * {@code reused_tokens == 0} meant then.
 *
 * <p>Tablesaw has no list column, so {@code hash_ids} is a string column holding the block hashes as
 * space-separated decimal integers ({@code "0 1 2 17"}), the same text as the CSV cell; an empty cell means the turn
 * has none. A table has the column only when some turn has hash ids. Readers ignore columns they do not know; writers
 * write only the turn table's columns.
 *
 * <p>Bad input stops with one {@link TrajectoryException} whose message names the file, the line (JSONL, CSV:
 * 1-based, the header is line 1) or row (Parquet, tables: 0-based) and the field. Writes go to a temporary file in
 * the target's directory that is renamed into place, so a failed write leaves no file and an existing file
 * untouched.
 */
public final class Trajectories {

    /** Column {@code session_id}: unique per session. */
    public static final String SESSION_ID = "session_id";
    /** Column {@code turn}: 0-based index within the session. */
    public static final String TURN = "turn";
    /** Column {@code language}: primary programming language of the task's repository. */
    public static final String LANGUAGE = "language";
    /** Column {@code input_tokens}: full prompt length of the call. */
    public static final String INPUT_TOKENS = "input_tokens";
    /** Column {@code reused_tokens}: leading tokens identical to the previous call's prompt plus its output. */
    public static final String REUSED_TOKENS = "reused_tokens";
    /** Column {@code shared_prefix_id}: the prefix shared by every session of one harness. */
    public static final String SHARED_PREFIX_ID = "shared_prefix_id";
    /** Column {@code shared_prefix_tokens}: length of that shared prefix. */
    public static final String SHARED_PREFIX_TOKENS = "shared_prefix_tokens";
    /** Column {@code output_tokens}: tokens the model produced. */
    public static final String OUTPUT_TOKENS = "output_tokens";
    /** Column {@code tool_time_ms}: time between the call's last token and the next call. */
    public static final String TOOL_TIME_MS = "tool_time_ms";
    /** Optional column {@code parent_session_id}: the session that spawned this one as a subagent; empty if none. */
    public static final String PARENT_SESSION_ID = "parent_session_id";
    /** Optional column {@code parent_turn}: the parent's turn after which the subagent starts; -1 if none. */
    public static final String PARENT_TURN = "parent_turn";
    /** Optional column {@code compaction}: the turn's prompt keeps only the shared prefix and a summary. */
    public static final String COMPACTION = "compaction";
    /** Optional column {@code hash_ids}: Mooncake-style prefix block hashes, space-separated in a table. */
    public static final String HASH_IDS = "hash_ids";
    /**
     * Every column in file order; the last four ({@link #PARENT_SESSION_ID}, {@link #PARENT_TURN},
     * {@link #COMPACTION}, {@link #HASH_IDS}) are optional.
     */
    public static final List<String> COLUMNS = List.of(SESSION_ID, TURN, LANGUAGE, INPUT_TOKENS, REUSED_TOKENS,
            SHARED_PREFIX_ID, SHARED_PREFIX_TOKENS, OUTPUT_TOKENS, TOOL_TIME_MS, PARENT_SESSION_ID, PARENT_TURN,
            COMPACTION, HASH_IDS);

    private Trajectories() {
    }

    /** Reads a {@code .parquet}, {@code .jsonl} or {@code .csv} turn file into a table named after the file. */
    public static Table read(String file) {
        return read(Path.of(file));
    }

    /** Reads a {@code .parquet}, {@code .jsonl} or {@code .csv} turn file into a table named after the file. */
    public static Table read(Path file) {
        return TrajectoryFormat.of(file).read(file);
    }

    /** Writes a turn table to a {@code .parquet}, {@code .jsonl} or {@code .csv} file, replacing it atomically. */
    public static void write(Table turns, String file) {
        write(turns, Path.of(file));
    }

    /** Writes a turn table to a {@code .parquet}, {@code .jsonl} or {@code .csv} file, replacing it atomically. */
    public static void write(Table turns, Path file) {
        TrajectoryFormat format = TrajectoryFormat.of(file);
        TurnColumns columns = TurnColumns.of(turns);
        try {
            AtomicWrite.write(file, temporary -> format.write(columns, temporary));
        } catch (TrajectoryException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // A reason about the file itself ("is a directory") reads best without the exception's name.
            String reason = e instanceof FileSystemException f && file.toString().equals(f.getFile())
                    && f.getOtherFile() == null && f.getReason() != null ? f.getReason()
                    : "could not write: " + e.getClass().getSimpleName() + " " + e.getMessage();
            throw new TrajectoryException(file + ": " + reason, e);
        }
    }

    /**
     * Checks that a file name has a supported extension, so a long job can refuse its output name before it starts.
     *
     * @throws TrajectoryException naming the file and the supported extensions
     */
    public static void checkFormat(Path file) {
        TrajectoryFormat.of(file);
    }

    /** The turn table of these turns, in their order. */
    public static Table table(List<Turn> turns) {
        TurnTableBuilder table = new TurnTableBuilder();
        turns.forEach(table::add);
        return table.build("turns");
    }

    /** The turns of a turn table, row by row; a missing column, wrong type or broken row names the row and field. */
    public static List<Turn> turns(Table table) {
        return TurnColumns.of(table).turns();
    }

    /**
     * The sessions of a turn table, in the order their first rows appear, each with its turns sorted by
     * {@link Turn#turn()} (its rows may come in any order, and between other sessions' rows). A session whose turns do
     * not run 0, 1, 2, ... without gaps or twice is an error naming the session, the turn and its rows; a session's
     * language is that of its turn 0. So is a subagent whose parent is not in the table, whose parent turn the parent
     * does not have, or whose chain of parents comes back to itself.
     */
    public static List<Session> sessions(Table table) {
        List<Turn> rows = turns(table);
        Map<String, List<Integer>> bySession = new LinkedHashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            bySession.computeIfAbsent(rows.get(i).sessionId(), id -> new ArrayList<>()).add(i);
        }
        List<Session> sessions = new ArrayList<>(bySession.size());
        for (List<Integer> indices : bySession.values()) {
            indices.sort((a, b) -> Integer.compare(rows.get(a).turn(), rows.get(b).turn()));
            List<Turn> turns = new ArrayList<>(indices.size());
            for (int k = 0; k < indices.size(); k++) {
                Turn t = rows.get(indices.get(k));
                if (t.turn() != k) throw new TrajectoryException("table " + table.name() + ": " + gap(rows, indices, k));
                turns.add(t);
            }
            try {
                sessions.add(new Session(turns.get(0).sessionId(), turns.get(0).language(), turns));
            } catch (IllegalArgumentException e) {
                throw new TrajectoryException("table " + table.name() + ": " + e.getMessage(), e);
            }
        }
        checkParents(sessions, table.name());
        return sessions;
    }

    /** Every subagent's parent is in the table, has its parent turn, and no chain of parents loops. */
    private static void checkParents(List<Session> sessions, String table) {
        Map<String, Session> byId = new LinkedHashMap<>();
        for (Session s : sessions) byId.put(s.sessionId(), s);
        for (Session s : sessions) {
            if (!s.subagent()) continue;
            Session parent = byId.get(s.parentSessionId());
            if (parent == null) {
                throw new TrajectoryException("table " + table + ": session " + s.sessionId() + " names parent "
                        + s.parentSessionId() + ", which is not in the table");
            }
            if (s.parentTurn() >= parent.turns().size()) {
                throw new TrajectoryException("table " + table + ": session " + s.sessionId() + " starts after turn "
                        + s.parentTurn() + " of " + parent.sessionId() + ", which has " + parent.turns().size()
                        + " turns");
            }
            Session ancestor = parent;
            for (int depth = 0; ancestor.subagent(); depth++) {
                if (ancestor == s || depth > sessions.size()) {
                    throw new TrajectoryException("table " + table + ": session " + s.sessionId()
                            + " is its own ancestor through parent_session_id");
                }
                ancestor = byId.get(ancestor.parentSessionId());
                if (ancestor == null) break; // reported when that session's own turn comes
            }
        }
    }

    /** What is wrong with the {@code k}-th turn of a session, by turn number: its row twice, or a turn missing. */
    private static String gap(List<Turn> rows, List<Integer> indices, int k) {
        Turn t = rows.get(indices.get(k));
        if (k > 0 && rows.get(indices.get(k - 1)).turn() == t.turn()) {
            return "session " + t.sessionId() + " has turn " + t.turn() + " twice (rows " + (indices.get(k - 1) + 1)
                    + " and " + (indices.get(k) + 1) + ", counting data rows from 1)";
        }
        return "session " + t.sessionId() + " has no turn " + k + " (row " + (indices.get(k) + 1) + ", counting data "
                + "rows from 1, is its turn " + t.turn() + "); turns run 0, 1, 2... without gaps";
    }

    /**
     * Mooncake traces ({@code timestamp, input_length, output_length, hash_ids} per line) as a turn table, with
     * sessions derived from chained 512-token block hashes (see {@link MooncakeTrace} for the rule and its numbers).
     * A directory stands for every {@code *.jsonl} file under it.
     */
    public static Table importMooncake(Path... traces) {
        return table(MooncakeTrace.read(traces));
    }

    /**
     * Artificial Analysis replay traces (OpenAI {@code messages} per model call) as a turn table, token counts from
     * the o200k_base tokenizer (see {@link AaReplayTrace}). A directory stands for every {@code *.jsonl} under it.
     */
    public static Table importAa(Path... traces) {
        return table(AaReplayTrace.read(traces));
    }

    /**
     * A synthetic coding-agent workload of {@code sessions} sessions with the given shape, as a turn table; the same
     * (shape, sessions, seed) always gives the same table. See {@link WorkloadGenerator} for the model.
     *
     * <pre>{@code
     * Table t = Trajectories.generate(WorkloadShape.codingAgent(), 500, 42);
     * }</pre>
     */
    public static Table generate(WorkloadShape shape, int sessions, long seed) {
        return table(WorkloadGenerator.of(shape).turns(sessions, seed));
    }
}
