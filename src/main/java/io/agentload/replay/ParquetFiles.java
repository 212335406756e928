package io.agentload.replay;

import io.agentload.internal.AtomicWrite;
import io.agentload.internal.ParquetInput;
import io.agentload.internal.ParquetOutput;
import io.agentload.internal.ParquetTables;
import org.apache.parquet.schema.MessageType;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The run folder's Parquet files through the shared layer ({@code io.agentload.internal}), every write atomic and
 * every failure a {@link ReplayException} naming the file. Small files written often (request log parts, tables)
 * are uncompressed: parquet-hadoop's Snappy codec costs about 50 ms of setup per file, more than such a file takes
 * to write; the compacted request log is ZSTD-compressed.
 */
final class ParquetFiles {

    private ParquetFiles() {
    }

    /** Writes rows {@code 0 .. rows - 1} to {@code target} atomically, with {@code metadata} in the footer. */
    static void write(Path target, MessageType schema, Map<String, String> metadata, ParquetOutput.Settings settings,
                      int rows, ParquetOutput.RowWriter writer) {
        atomically(target, tmp -> ParquetOutput.write(tmp, schema, metadata, settings, rows, writer));
    }

    /** Calls {@code rows} on every row of {@code file}, in order, as records of the file's own schema. */
    static void read(Path file, ParquetInput.RowReader rows) {
        try (ParquetInput in = ParquetInput.open(file)) {
            in.readRows(in.schema(), rows);
        } catch (ReplayException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ReplayException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The footer key-value metadata of {@code file}. */
    static Map<String, String> footer(Path file) {
        try (ParquetInput in = ParquetInput.open(file)) {
            return in.metadata();
        } catch (IOException | RuntimeException e) {
            throw new ReplayException("cannot read the footer of " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes a Tablesaw table with int, long, double, string and boolean columns; missing values become nulls. */
    static void writeTable(Path target, Table table) {
        atomically(target, tmp -> ParquetTables.write(tmp, table));
    }

    /** Reads a flat Parquet file into a Tablesaw table; nested and list columns are left out. */
    static Table readTable(Path file) {
        try {
            return ParquetTables.read(file);
        } catch (IOException | RuntimeException e) {
            throw new ReplayException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code target} through {@code content} atomically ({@link AtomicWrite}), failing as a ReplayException. */
    static void atomically(Path target, AtomicWrite.Content content) {
        try {
            AtomicWrite.write(target, content);
        } catch (ReplayException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ReplayException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }
}
