package io.agentload.trajectory;

import io.agentload.internal.ParquetOutput;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The subagent (parent_session_id, parent_turn) and compaction columns: every format, old files, bad values. */
class SubagentCompactionColumnsTest {

    @TempDir
    Path dir;

    private static Turn turn(String session, int turn, int input, int reused, long toolMs, String parent,
                             int parentTurn, boolean compaction) {
        return new Turn(session, turn, "go", input, reused, "harness", 500, 50, toolMs, List.of(), parent, parentTurn,
                compaction);
    }

    /**
     * A parent of three turns whose turn 2 compacts (reusing only its shared prefix), a subagent spawned after the
     * parent's turn 0 (its turn 1 compacts reusing nothing), and a later turn that reuses nothing without compacting,
     * which must stay unmarked.
     */
    static final List<Turn> FAMILY = List.of(
            turn("p", 0, 2_000, 0, 9_000, "", -1, false),
            turn("p", 1, 3_000, 2_050, 40, "", -1, false),
            turn("p", 2, 1_200, 500, 0, "", -1, true),
            turn("p/sub-1", 0, 800, 0, 100, "p", 0, false),
            turn("p/sub-1", 1, 700, 0, 0, "p", 0, true),
            turn("q", 0, 900, 0, 5, "", -1, false),
            turn("q", 1, 1_000, 0, 0, "", -1, false));

    @ParameterizedTest
    @ValueSource(strings = {"parquet", "jsonl", "csv"})
    void roundTripsParentsAndCompactionsThroughEveryFormat(String extension) {
        Path file = dir.resolve("family." + extension);
        Trajectories.write(Trajectories.table(FAMILY), file);
        Table read = Trajectories.read(file);
        assertEquals(FAMILY, Trajectories.turns(read));
        assertEquals(ColumnType.STRING, read.column(Trajectories.PARENT_SESSION_ID).type());
        assertEquals(ColumnType.INTEGER, read.column(Trajectories.PARENT_TURN).type());
        assertEquals(ColumnType.BOOLEAN, read.column(Trajectories.COMPACTION).type());
    }

    @ParameterizedTest
    @ValueSource(strings = {"parquet", "jsonl", "csv"})
    void aTableWithoutSubagentsOrCompactionsKeepsTheOldColumns(String extension) {
        List<Turn> plain = List.of(turn("a", 0, 1_000, 0, 5, "", -1, false),
                turn("a", 1, 2_000, 1_050, 0, "", -1, false));
        Path file = dir.resolve("plain." + extension);
        Trajectories.write(Trajectories.table(plain), file);
        Table read = Trajectories.read(file);
        assertEquals(Trajectories.COLUMNS.subList(0, 9), read.columnNames());
        assertEquals(plain, Trajectories.turns(read));
    }

    @Test
    void sessionsNameTheirParentAndCountCompactions() {
        List<Session> sessions = Trajectories.sessions(Trajectories.table(FAMILY));
        Session parent = sessions.get(0), sub = sessions.get(1);
        assertFalse(parent.subagent());
        assertEquals("", parent.parentSessionId());
        assertEquals(-1, parent.parentTurn());
        assertEquals(1, parent.compactions());
        assertTrue(sub.subagent());
        assertEquals("p", sub.parentSessionId());
        assertEquals(0, sub.parentTurn());
        assertEquals(1, sub.compactions());
        assertEquals(0, sessions.get(2).compactions());
    }

    @Test
    void oldCsvAndJsonlFilesReadWithEveryLaterTurnThatReusesNothingAsACompaction() throws IOException {
        Path csv = dir.resolve("old.csv");
        Files.writeString(csv, """
                session_id,turn,language,input_tokens,reused_tokens,shared_prefix_id,shared_prefix_tokens,output_tokens,tool_time_ms
                s,0,go,1000,0,h,500,10,5
                s,1,go,1500,1010,h,500,10,5
                s,2,go,700,0,h,500,10,0
                """);
        Path jsonl = dir.resolve("old.jsonl");
        Files.writeString(jsonl, """
                {"session_id":"s","turn":0,"language":"go","input_tokens":1000,"reused_tokens":0,"shared_prefix_id":"h","shared_prefix_tokens":500,"output_tokens":10,"tool_time_ms":5}
                {"session_id":"s","turn":1,"language":"go","input_tokens":1500,"reused_tokens":1010,"shared_prefix_id":"h","shared_prefix_tokens":500,"output_tokens":10,"tool_time_ms":5}
                {"session_id":"s","turn":2,"language":"go","input_tokens":700,"reused_tokens":0,"shared_prefix_id":"h","shared_prefix_tokens":500,"output_tokens":10,"tool_time_ms":0}
                """);
        for (Path file : List.of(csv, jsonl)) {
            List<Turn> turns = Trajectories.turns(Trajectories.read(file));
            assertEquals(List.of(false, false, true), turns.stream().map(Turn::compaction).toList(), file.toString());
            assertTrue(turns.stream().noneMatch(Turn::subagent));
        }
    }

