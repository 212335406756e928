package io.agentload.trajectory;

import tech.tablesaw.api.Table;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static io.agentload.trajectory.Trajectories.COLUMNS;
import static io.agentload.trajectory.Trajectories.COMPACTION;
import static io.agentload.trajectory.Trajectories.HASH_IDS;
import static io.agentload.trajectory.Trajectories.INPUT_TOKENS;
import static io.agentload.trajectory.Trajectories.OUTPUT_TOKENS;
import static io.agentload.trajectory.Trajectories.PARENT_SESSION_ID;
import static io.agentload.trajectory.Trajectories.PARENT_TURN;
import static io.agentload.trajectory.Trajectories.REUSED_TOKENS;
import static io.agentload.trajectory.Trajectories.SESSION_ID;
import static io.agentload.trajectory.Trajectories.SHARED_PREFIX_ID;
import static io.agentload.trajectory.Trajectories.SHARED_PREFIX_TOKENS;
import static io.agentload.trajectory.Trajectories.TOOL_TIME_MS;
import static io.agentload.trajectory.Trajectories.TURN;

/**
 * Reads UTF-8 CSV turn files: a header row naming the columns in any order (parent_session_id, parent_turn,
 * compaction and hash_ids optional, unknown columns ignored, a leading byte-order mark dropped), then one row per
 * turn. An empty parent cell means no parent; compaction is {@code true} or {@code false}, and a file without the
 * column marks a later turn that reuses nothing as a compaction. Cells follow RFC 4180: quoted cells may hold
 * commas, doubled quotes and line breaks. Lines are numbered from 1, the header being line 1; a row is named by the
 * line it starts on. Empty lines are skipped.
 *
 * <p>Not Tablesaw's CSV reader: its errors name neither the file nor the line (a data row number, which drifts
 * from the line after a cell with a line break), it reads text after a closing quote without complaint and reports
 * an unclosed quote as a short row; and on the shipped trajectories as CSV it was no faster (median of 20 warm
 * reads of the 12,031-turn Mooncake file: 46 ms here with every turn checked, 65 ms for Tablesaw's parse alone).
 */
final class CsvTurnReader {

    /** Columns from this index of {@link Trajectories#COLUMNS} on may be absent. */
    private static final int OPTIONAL_FROM = COLUMNS.indexOf(PARENT_SESSION_ID);

    private CsvTurnReader() {
    }

