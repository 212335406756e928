package io.agentload.trajectory;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.io.InputStream;
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
import static io.agentload.trajectory.Trajectories.LANGUAGE;
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
 * Reads JSON Lines turn files: one object per line with the column names as keys, numbers as JSON numbers, hash_ids
 * absent, null or an array of integers. parent_session_id and parent_turn are absent or null for a top-level session;
 * compaction is true or false, and a line without it marks a later turn that reuses nothing as a compaction. Blank
 * lines and unknown keys are skipped; a null string is empty. Lines are
 * split on bytes and each is parsed by Jackson's streaming parser straight from those bytes.
 */
final class JsonlTurnReader {

    private static final JsonFactory JSON = new JsonFactory();
    private static final List<Long> NO_HASH_IDS = List.of();
    /**
     * The longest line read: a turn row is a few hundred bytes, a few KB with the hash ids of a 1M-token prompt (2K
     * blocks), so a longer line is another kind of file (or a corrupt one), refused before it fills the memory.
     */
    static final int MAX_LINE_BYTES = 16 << 20;

    /** Fields from this index of {@link Trajectories#COLUMNS} on may be absent. */
    private static final int OPTIONAL_FROM = COLUMNS.indexOf(PARENT_SESSION_ID);

    private JsonlTurnReader() {
    }

    static Table read(Path file) {
        TurnTableBuilder table = new TurnTableBuilder();
        try (InputStream in = Files.newInputStream(file)) {
            forEachLine(in, file, (bytes, offset, length, line) -> {
                if (!blank(bytes, offset, length)) table.add(parse(bytes, offset, length, file + " line " + line));
            });
        } catch (NoSuchFileException e) {
            throw new TrajectoryException(file + ": no such file", e);
        } catch (IOException e) {
            throw new TrajectoryException(file + ": could not read: " + e.getMessage(), e);
        }
        return table.build(String.valueOf(file.getFileName()));
    }

    /** Receives one line's bytes, without its '\n'. */
    @FunctionalInterface
    private interface LineConsumer {
        void accept(byte[] bytes, int offset, int length, int line);
    }