    /** The sample shipped before the new columns (a fixture now): it reads as it did, without subagents. */
    @Test
    void theOldSampleReadsAsAnOldParquetFile() {
        List<Turn> turns = Trajectories.turns(
                Trajectories.read("src/test/resources/trajectory/coding-agent-sample-before-rhythm.parquet"));
        assertEquals(8_278, turns.size());
        assertEquals(turns.stream().filter(t -> t.turn() > 0 && t.reusedTokens() == 0).count(),
                turns.stream().filter(Turn::compaction).count());
        assertTrue(turns.stream().noneMatch(Turn::subagent));
    }

    /** A Parquet file in the old schema (nine columns) whose session compacts: the compaction is implied. */
    @Test
    void anOldParquetFileReadsWithItsCompactionImplied() throws IOException {
        Path file = dir.resolve("old.parquet");
        long[][] rows = {{0, 1_000, 0}, {1, 1_500, 1_010}, {2, 700, 0}};
        ParquetOutput.write(file, ParquetTurnWriter.schema(false, false, false), Map.of(),
                ParquetOutput.Settings.of(CompressionCodecName.UNCOMPRESSED), rows.length, (row, out) -> {
                    out.string(0, "s");
                    out.int32(1, (int) rows[row][0]);
                    out.string(2, "go");
                    out.int32(3, (int) rows[row][1]);
                    out.int32(4, (int) rows[row][2]);
                    out.string(5, "h");
                    out.int32(6, 500);
                    out.int32(7, 10);
                    out.int64(8, 5);
                });
        Table read = Trajectories.read(file);
        assertEquals(List.of(false, false, true),
                Trajectories.turns(read).stream().map(Turn::compaction).toList());
        assertFalse(read.containsColumn(Trajectories.PARENT_SESSION_ID));
    }

    @Test
    void aCompactionPromptSharesOnlyTheSharedPrefixWithThePreviousPrompt() {
        for (int reused : new int[] {0, 500}) { // reusing nothing, or exactly the shared prefix
            Turn before = turn("c", 0, 4_096, 0, 10, "", -1, false);
            Turn compaction = turn("c", 1, 1_024, reused, 0, "", -1, true);
            PromptLayout first = PromptLayout.first(before);
            PromptLayout next = first.next(compaction);
            assertEquals(List.of(new PromptLayout.Segment(0, 500, "harness", -1),
                    new PromptLayout.Segment(500, 1_024, "c", 1)), next.segments());
            long[] a = first.blockHashes(100, 7), b = next.blockHashes(100, 7);
            for (int i = 0; i < 5; i++) assertEquals(a[i], b[i], "shared-prefix block " + i);
            assertTrue(a[5] != b[5], "the first block past the prefix differs");
        }
    }

    @Test
    void aMarkedCompactionStartsAgainEvenWhenReusedTokensClaimsMore() {
        // reused 500 (the prefix) would otherwise carry turn 0's segments; the mark wins
        Turn before = new Turn("c", 0, "go", 4_096, 0, "harness", 500, 10, 0, List.of(), "", -1, false);
        Turn after = new Turn("c", 1, "go", 900, 500, "harness", 500, 10, 0, List.of(), "", -1, true);
        Turn unmarked = new Turn("c", 1, "go", 900, 500, "harness", 500, 10, 0, List.of(), "", -1, false);
        PromptLayout first = PromptLayout.first(before);
        assertEquals(PromptLayout.first(after).segments(), first.next(after).segments());
        assertEquals(List.of(new PromptLayout.Segment(0, 500, "harness", -1),
                new PromptLayout.Segment(500, 900, "c", 1)), first.next(unmarked).segments());
    }

    @Test
    void turnRefusesInconsistentSubagentAndCompactionFields() {
        assertEquals("parent_turn -1 < 0 for parent_session_id p in session s turn 0",
                assertThrows(IllegalArgumentException.class, () -> turn("s", 0, 1_000, 0, 0, "p", -1, false))
                        .getMessage());
        assertEquals("parent_turn 3 without a parent_session_id in session s turn 0",
                assertThrows(IllegalArgumentException.class, () -> turn("s", 0, 1_000, 0, 0, "", 3, false))
                        .getMessage());
        assertEquals("parent_session_id s is the session itself in session s turn 0",
                assertThrows(IllegalArgumentException.class, () -> turn("s", 0, 1_000, 0, 0, "s", 0, false))
                        .getMessage());
        assertEquals("compaction on turn 0, which has no context to compact in session s turn 0",
                assertThrows(IllegalArgumentException.class, () -> turn("s", 0, 1_000, 0, 0, "", -1, true))
                        .getMessage());
        assertEquals("compaction turn reuses 600 tokens, more than its shared prefix 500 (a compaction keeps only the "
                        + "shared prefix) in session s turn 1",
                assertThrows(IllegalArgumentException.class, () -> turn("s", 1, 1_000, 600, 0, "", -1, true))
                        .getMessage());
    }