    static Table read(Path file) {
        TurnTableBuilder table = new TurnTableBuilder();
        Records records = null;
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            records = new Records(in, file.toString());
            List<String> header = records.next();
            if (header == null) throw new TrajectoryException(file + ": empty file, expected a header row");
            if (header.get(0).startsWith("\uFEFF")) header.set(0, header.get(0).substring(1));
            int[] index = new int[COLUMNS.size()];
            for (int i = 0; i < index.length; i++) {
                index[i] = header.indexOf(COLUMNS.get(i));
                if (index[i] < 0 && i < OPTIONAL_FROM) {
                    throw new TrajectoryException(file + ": missing column " + COLUMNS.get(i));
                }
            }
            for (List<String> cells; (cells = records.next()) != null; ) {
                if (cells.size() == 1 && cells.get(0).isEmpty()) continue;
                String where = file + " line " + records.recordLine();
                if (cells.size() != header.size()) {
                    throw new TrajectoryException(where + ": " + cells.size() + " cells, the header has "
                            + header.size());
                }
                table.add(turn(cells, index, where));
            }
        } catch (NoSuchFileException e) {
            throw new TrajectoryException(file + ": no such file", e);
        } catch (CharacterCodingException e) {
            throw new TrajectoryException(file + " line " + firstLineNotUtf8(file) + ": not UTF-8 text; save the file "
                    + "as UTF-8", e);
        } catch (IOException e) {
            throw new TrajectoryException(file + ": could not read: " + e.getMessage(), e);
        }
        return table.build(String.valueOf(file.getFileName()));
    }

    /**
     * The line of the file's first byte that is not UTF-8: the buffered decoder fails a whole buffer ahead of the
     * records, so the error path looks again, byte by byte.
     */
    private static long firstLineNotUtf8(Path file) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder();
        ByteBuffer bytes = ByteBuffer.allocate(1 << 16);
        CharBuffer chars = CharBuffer.allocate(1 << 16);
        long line = 1;
        try (ReadableByteChannel in = Files.newByteChannel(file)) {
            while (in.read(bytes) >= 0 || bytes.position() > 0) {
                bytes.flip();
                int from = bytes.position();
                CoderResult result = decoder.decode(bytes, chars, false);
                for (int i = from; i < bytes.position(); i++) if (bytes.get(i) == '\n') line++;
                if (result.isError()) return line;
                if (bytes.position() == from && !result.isOverflow()) break; // a sequence cut at the end of the file
                chars.clear();
                bytes.compact();
            }
        } catch (IOException e) {
            // the file could be read a moment ago: the line reached is the best answer
        }
        return line;
    }

    private static Turn turn(List<String> cells, int[] index, String where) {
        String sessionId = cells.get(index[0]);
        int turn = integer(cells, index[1], TURN, where);
        String language = cells.get(index[2]);
        int inputTokens = integer(cells, index[3], INPUT_TOKENS, where);
        int reusedTokens = integer(cells, index[4], REUSED_TOKENS, where);
        String sharedPrefixId = cells.get(index[5]);
        int sharedPrefixTokens = integer(cells, index[6], SHARED_PREFIX_TOKENS, where);
        int outputTokens = integer(cells, index[7], OUTPUT_TOKENS, where);
        long toolTimeMs = longInteger(cells, index[8], TOOL_TIME_MS, where);
        String parentSessionId = index[9] < 0 ? "" : cells.get(index[9]);
        int parentTurn = index[10] < 0 || cells.get(index[10]).isBlank() ? -1
                : integer(cells, index[10], PARENT_TURN, where);
        boolean compaction = index[11] < 0 ? Turn.impliedCompaction(turn, reusedTokens)
                : bool(cells.get(index[11]), where);
        List<Long> hashIds = index[12] < 0 ? List.of() : hashIds(cells.get(index[12]), where);
        Optional<String> broken = Turn.violation(sessionId, turn, inputTokens, reusedTokens, sharedPrefixTokens,
                outputTokens, toolTimeMs);
        if (broken.isEmpty()) {
            broken = Turn.rhythmViolation(sessionId, turn, reusedTokens, sharedPrefixTokens, parentSessionId,
                    parentTurn, compaction);
        }
        if (broken.isPresent()) throw new TrajectoryException(where + ": " + broken.get());
        return new Turn(sessionId, turn, language, inputTokens, reusedTokens, sharedPrefixId, sharedPrefixTokens,
                outputTokens, toolTimeMs, hashIds, parentSessionId, parentTurn, compaction);
    }

    private static boolean bool(String cell, String where) {
        String value = cell.strip();
        if (value.equalsIgnoreCase("true")) return true;
        if (value.equalsIgnoreCase("false")) return false;
        throw new TrajectoryException(where + ": " + COMPACTION + ": expected true or false, found '" + value + "'");
    }

    private static int integer(List<String> cells, int column, String field, String where) {
        long value = longInteger(cells, column, field, where);
        if (value != (int) value) {
            throw new TrajectoryException(where + ": " + field + ": " + value + " is out of range");
        }
        return (int) value;
    }

    private static long longInteger(List<String> cells, int column, String field, String where) {
        String cell = cells.get(column).strip();
        if (cell.isEmpty()) throw new TrajectoryException(where + ": " + field + " is empty");
        try {
            return Long.parseLong(cell);
        } catch (NumberFormatException e) {
            throw new TrajectoryException(where + ": " + field + ": not an integer: '" + cell + "'", e);
        }
    }

    private static List<Long> hashIds(String cell, String where) {
        try {
            return Arrays.stream(TurnColumns.parseHashIds(cell)).boxed().toList();
        } catch (NumberFormatException e) {
            throw new TrajectoryException(where + ": " + HASH_IDS
                    + ": not space-separated integers: '" + cell + "'", e);
        }
    }

    /** Splits RFC 4180 text into records of cells, counting physical lines. */
    private static final class Records {
        private final Reader in;
        private final String file;
        private final char[] buffer = new char[1 << 16];
        private int position;
        private int limit;
        private int line = 1;
        private int recordLine;

        Records(Reader in, String file) {
            this.in = in;
            this.file = file;
        }

        /** The line being read. */
        int line() {
            return line;
        }

        /** The line the last record started on. */
        int recordLine() {
            return recordLine;
        }

        /** The next record's cells, or null at the end of the text. */
        List<String> next() throws IOException {
            int c = read();
            if (c < 0) return null;
            recordLine = line;
            List<String> cells = new ArrayList<>(COLUMNS.size());
            StringBuilder cell = new StringBuilder();
            while (true) {
                if (c == '"' && cell.isEmpty()) {
                    c = quoted(cell);
                    if (c >= 0 && c != ',' && c != '\n' && c != '\r') {
                        throw new TrajectoryException(file + " line " + line + ": text after a closing quote");
                    }
                }
                if (c < 0 || c == '\n' || c == '\r') {
                    if (c == '\r' && peek() == '\n') read();
                    if (c >= 0) line++;
                    cells.add(cell.toString());
                    return cells;
                }
                if (c == ',') {
                    cells.add(cell.toString());
                    cell.setLength(0);
                } else {
                    cell.append((char) c);
                }
                c = read();
            }
        }

        /** Reads a quoted cell's content after its opening quote; returns the character after the closing quote. */
        private int quoted(StringBuilder cell) throws IOException {
            int start = line;
            while (true) {
                int c = read();
                if (c < 0) throw new TrajectoryException(file + " line " + start + ": quoted cell never closed");
                if (c == '"') {
                    if (peek() != '"') return read();
                    read();
                } else if (c == '\n' || (c == '\r' && peek() != '\n')) {
                    line++;
                }
                cell.append((char) c);
            }
        }

        private int read() throws IOException {
            if (position == limit && !fill()) return -1;
            return buffer[position++];
        }

        private int peek() throws IOException {
            if (position == limit && !fill()) return -1;
            return buffer[position];
        }

        private boolean fill() throws IOException {
            limit = in.read(buffer);
            position = 0;
            if (limit <= 0) {
                limit = 0;
                return false;
            }
            return true;
        }
    }
}
