package io.agentload.trajectory;

import io.agentload.replay.RequestRecord;
import io.agentload.replay.Run;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cross-checks our Parquet (and JSONL, CSV) with an independent implementation: DuckDB reads what we write, and we
 * read what DuckDB writes, including a fixture it wrote ({@code src/test/resources/trajectory/duckdb-fixtures.sql}).
 */
class ParquetDuckDbTest {

    private static final List<Turn> TURNS = Stream.concat(TrajectoriesTest.TURNS.stream(),
            TrajectoriesTest.WITH_HASH_IDS.stream()).toList();

    @TempDir
    Path dir;

    private Connection duckdb;
    private Statement sql;

    @BeforeEach
    void connect() throws SQLException {
        duckdb = DriverManager.getConnection("jdbc:duckdb:");
        sql = duckdb.createStatement();
    }

    @AfterEach
    void close() throws SQLException {
        sql.close();
        duckdb.close();
    }

    @Test
    void duckDbReadsOurParquetWithStandardTypesAndTheSameValues() throws SQLException {
        Path file = dir.resolve("turns.parquet");
        Trajectories.write(Trajectories.table(TURNS), file);

        List<String> types = new ArrayList<>();
        try (ResultSet rs = sql.executeQuery("DESCRIBE SELECT * FROM read_parquet('" + file + "')")) {
            while (rs.next()) types.add(rs.getString("column_name") + " " + rs.getString("column_type"));
        }
        assertEquals(List.of("session_id VARCHAR", "turn INTEGER", "language VARCHAR", "input_tokens INTEGER",
                "reused_tokens INTEGER", "shared_prefix_id VARCHAR", "shared_prefix_tokens INTEGER",
                "output_tokens INTEGER", "tool_time_ms BIGINT", "hash_ids BIGINT[]"), types);

        try (ResultSet rs = sql.executeQuery("SELECT DISTINCT compression FROM parquet_metadata('" + file + "')")) {
            rs.next();
            assertEquals("ZSTD", rs.getString(1));
        }
        assertEquals(TURNS, duckDbTurns("SELECT * FROM read_parquet('" + file + "')"));
    }

    @Test
    void readsParquetJsonlAndCsvThatDuckDbWroteFromOurParquet() throws SQLException {
        Path ours = dir.resolve("ours.parquet");
        Trajectories.write(Trajectories.table(TURNS), ours);
        Path parquet = dir.resolve("duckdb.parquet");
        Path jsonl = dir.resolve("duckdb.jsonl");
        Path csv = dir.resolve("duckdb.csv");
        String select = "(SELECT * FROM read_parquet('" + ours + "'))";
        sql.execute("COPY " + select + " TO '" + parquet + "' (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 2)");
        sql.execute("COPY " + select + " TO '" + jsonl + "' (FORMAT json)");
        sql.execute("COPY (SELECT * EXCLUDE (hash_ids) FROM " + select + ") TO '" + csv + "' (FORMAT csv, HEADER)");

        assertEquals(TURNS, Trajectories.turns(Trajectories.read(parquet)));
        assertEquals(TURNS, Trajectories.turns(Trajectories.read(jsonl)));
        List<Turn> withoutHashIds = TURNS.stream().map(t -> new Turn(t.sessionId(), t.turn(), t.language(),
                t.inputTokens(), t.reusedTokens(), t.sharedPrefixId(), t.sharedPrefixTokens(), t.outputTokens(),
                t.toolTimeMs(), List.of())).toList();
        assertEquals(withoutHashIds, Trajectories.turns(Trajectories.read(csv)));
    }

