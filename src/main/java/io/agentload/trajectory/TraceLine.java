package io.agentload.trajectory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * One JSON object of a JSONL trace file, with typed field accessors whose errors name the file, the line and the
 * field ({@code conversation_trace.jsonl line 12, field input_length: ...}).
 *
 * @param file   the trace file
 * @param number 1-based line number
 * @param json   the line's object
 */
record TraceLine(Path file, int number, JsonNode json) {

    static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The files that {@code paths} name, in the order given: a directory stands for every {@code *.jsonl} file
     * under it, in path order.
     */
    static List<Path> files(Path... paths) {
        if (paths.length == 0) throw new TrajectoryException("no trace files given");
        List<Path> files = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    List<Path> found = walk.filter(f -> f.getFileName().toString().endsWith(".jsonl"))
                            .filter(Files::isRegularFile).sorted().toList();
                    if (found.isEmpty()) throw new TrajectoryException(p + ": no .jsonl trace files in this directory");
                    files.addAll(found);
                } catch (IOException | UncheckedIOException e) {
                    throw new TrajectoryException(p + ": cannot list the directory: " + e.getMessage(), e);
                }
            } else {
                files.add(p);
            }
        }
        return files;
    }

    /** Every non-blank line of a JSONL file, each parsed into an object. */
    static List<TraceLine> read(Path file) {
        List<TraceLine> lines = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int number = 0;
            for (String text; (text = in.readLine()) != null; ) {
                number++;
                if (text.isBlank()) continue;
                JsonNode json;
                try {
                    json = JSON.readTree(text);
                } catch (JsonProcessingException e) {
                    throw new TrajectoryException(file + " line " + number + ": malformed JSON: "
                            + e.getOriginalMessage(), e);
                }
                if (!json.isObject()) {
                    throw new TrajectoryException(file + " line " + number + ": expected a JSON object, found "
                            + json.getNodeType().toString().toLowerCase());
                }
                lines.add(new TraceLine(file, number, json));
            }
        } catch (IOException e) {
            throw new TrajectoryException(file + ": cannot read: " + e.getMessage(), e);
        }
        return lines;
    }

    /** The error for a bad value of {@code field}. */
    TrajectoryException error(String field, String problem) {
        return new TrajectoryException(file + " line " + number + ", field " + field + ": " + problem);
    }

    /** A present, non-null field. */
    JsonNode required(String field) {
        JsonNode v = json.get(field);
        if (v == null || v.isNull()) throw error(field, "missing");
        return v;
    }

    /** A whole number in {@code [0, Integer.MAX_VALUE]}. */
    int count(String field) {
        return count(field, required(field));
    }

    /** A whole number in {@code [0, Integer.MAX_VALUE]} held by {@code value}, reported as {@code field}. */
    int count(String field, JsonNode value) {
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 0) {
            throw error(field, "expected a non-negative whole number, found " + shown(value));
        }
        return value.intValue();
    }

    /** A whole number that fits a {@code long}. */
    long wholeNumber(String field, JsonNode value) {
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw error(field, "expected a whole number, found " + shown(value));
        }
        return value.longValue();
    }

    /** A non-negative number, integral or not. */
    double nonNegative(String field) {
        JsonNode v = required(field);
        if (!v.isNumber() || !(v.doubleValue() >= 0) || Double.isInfinite(v.doubleValue())) {
            throw error(field, "expected a non-negative number, found " + shown(v));
        }
        return v.doubleValue();
    }

    /** A string. */
    String text(String field) {
        JsonNode v = required(field);
        if (!v.isTextual()) throw error(field, "expected a string, found " + shown(v));
        return v.asText();
    }

    /** An array. */
    JsonNode array(String field) {
        return array(field, required(field));
    }

    /** An array held by {@code value}, reported as {@code field}. */
    JsonNode array(String field, JsonNode value) {
        if (!value.isArray()) throw error(field, "expected an array, found " + shown(value));
        return value;
    }

    /**
     * A value as an error message shows it: numbers and booleans in full, other types by name only, because trace
     * text may be private.
     */
    static String shown(JsonNode v) {
        return v.isNumber() || v.isBoolean() ? v.asText() : v.getNodeType().toString().toLowerCase();
    }
}
