package io.agentload.trajectory;

import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/** The turn-file formats, chosen by file extension. */
enum TrajectoryFormat {
    PARQUET(".parquet") {
        @Override
        Table read(Path file) {
            return ParquetTurnReader.read(file);
        }

        @Override
        void write(TurnColumns columns, Path file) throws IOException {
            ParquetTurnWriter.write(columns, file);
        }
    },
    JSONL(".jsonl") {
        @Override
        Table read(Path file) {
            return JsonlTurnReader.read(file);
        }

        @Override
        void write(TurnColumns columns, Path file) throws IOException {
            JsonlTurnWriter.write(columns, file);
        }
    },
    CSV(".csv") {
        @Override
        Table read(Path file) {
            return CsvTurnReader.read(file);
        }

        @Override
        void write(TurnColumns columns, Path file) throws IOException {
            CsvTurnWriter.write(columns, file);
        }
    };

    private final String extension;

    TrajectoryFormat(String extension) {
        this.extension = extension;
    }

    /** Reads a whole file into a turn table named after the file, validating every row. */
    abstract Table read(Path file);

    /** Writes validated columns to a new file, which must not exist yet. */
    abstract void write(TurnColumns columns, Path file) throws IOException;

    /** The format of a file from its extension (case-insensitive). */
    static TrajectoryFormat of(Path file) {
        Path name = file.getFileName();
        String lower = name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
        for (TrajectoryFormat f : values()) {
            if (lower.endsWith(f.extension)) return f;
        }
        throw new TrajectoryException(file + ": unknown trajectory format (use a .parquet, .jsonl or .csv file name)");
    }
}