    /** The fixture's rows follow formulas of the row index i (see duckdb-fixtures.sql); every row is checked. */
    @Test
    void readsAParquetFixtureDuckDbWrote() throws URISyntaxException, SQLException {
        Path fixture = Path.of(getClass().getResource("/trajectory/duckdb-turns.parquet").toURI());
        Table table = Trajectories.read(fixture);
        List<String> columns = new ArrayList<>(Trajectories.COLUMNS.subList(0, 9));
        columns.add(Trajectories.HASH_IDS);
        assertEquals(columns, table.columnNames());
        List<Turn> expected = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            int k = i % 100;
            List<Long> hashIds = i % 7 == 0 || i % 11 == 0 ? List.of() : List.of((long) i, i + 1L, (long) -i);
            expected.add(new Turn(i / 100 == 3 ? "séance-会话-3" : "session-" + i / 100, k,
                    i % 13 == 0 ? "" : List.of("python", "java", "go").get(i / 100 % 3),
                    10_000 + 100 * k, k == 0 ? 0 : 9_950 + 100 * k, "harness-" + i % 2, 8_000, 50 + i % 7,
                    3L * i, hashIds));
        }
        assertEquals(expected, Trajectories.turns(table));
        assertEquals(expected, duckDbTurns("SELECT * EXCLUDE (note) FROM read_parquet('" + fixture + "')"));
        assertEquals(50, Trajectories.sessions(table).size());
    }

    /**
     * A run folder's request log reads in DuckDB with plain types: the per-request ITL summary columns agree with
     * DuckDB's own aggregates over the gaps ({@code quantile_cont} interpolates as numpy and agentload do), the gaps
     * are null unless the run kept them, and a log written before the summary columns reads beside a new one.
     */
    @Test
    void duckDbReadsTheRequestLogItsItlSummaryAndOlderLogs() throws Exception {
        java.util.Random random = new java.util.Random(3);
        List<RequestRecord> records = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            float[] gaps = new float[random.nextInt(300)];
            for (int g = 0; g < gaps.length; g++) {
                gaps[g] = (float) (0.01 + 0.05 * random.nextDouble() * random.nextDouble());
            }
            records.add(RequestRecord.builder().trial(0, i % 7).turn("s" + i % 13, i, i).sendTime(i)
                    .tokenTimes(i + 0.5, i + 1.5).endTime(i + 1.5).tokens(9_000, 8_000, gaps.length + 1)
                    .interTokenLatencies(gaps).build());
        }
        Path brief = dir.resolve("brief"), detail = dir.resolve("detail");
        try (Run run = Run.builder(brief).build()) {
            records.forEach(run::append);
        }
        try (Run run = Run.builder(detail).itlDetail(true).build()) {
            records.forEach(run::append);
        }
        String detailed = "read_parquet('" + detail.resolve(Run.REQUESTS) + "')";
        String briefed = "read_parquet('" + brief.resolve(Run.REQUESTS) + "')";

        List<String> types = new ArrayList<>();
        try (ResultSet rs = sql.executeQuery("DESCRIBE SELECT * FROM " + detailed)) {
            while (rs.next()) types.add(rs.getString("column_name") + " " + rs.getString("column_type"));
        }
        assertEquals(List.of("itl_count INTEGER", "itl_mean_s FLOAT", "itl_p50_s FLOAT", "itl_p90_s FLOAT",
                "itl_p99_s FLOAT", "itl_max_s FLOAT", "itl_s FLOAT[]"), types.subList(19, 26));
        try (ResultSet rs = sql.executeQuery("SELECT DISTINCT compression FROM parquet_metadata('"
                + detail.resolve(Run.REQUESTS) + "')")) {
            rs.next();
            assertEquals("ZSTD", rs.getString(1));
            assertFalse(rs.next());
        }

        try (ResultSet rs = sql.executeQuery("SELECT itl_count, len(itl_s), itl_mean_s, list_avg(itl_s), "
                + "itl_p50_s, list_aggregate(itl_s, 'quantile_cont', 0.5), "
                + "itl_p90_s, list_aggregate(itl_s, 'quantile_cont', 0.9), "
                + "itl_p99_s, list_aggregate(itl_s, 'quantile_cont', 0.99), "
                + "itl_max_s, list_max(itl_s) FROM " + detailed)) {
            int rows = 0;
            while (rs.next()) {
                rows++;
                assertEquals(rs.getInt(2), rs.getInt(1));
                for (int c = 3; c <= 11; c += 2) {
                    if (rs.getInt(1) == 0) {
                        rs.getFloat(c);
                        assertTrue(rs.wasNull(), "no gaps, no figures");
                    } else {
                        assertEquals(rs.getDouble(c + 1), rs.getFloat(c), 1e-6, "column " + c + " of row " + rows);
                    }
                }
            }
            assertEquals(records.size(), rows);
        }
        try (ResultSet rs = sql.executeQuery("SELECT count(itl_s), sum(itl_count), sum(itl_p90_s) FROM " + briefed
                + " UNION ALL SELECT count(*) FILTER (itl_count > 0), sum(itl_count), sum(itl_p90_s) FROM "
                + detailed)) {
            rs.next();
            assertEquals(0, rs.getLong(1), "the gaps are null unless the run keeps them");
            long gaps = rs.getLong(2);
            double p90 = rs.getDouble(3);
            rs.next();
            assertEquals(gaps, rs.getLong(2));
            assertEquals(p90, rs.getDouble(3), 0, "the same summary either way");
        }

        Path old = Path.of(getClass().getResource("/replay/run-format-1/requests.parquet").toURI());
        try (ResultSet rs = sql.executeQuery("SELECT count(*), count(itl_count), count(itl_s) FROM read_parquet(['"
                + old + "', '" + brief.resolve(Run.REQUESTS) + "'], union_by_name = true)")) {
            rs.next();
            assertEquals(112 + records.size(), rs.getLong(1));
            assertEquals(records.size(), rs.getLong(2), "the older log has no summary columns");
            assertTrue(rs.getLong(3) > 0, "but every gap");
        }
    }

    /** Turns from a DuckDB query whose columns are the turn table's, in file order. */
    private List<Turn> duckDbTurns(String query) throws SQLException {
        List<Turn> turns = new ArrayList<>();
        try (ResultSet rs = sql.executeQuery(query)) {
            boolean hasHashIds = rs.getMetaData().getColumnCount() == 10;
            while (rs.next()) {
                List<Long> hashIds = List.of();
                Array array = hasHashIds ? rs.getArray(Trajectories.HASH_IDS) : null;
                if (array != null) hashIds = Arrays.stream((Object[]) array.getArray()).map(v -> (Long) v).toList();
                turns.add(new Turn(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getInt(4), rs.getInt(5),
                        rs.getString(6), rs.getInt(7), rs.getInt(8), rs.getLong(9), hashIds));
            }
        }
        return turns;
    }
}
