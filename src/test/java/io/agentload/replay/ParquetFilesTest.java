package io.agentload.replay;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.DateColumn;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The run folder's Parquet files fail as ReplayExceptions that name the file, and leave no temporary file. */
class ParquetFilesTest {

    @TempDir
    Path dir;

    @Test
    void aFileThatIsNotParquetIsNamed() throws IOException {
        Path file = Files.writeString(dir.resolve("requests.parquet"), "half a file");
        ReplayException e = assertThrows(ReplayException.class, () -> RequestsFile.read(file));
        assertEquals("cannot read " + file + ": the file is not a Parquet file (length is too low: 11)",
                e.getMessage());
        assertEquals("cannot read the footer of " + file + ": the file is not a Parquet file (length is too low: 11)",
                assertThrows(ReplayException.class, () -> ParquetFiles.footer(file)).getMessage());
    }

    @Test
    void aColumnThatCannotBeWrittenIsNamedWithTheFileAndNothingIsLeft() throws IOException {
        Path file = dir.resolve("trials.parquet");
        Table table = Table.create("t", DateColumn.create("day", LocalDate.EPOCH));
        ReplayException e = assertThrows(ReplayException.class, () -> ParquetFiles.writeTable(file, table));
        assertEquals("cannot write " + file + ": column 'day' is of type LOCAL_DATE (int, long, double, boolean and"
                + " string columns only)", e.getMessage());
        try (var listing = Files.list(dir)) {
            assertEquals(List.of(), listing.toList());
        }
    }
}
