package io.agentload.trajectory;

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
        assertEquals(Trajectories.COLUMNS, table.columnNames());
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
