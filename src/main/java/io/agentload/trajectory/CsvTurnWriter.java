package io.agentload.trajectory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static io.agentload.trajectory.Trajectories.COLUMNS;
import static io.agentload.trajectory.Trajectories.COMPACTION;
import static io.agentload.trajectory.Trajectories.HASH_IDS;
import static io.agentload.trajectory.Trajectories.PARENT_SESSION_ID;
import static io.agentload.trajectory.Trajectories.PARENT_TURN;

/**
 * Writes a turn table as UTF-8 CSV (RFC 4180 quoting, '\n' line ends): a header row of the column names, then one
 * row per turn; the optional columns only when the table needs them (see {@link TurnTableBuilder}), hash_ids as
 * space-separated integers. Not Tablesaw's CSV writer, which by
 * default trims a cell's leading and trailing spaces and leaves a cell holding a quote unquoted.
 */
final class CsvTurnWriter {

    private CsvTurnWriter() {
    }

    static void write(TurnColumns c, Path file) throws IOException {
        boolean parents = c.hasParents(), compactions = c.hasCompactions();
        List<String> header = new ArrayList<>(COLUMNS.subList(0, COLUMNS.indexOf(PARENT_SESSION_ID)));
        if (parents) header.addAll(List.of(PARENT_SESSION_ID, PARENT_TURN));
        if (compactions) header.add(COMPACTION);
        if (c.hasHashIds()) header.add(HASH_IDS);
        try (Writer out = new BufferedWriter(new OutputStreamWriter(
                Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                StandardCharsets.UTF_8), 1 << 16)) {
            out.write(String.join(",", header));
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
                if (parents) {
                    out.write(',');
                    text(out, c.parentSessionId(row));
                    out.write(',');
                    out.write(Integer.toString(c.parentTurn(row)));
                }
                if (compactions) {
                    out.write(',');
                    out.write(Boolean.toString(c.compaction(row)));
                }
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
