package io.agentload.trajectory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrajectoriesTest {

    @TempDir
    Path dir;

    /** Two sessions, rows interleaved and out of turn order, with unicode ids, empty strings and extreme values. */
    static final List<Turn> TURNS = List.of(
            new Turn("séance-会话-🚀", 1, "python", 12_500, 12_000, "harness \"a\", v2", 8_000, 900, 3_200, List.of()),
            new Turn("s,2\nnext line", 0, "", 9_000, 0, "", 0, 150, 0, List.of()),
            new Turn("séance-会话-🚀", 0, "python", 11_000, 0, "harness \"a\", v2", 8_000, 400, 1_500, List.of()),
            new Turn("s,2\nnext line", 1, "", Integer.MAX_VALUE, 9_150, "", 0, 0, Long.MAX_VALUE, List.of()));

    static final List<Turn> WITH_HASH_IDS = List.of(
            new Turn("mooncake-1", 0, "unknown", 1_024, 0, "hash-0", 512, 10, 0, List.of(0L, 1L)),
            new Turn("mooncake-1", 1, "unknown", 2_048, 1_034, "hash-0", 512, 20, 7, List.of()),
            new Turn("mooncake-2", 0, " spaced ", 600, 0, "hash-0", 512, 30, 42,
                    List.of(0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE)));

    @ParameterizedTest
    @ValueSource(strings = {"parquet", "jsonl", "csv"})
    void roundTripsTurnsThroughEveryFormat(String extension) {
        for (List<Turn> turns : List.of(TURNS, WITH_HASH_IDS, List.<Turn>of())) {
            Path file = dir.resolve("turns." + extension);
            Trajectories.write(Trajectories.table(turns), file);
            Table read = Trajectories.read(file);
            assertEquals("turns." + extension, read.name());
            assertEquals(turns, Trajectories.turns(read));
            assertEquals(turns == WITH_HASH_IDS, read.containsColumn(Trajectories.HASH_IDS));
        }
    }

    /** The example of {@link Trajectories}' Javadoc, with the sample file made here. */
    @Test
    void javadocExampleRuns() {
        String sample = dir.resolve("coding-agent-sample.parquet").toString();
        String out = dir.resolve("java-turns.jsonl").toString();
        Trajectories.write(Trajectories.table(List.of(TURNS.get(0), WITH_HASH_IDS.get(0),
                new Turn("j", 0, "java", 100, 0, "", 0, 1, 0, List.of()))), sample);

        Table t = Trajectories.read(sample);
        Table javaTurns = t.where(t.stringColumn(Trajectories.LANGUAGE).isEqualTo("java"));
        Trajectories.write(javaTurns, out);

        assertEquals(List.of(new Turn("j", 0, "java", 100, 0, "", 0, 1, 0, List.of())),
                Trajectories.turns(Trajectories.read(out)));
    }

    @Test
    void readsAndWritesByFileNameString() {
        String file = dir.resolve("TURNS.JSONL").toString();
        Trajectories.write(Trajectories.table(TURNS), file);
        assertEquals(TURNS, Trajectories.turns(Trajectories.read(file)));
    }

    @Test
    void tableHasTheDocumentedColumnsAndTypes() {
        Table t = Trajectories.table(WITH_HASH_IDS);
        List<String> core = Trajectories.COLUMNS.subList(0, 9);
        assertEquals(Stream.concat(core.stream(), Stream.of(Trajectories.HASH_IDS)).toList(), t.columnNames());
        assertEquals(List.of(ColumnType.STRING, ColumnType.INTEGER, ColumnType.STRING, ColumnType.INTEGER,
                ColumnType.INTEGER, ColumnType.STRING, ColumnType.INTEGER, ColumnType.INTEGER, ColumnType.LONG,
                ColumnType.STRING), t.columns().stream().map(c -> c.type()).toList());
        assertEquals(List.of("0 1", "", "0 -1 -9223372036854775808 9223372036854775807"),
                t.stringColumn(Trajectories.HASH_IDS).asList());
        assertEquals(core, Trajectories.table(TURNS).columnNames());
    }

    @Test
    void writingOverADirectoryNamesItAndKeepsIt() throws IOException {
        Path target = dir.resolve("taken.parquet");
        Files.createDirectories(target.resolve("child"));
        TrajectoryException e = assertThrows(TrajectoryException.class,
                () -> Trajectories.write(Trajectories.table(WITH_HASH_IDS), target));
        assertEquals(target + ": is a directory", e.getMessage());
        assertTrue(Files.isDirectory(target.resolve("child")));
    }

    @Test
    void jsonlHasOneObjectPerLineWithNumbersAsNumbers() throws IOException {
        Path file = dir.resolve("t.jsonl");
        Trajectories.write(Trajectories.table(WITH_HASH_IDS.subList(1, 3)), file);
        assertEquals("""
                {"session_id":"mooncake-1","turn":1,"language":"unknown","input_tokens":2048,"reused_tokens":1034,\
                "shared_prefix_id":"hash-0","shared_prefix_tokens":512,"output_tokens":20,"tool_time_ms":7}
                {"session_id":"mooncake-2","turn":0,"language":" spaced ","input_tokens":600,"reused_tokens":0,\
                "shared_prefix_id":"hash-0","shared_prefix_tokens":512,"output_tokens":30,"tool_time_ms":42,\
                "hash_ids":[0,-1,-9223372036854775808,9223372036854775807]}
                """, Files.readString(file));
    }

    @Test
    void csvHasAHeaderAndQuotesOnlyWhatNeedsIt() throws IOException {
        Path file = dir.resolve("t.csv");
        Trajectories.write(Trajectories.table(List.of(TURNS.get(0), TURNS.get(1), WITH_HASH_IDS.get(2))), file);
        assertEquals("""
                session_id,turn,language,input_tokens,reused_tokens,shared_prefix_id,shared_prefix_tokens,\
                output_tokens,tool_time_ms,hash_ids
                séance-会话-🚀,1,python,12500,12000,"harness ""a"", v2",8000,900,3200,
                "s,2
                next line",0,,9000,0,,0,150,0,
                mooncake-2,0," spaced ",600,0,hash-0,512,30,42,0 -1 -9223372036854775808 9223372036854775807
                """, Files.readString(file, StandardCharsets.UTF_8));
    }

    @Test
    void csvReaderTakesColumnsInAnyOrderWithCrLfAndIgnoresUnknownOnes() throws IOException {
        Path file = dir.resolve("reordered.csv");
        Files.writeString(file, "\uFEFFturn,note,session_id,language,input_tokens,reused_tokens,shared_prefix_id,"
                + "shared_prefix_tokens,output_tokens,tool_time_ms\r\n"
                + "0,\"x, y\",a,go,100,0,sys,10,5,7\r\n\r\n"
                + "1,,a,go,120,105,sys,10,6,8\r\n");
        assertEquals(List.of(new Turn("a", 0, "go", 100, 0, "sys", 10, 5, 7, List.of()),
                new Turn("a", 1, "go", 120, 105, "sys", 10, 6, 8, List.of())),
                Trajectories.turns(Trajectories.read(file)));
    }

    @Test
    void jsonlReaderSkipsBlankLinesAndUnknownKeysAndTakesNullStringsAsEmpty() throws IOException {
        Path file = dir.resolve("loose.jsonl");
        Files.writeString(file, "{\"note\":{\"nested\":[1,2]},\"session_id\":\"a\",\"turn\":0,\"language\":null,"
                + "\"input_tokens\":100,\"reused_tokens\":0,\"shared_prefix_id\":\"sys\",\"shared_prefix_tokens\":10,"
                + "\"output_tokens\":5,\"tool_time_ms\":7,\"hash_ids\":null}\r\n\n   \n"
                + "{\"session_id\":\"a\",\"turn\":1,\"language\":\"go\",\"input_tokens\":120,\"reused_tokens\":105,"
                + "\"shared_prefix_id\":\"sys\",\"shared_prefix_tokens\":10,\"output_tokens\":6,\"tool_time_ms\":8,"
                + "\"hash_ids\":[3]}");
        assertEquals(List.of(new Turn("a", 0, "", 100, 0, "sys", 10, 5, 7, List.of()),
                new Turn("a", 1, "go", 120, 105, "sys", 10, 6, 8, List.of(3L))),
                Trajectories.turns(Trajectories.read(file)));
    }

    @Test
    void sessionsComeInFirstAppearanceOrderWithTurnsSorted() {
        List<Session> sessions = Trajectories.sessions(Trajectories.table(TURNS));
        assertEquals(List.of("séance-会话-🚀", "s,2\nnext line"), sessions.stream().map(Session::sessionId).toList());
        assertEquals(List.of(TURNS.get(2), TURNS.get(0)), sessions.get(0).turns());
        assertEquals(List.of(TURNS.get(1), TURNS.get(3)), sessions.get(1).turns());
        assertEquals("python", sessions.get(0).language());
    }

    @Test
    void sessionWithAGapInItsTurnsIsAnError() {
        Table t = Trajectories.table(List.of(TURNS.get(0)));
        TrajectoryException e = assertThrows(TrajectoryException.class, () -> Trajectories.sessions(t));
        assertEquals("table turns: session séance-会话-🚀 has no turn 0 (row 1, counting data rows from 1, is its turn 1); "
                + "turns run 0, 1, 2... without gaps", e.getMessage());
    }

    @Test
    void turnsOfATableNameTheMissingColumnTheWrongTypeAndTheBrokenRow() {
        Table missing = Trajectories.table(TURNS).removeColumns(Trajectories.OUTPUT_TOKENS);
        assertEquals("table turns: missing column output_tokens",
                assertThrows(TrajectoryException.class, () -> Trajectories.turns(missing)).getMessage());

        Table wrongType = Trajectories.table(TURNS);
        wrongType.replaceColumn(Trajectories.INPUT_TOKENS,
                wrongType.intColumn(Trajectories.INPUT_TOKENS).asDoubleColumn().setName(Trajectories.INPUT_TOKENS));
        assertEquals("table turns: column input_tokens is DOUBLE, expected INTEGER",
                assertThrows(TrajectoryException.class, () -> Trajectories.turns(wrongType)).getMessage());

        Table broken = Trajectories.table(TURNS);
        broken.intColumn(Trajectories.REUSED_TOKENS).set(2, 11_001);
        assertEquals("table turns row 2: reused_tokens 11001 > input_tokens 11000",
                assertThrows(TrajectoryException.class, () -> Trajectories.turns(broken)).getMessage());

        Table negative = Trajectories.table(TURNS);
        negative.intColumn(Trajectories.OUTPUT_TOKENS).set(3, -1);
        assertEquals("table turns row 3: output_tokens -1 < 0",
                assertThrows(TrajectoryException.class, () -> Trajectories.turns(negative)).getMessage());

        Table gap = Trajectories.table(TURNS);
        gap.intColumn(Trajectories.TURN).setMissing(1);
        assertEquals("table turns row 1: turn is missing",
                assertThrows(TrajectoryException.class, () -> Trajectories.turns(gap)).getMessage());

        Table badIds = Trajectories.table(WITH_HASH_IDS);
        badIds.stringColumn(Trajectories.HASH_IDS).set(1, "1 two");
        assertEquals("table turns row 1: hash_ids: not space-separated integers: '1 two'",
                assertThrows(TrajectoryException.class, () -> Trajectories.turns(badIds)).getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"parquet", "jsonl", "csv"})
    void hashIdColumnWithoutIdsIsDroppedOnRead(String extension) {
        Table t = Trajectories.table(WITH_HASH_IDS).rows(1);
        assertTrue(t.containsColumn(Trajectories.HASH_IDS));
        Path file = dir.resolve("empty-ids." + extension);
        Trajectories.write(t, file);
        assertEquals(Trajectories.COLUMNS.subList(0, 9), Trajectories.read(file).columnNames());
    }

    @Test
    void writeIgnoresExtraColumnsOfAnalysisTables() {
        Table t = Trajectories.table(TURNS);
        t.addColumns(DoubleColumn.create("new_input_share", 4), IntColumn.create("x", 4));
        Path file = dir.resolve("t.parquet");
        Trajectories.write(t, file);
        assertEquals(Trajectories.COLUMNS.subList(0, 9), Trajectories.read(file).columnNames());
    }

    @Test
    void unknownExtensionIsAnErrorBeforeAnythingIsWritten() {
        Path file = dir.resolve("turns.txt");
        TrajectoryException e = assertThrows(TrajectoryException.class,
                () -> Trajectories.write(Trajectories.table(TURNS), file));
        assertEquals(file + ": unknown trajectory format (use a .parquet, .jsonl or .csv file name)", e.getMessage());
        assertFalse(Files.exists(file));
        assertEquals("x.json: unknown trajectory format (use a .parquet, .jsonl or .csv file name)",
                assertThrows(TrajectoryException.class, () -> Trajectories.read("x.json")).getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"parquet", "jsonl", "csv"})
    void writeThatFailsValidationLeavesTheExistingFileUntouched(String extension) throws IOException {
        Path file = dir.resolve("turns." + extension);
        Trajectories.write(Trajectories.table(TURNS), file);
        byte[] before = Files.readAllBytes(file);
        Table broken = Trajectories.table(WITH_HASH_IDS);
        broken.intColumn(Trajectories.INPUT_TOKENS).set(2, 100);
        TrajectoryException e = assertThrows(TrajectoryException.class, () -> Trajectories.write(broken, file));
        assertEquals("table turns row 2: shared_prefix_tokens 512 > input_tokens 100", e.getMessage());
        assertEquals(List.of(file), listing());
        assertArrayEquals(before, Files.readAllBytes(file));
    }

    @Test
    void writeCreatesMissingDirectoriesAndReplacesAnExistingFile() {
        Path file = dir.resolve("runs/a/turns.parquet");
        Trajectories.write(Trajectories.table(TURNS), file);
        Trajectories.write(Trajectories.table(WITH_HASH_IDS), file);
        assertEquals(WITH_HASH_IDS, Trajectories.turns(Trajectories.read(file)));
    }

    @Test
    void missingFileIsNamed() {
        for (String extension : List.of("parquet", "jsonl", "csv")) {
            Path file = dir.resolve("absent." + extension);
            assertEquals(file + ": no such file",
                    assertThrows(TrajectoryException.class, () -> Trajectories.read(file)).getMessage());
        }
    }

    private List<Path> listing() throws IOException {
        try (var files = Files.list(dir)) {
            return files.toList();
        }
    }
}