    @Test
    void badValuesInFilesNameTheFileLineAndField() throws IOException {
        String header = "session_id,turn,language,input_tokens,reused_tokens,shared_prefix_id,shared_prefix_tokens,"
                + "output_tokens,tool_time_ms,parent_session_id,parent_turn,compaction\n";
        assertEquals("bad.csv line 3: compaction: expected true or false, found 'yes'",
                failure("bad.csv", header + "p,0,go,100,0,h,50,5,0,,,false\np,1,go,100,0,h,50,5,0,,,yes\n"));
        assertEquals("bad.csv line 2: parent_turn: not an integer: 'first'",
                failure("bad.csv", header + "s,0,go,100,0,h,50,5,0,p,first,false\n"));
        assertEquals("bad.csv line 2: parent_turn 2 without a parent_session_id",
                failure("bad.csv", header + "s,0,go,100,0,h,50,5,0,,2,false\n"));
        String line = "{\"session_id\":\"s\",\"turn\":%d,\"language\":\"go\",\"input_tokens\":100,"
                + "\"reused_tokens\":0,\"shared_prefix_id\":\"h\",\"shared_prefix_tokens\":50,\"output_tokens\":5,"
                + "\"tool_time_ms\":0,%s}\n";
        assertEquals("bad.jsonl line 1: parent_turn: expected an integer, found \"x\"",
                failure("bad.jsonl", line.formatted(0, "\"parent_session_id\":\"p\",\"parent_turn\":\"x\"")));
        assertEquals("bad.jsonl line 2: compaction: expected true or false, found 1",
                failure("bad.jsonl", line.formatted(0, "\"compaction\":false")
                        + line.formatted(1, "\"compaction\":1")));
        assertEquals("bad.jsonl line 1: compaction on turn 0, which has no context to compact",
                failure("bad.jsonl", line.formatted(0, "\"compaction\":true")));
    }

    private String failure(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        TrajectoryException e = assertThrows(TrajectoryException.class, () -> Trajectories.read(file));
        return e.getMessage().replace(file.toString(), name);
    }

    @Test
    void aParquetFileWithACompactionColumnOfAnotherTypeNamesIt() {
        Table t = Trajectories.table(FAMILY);
        t.replaceColumn(Trajectories.COMPACTION, tech.tablesaw.api.IntColumn.create(Trajectories.COMPACTION,
                new int[FAMILY.size()]));
        TrajectoryException e = assertThrows(TrajectoryException.class, () -> Trajectories.turns(t));
        assertEquals("table turns: column compaction is INTEGER, expected BOOLEAN", e.getMessage());
    }

    @Test
    void sessionsRefuseAMissingParentABadParentTurnAndACycle() {
        List<Turn> orphan = List.of(turn("s", 0, 1_000, 0, 0, "gone", 0, false));
        assertEquals("table turns: session s names parent gone, which is not in the table",
                assertThrows(TrajectoryException.class, () -> Trajectories.sessions(Trajectories.table(orphan)))
                        .getMessage());
        List<Turn> late = List.of(turn("p", 0, 1_000, 0, 0, "", -1, false),
                turn("s", 0, 1_000, 0, 0, "p", 1, false));
        assertEquals("table turns: session s starts after turn 1 of p, which has 1 turns",
                assertThrows(TrajectoryException.class, () -> Trajectories.sessions(Trajectories.table(late)))
                        .getMessage());
        List<Turn> loop = List.of(turn("a", 0, 1_000, 0, 0, "b", 0, false),
                turn("b", 0, 1_000, 0, 0, "a", 0, false));
        assertEquals("table turns: session a is its own ancestor through parent_session_id",
                assertThrows(TrajectoryException.class, () -> Trajectories.sessions(Trajectories.table(loop)))
                        .getMessage());
        List<Turn> twoParents = List.of(turn("p", 0, 1_000, 0, 0, "", -1, false),
                turn("s", 0, 1_000, 0, 0, "p", 0, false), turn("s", 1, 1_000, 0, 0, "", -1, false));
        assertEquals("table turns: session s: turn 1 names parent none, turn 0 names p turn 0; a session has one "
                        + "parent",
                assertThrows(TrajectoryException.class, () -> Trajectories.sessions(Trajectories.table(twoParents)))
                        .getMessage());
    }

    @Test
    void toolTimeCopyKeepsEveryOtherField() {
        Turn t = FAMILY.get(4);
        Turn copy = t.withToolTimeMs(1_234);
        assertEquals(1_234, copy.toolTimeMs());
        assertEquals(new Turn(t.sessionId(), t.turn(), t.language(), t.inputTokens(), t.reusedTokens(),
                t.sharedPrefixId(), t.sharedPrefixTokens(), t.outputTokens(), 1_234, t.hashIds(), t.parentSessionId(),
                t.parentTurn(), t.compaction()), copy);
        assertArrayEquals(new long[0], copy.hashIds().stream().mapToLong(Long::longValue).toArray());
    }
}
