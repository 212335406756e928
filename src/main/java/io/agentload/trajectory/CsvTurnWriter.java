package io.agentload.trajectory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static io.agentload.trajectory.Trajectories.COLUMNS;

/**
 * Writes a turn table as UTF-8 CSV (RFC 4180 quoting, '\n' line ends): a header row of the column names, then one
 * row per turn; hash_ids, when the table has it, as space-separated integers. Not Tablesaw's CSV writer, which by
 * default trims a cell's leading and trailing spaces and leaves a cell holding a quote unquoted.
 */
final class CsvTurnWriter {

    private CsvTurnWriter() {
    }

    static void write(TurnColumns c, Path file) throws IOException {
        int columns = c.hasHashIds() ? COLUMNS.size() : COLUMNS.size() - 1;
        try (Writer out = new BufferedWriter(new OutputStreamWriter(
                Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                StandardCharsets.UTF_8), 1 << 16)) {
            out.write(String.join(",", COLUMNS.subList(0, columns)));
            out.write('\n');
            for (int row = 0; row < c.rowCount(); row++) {
                text(out, c.sessionId.get(row));
                out.write(',');
                out.write(Integer.toString(c.turn.getInt(row)));
                out.write(',');
                text(out, c.language.get(row));
                out.write(',');
                out.write(Integer.toString(c.inputTokens.getInt(row)));
                out.write(',');
                out.write(Integer.toString(c.reusedTokens.getInt(row)));
                out.write(',');
                text(out, c.sharedPrefixId.get(row));
                out.write(',');
                out.write(Integer.toString(c.sharedPrefixTokens.getInt(row)));
                out.write(',');
                out.write(Integer.toString(c.outputTokens.getInt(row)));
                out.write(',');
                out.write(Long.toString(c.toolTimeMs.getLong(row)));
                if (c.hasHashIds()) {
                    out.write(',');
                    out.write(TurnColumns.formatHashIds(c.hashIds(row)));
                }
                out.write('\n');
            }
        }
    }

    /** A text cell, quoted when it holds a separator, quote or line break, or starts or ends with a space. */
    private static void text(Writer out, String value) throws IOException {
        boolean quote = !value.isEmpty() && (value.charAt(0) == ' ' || value.charAt(value.length() - 1) == ' ');
        for (int i = 0; i < value.length() && !quote; i++) {
            char ch = value.charAt(i);
            quote = ch == ',' || ch == '"' || ch == '\n' || ch == '\r';
        }
        if (!quote) {
            out.write(value);
            return;
        }
        out.write('"');
        out.write(value.replace("\"", "\"\""));
        out.write('"');
    }
}