    /**
     * Splits a byte stream on '\n' without decoding it, passing slices of the read buffer where it can; a line longer
     * than {@link #MAX_LINE_BYTES} stops it.
     */
    private static void forEachLine(InputStream in, Path file, LineConsumer consumer) throws IOException {
        byte[] chunk = new byte[1 << 16];
        byte[] pending = new byte[1 << 10];
        int pendingLength = 0;
        int line = 0;
        for (int n; (n = in.read(chunk)) >= 0; ) {
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (chunk[i] != '\n') continue;
                line++;
                if (pendingLength == 0) {
                    consumer.accept(chunk, start, i - start, line);
                } else {
                    pending = append(pending, pendingLength, chunk, start, i - start);
                    consumer.accept(pending, 0, pendingLength + i - start, line);
                    pendingLength = 0;
                }
                start = i + 1;
            }
            if (pendingLength + n - start > MAX_LINE_BYTES) {
                throw new TrajectoryException(file + " line " + (line + 1) + ": longer than " + (MAX_LINE_BYTES >> 20)
                        + " MiB without a line break; a turn row is a few KB (is this a JSON Lines turn file?)");
            }
            pending = append(pending, pendingLength, chunk, start, n - start);
            pendingLength += n - start;
        }
        if (pendingLength > 0) consumer.accept(pending, 0, pendingLength, line + 1);
    }

    private static byte[] append(byte[] to, int toLength, byte[] from, int offset, int length) {
        byte[] grown = toLength + length <= to.length ? to
                : Arrays.copyOf(to, Math.max(2 * to.length, toLength + length));
        System.arraycopy(from, offset, grown, toLength, length);
        return grown;
    }

    private static boolean blank(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (bytes[i] != ' ' && bytes[i] != '\t' && bytes[i] != '\r') return false;
        }
        return true;
    }

    private static Turn parse(byte[] bytes, int offset, int length, String where) {
        String sessionId = "", language = "", sharedPrefixId = "";
        int turn = 0, inputTokens = 0, reusedTokens = 0, sharedPrefixTokens = 0, outputTokens = 0;
        long toolTimeMs = 0;
        List<Long> hashIds = NO_HASH_IDS;
        String parentSessionId = "";
        int parentTurn = -1;
        Boolean compaction = null;
        boolean[] seen = new boolean[COLUMNS.size()];
        try (JsonParser p = JSON.createParser(bytes, offset, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new TrajectoryException(where + ": expected a JSON object, found " + found(p));
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case SESSION_ID -> sessionId = string(p, field, where);
                    case TURN -> turn = integer(p, field, where);
                    case LANGUAGE -> language = string(p, field, where);
                    case INPUT_TOKENS -> inputTokens = integer(p, field, where);
                    case REUSED_TOKENS -> reusedTokens = integer(p, field, where);
                    case SHARED_PREFIX_ID -> sharedPrefixId = string(p, field, where);
                    case SHARED_PREFIX_TOKENS -> sharedPrefixTokens = integer(p, field, where);
                    case OUTPUT_TOKENS -> outputTokens = integer(p, field, where);
                    case TOOL_TIME_MS -> toolTimeMs = longInteger(p, field, where);
                    case HASH_IDS -> hashIds = hashIds(p, where);
                    case PARENT_SESSION_ID -> parentSessionId = string(p, field, where);
                    case PARENT_TURN -> parentTurn = p.currentToken() == JsonToken.VALUE_NULL ? -1
                            : integer(p, field, where);
                    case COMPACTION -> compaction = bool(p, where);
                    default -> p.skipChildren();
                }
                int column = COLUMNS.indexOf(field);
                if (column >= 0) seen[column] = true;
            }
            if (p.nextToken() != null) {
                throw new TrajectoryException(where + ": not valid JSON: more than one value on the line");
            }
        } catch (JsonProcessingException e) {
            throw new TrajectoryException(where + ": not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new TrajectoryException(where + ": " + e.getMessage(), e);
        }
        for (int i = 0; i < seen.length; i++) {
            if (!seen[i] && i < OPTIONAL_FROM) {
                throw new TrajectoryException(where + ": missing field " + COLUMNS.get(i));
            }
        }
        boolean compacts = compaction == null ? Turn.impliedCompaction(turn, reusedTokens) : compaction;
        Optional<String> broken = Turn.violation(sessionId, turn, inputTokens, reusedTokens, sharedPrefixTokens,
                outputTokens, toolTimeMs);
        if (broken.isEmpty()) {
            broken = Turn.rhythmViolation(sessionId, turn, reusedTokens, sharedPrefixTokens, parentSessionId,
                    parentTurn, compacts);
        }
        if (broken.isPresent()) throw new TrajectoryException(where + ": " + broken.get());
        return new Turn(sessionId, turn, language, inputTokens, reusedTokens, sharedPrefixId, sharedPrefixTokens,
                outputTokens, toolTimeMs, hashIds, parentSessionId, parentTurn, compacts);
    }

    /** A compaction mark: true, false, or null for none given. */
    private static Boolean bool(JsonParser p, String where) throws IOException {
        return switch (p.currentToken()) {
            case VALUE_TRUE -> true;
            case VALUE_FALSE -> false;
            case VALUE_NULL -> null;
            default -> throw new TrajectoryException(where + ": " + COMPACTION + ": expected true or false, found "
                    + found(p));
        };
    }

    private static String string(JsonParser p, String field, String where) throws IOException {
        return switch (p.currentToken()) {
            case VALUE_STRING -> p.getText();
            case VALUE_NULL -> "";
            default -> throw new TrajectoryException(where + ": " + field + ": expected a string, found " + found(p));
        };
    }

    private static int integer(JsonParser p, String field, String where) throws IOException {
        long value = longInteger(p, field, where);
        if (value != (int) value) {
            throw new TrajectoryException(where + ": " + field + ": " + value + " is out of range");
        }
        return (int) value;
    }

    private static long longInteger(JsonParser p, String field, String where) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
            throw new TrajectoryException(where + ": " + field + ": expected an integer, found " + found(p));
        }
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw new TrajectoryException(where + ": " + field + ": " + p.getText() + " is out of range");
        }
        return p.getLongValue();
    }

    private static List<Long> hashIds(JsonParser p, String where) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) return NO_HASH_IDS;
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new TrajectoryException(where + ": " + HASH_IDS + ": expected an array of integers, found "
                    + found(p));
        }
        List<Long> ids = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.VALUE_NUMBER_INT
                    || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                throw new TrajectoryException(where + ": " + HASH_IDS + "[" + ids.size()
                        + "]: expected a 64-bit integer, found " + found(p));
            }
            ids.add(p.getLongValue());
        }
        return ids;
    }

    /** A JSON value as a message shows it: its text for scalars, its kind for containers. */
    private static String found(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == null) return "nothing";
        return switch (t) {
            case VALUE_STRING -> "\"" + p.getText() + "\"";
            case START_ARRAY -> "an array";
            case START_OBJECT -> "an object";
            default -> p.getText();
        };
    }
}
