package io.agentload.trajectory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Each malformed fixture in {@code src/test/resources/trajectory/bad} stops with one exact message. */
class TrajectoryBadInputTest {

    private static Path fixture(String name) {
        try {
            return Path.of(TrajectoryBadInputTest.class.getResource("/trajectory/bad/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads the fixture and returns the message with the fixture's path replaced by its name. */
    private static String failure(String name) {
        Path file = fixture(name);
        TrajectoryException e = assertThrows(TrajectoryException.class, () -> Trajectories.read(file));
        return e.getMessage().replace(file.toString(), name);
    }

    @Test
    void jsonlLineThatIsNotJson() {
        assertEquals("line-17-not-json.jsonl line 17: not valid JSON: Unexpected character ('i' (code 105)): "
                + "was expecting double-quote to start field name", failure("line-17-not-json.jsonl"));
    }

    @Test
    void jsonlMissingField() {
        assertEquals("missing-field.jsonl line 2: missing field output_tokens", failure("missing-field.jsonl"));
    }

    @Test
    void jsonlWrongType() {
        assertEquals("wrong-type.jsonl line 1: input_tokens: expected an integer, found \"1000\"",
                failure("wrong-type.jsonl"));
    }

    @Test
    void jsonlNegativeCount() {
        assertEquals("negative-output.jsonl line 3: output_tokens -5 < 0", failure("negative-output.jsonl"));
    }

    @Test
    void jsonlReusedAboveInput() {
        assertEquals("reused-above-input.jsonl line 2: reused_tokens 1200 > input_tokens 1100",
                failure("reused-above-input.jsonl"));
    }

    @Test
    void csvMissingColumn() {
        assertEquals("missing-column.csv: missing column reused_tokens", failure("missing-column.csv"));
    }

    @Test
    void csvCellThatIsNotAnInteger() {
        assertEquals("not-integer.csv line 3: input_tokens: not an integer: '12k'", failure("not-integer.csv"));
    }

    @Test
    void csvReusedAboveInput() {
        assertEquals("reused-above-input.csv line 4: reused_tokens 5000 > input_tokens 1200",
                failure("reused-above-input.csv"));
    }

    @Test
    void csvRowWithTooFewCells() {
        assertEquals("cell-count.csv line 3: 4 cells, the header has 9", failure("cell-count.csv"));
    }

    @Test
    void csvQuoteNeverClosed() {
        assertEquals("unclosed-quote.csv line 3: quoted cell never closed", failure("unclosed-quote.csv"));
    }

    @Test
    void parquetColumnOfTheWrongPhysicalType() {
        assertEquals("wrong-type.parquet: column input_tokens is DOUBLE, expected INT32 or INT64",
                failure("wrong-type.parquet"));
    }

    @Test
    void parquetMissingColumn() {
        assertEquals("missing-column.parquet: missing column tool_time_ms", failure("missing-column.parquet"));
    }

    @Test
    void parquetReusedAboveInput() {
        assertEquals("reused-above-input.parquet row 2: reused_tokens 1200 > input_tokens 1000",
                failure("reused-above-input.parquet"));
    }

    @Test
    void parquetNullCount() {
        assertEquals("null-output.parquet row 1: output_tokens is null", failure("null-output.parquet"));
    }

    @Test
    void fileThatIsNotParquet() {
        assertEquals("not-parquet.parquet: not a readable Parquet file: the file is not a Parquet file. "
                + "Expected magic number at tail, but found [49, 44, 48, 10]", failure("not-parquet.parquet"));
    }

    @Test
    void parquetNullHashId() {
        assertEquals("null-hash-id.parquet row 1: hash_ids has a null element", failure("null-hash-id.parquet"));
    }

    @Test
    void parquetHashIdsThatAreNotAList() {
        assertEquals("hash-ids-text.parquet: column hash_ids is BINARY, expected a LIST of INT64",
                failure("hash-ids-text.parquet"));
    }

    @Test
    void jsonlHashIdThatIsNotAnInteger(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("ids.jsonl");
        Files.writeString(file, "{\"session_id\":\"a\",\"turn\":0,\"language\":\"go\",\"input_tokens\":100,"
                + "\"reused_tokens\":0,\"shared_prefix_id\":\"\",\"shared_prefix_tokens\":0,\"output_tokens\":5,"
                + "\"tool_time_ms\":7,\"hash_ids\":[1,\"x\"]}\n");
        assertEquals(file + " line 1: hash_ids[1]: expected a 64-bit integer, found \"x\"",
                assertThrows(TrajectoryException.class, () -> Trajectories.read(file)).getMessage());
    }

    @Test
    void jsonlNumberOutOfRange(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("big.jsonl");
        Files.writeString(file, "{\"session_id\":\"a\",\"turn\":0,\"language\":\"go\",\"input_tokens\":3000000000,"
                + "\"reused_tokens\":0,\"shared_prefix_id\":\"\",\"shared_prefix_tokens\":0,\"output_tokens\":5,"
                + "\"tool_time_ms\":7}\n");
        assertEquals(file + " line 1: input_tokens: 3000000000 is out of range",
                assertThrows(TrajectoryException.class, () -> Trajectories.read(file)).getMessage());
    }

    @Test
    void csvLinesCountTheBreaksInsideQuotedCells(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("multiline.csv");
        Files.writeString(file, "session_id,turn,language,input_tokens,reused_tokens,shared_prefix_id,"
                + "shared_prefix_tokens,output_tokens,tool_time_ms\n"
                + "\"a\nb\r\nc\",0,go,100,0,sys,10,5,7\n"
                + "\"a\nb\r\nc\",1,go,120,105,sys,10,6,-8\n");
        assertEquals(file + " line 5: tool_time_ms -8 < 0",
                assertThrows(TrajectoryException.class, () -> Trajectories.read(file)).getMessage());
    }

    @Test
    void csvTextAfterAClosingQuote(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("quote.csv");
        Files.writeString(file, "session_id,turn,language,input_tokens,reused_tokens,shared_prefix_id,"
                + "shared_prefix_tokens,output_tokens,tool_time_ms\n\"a\"b,0,go,100,0,sys,10,5,7\n");
        assertEquals(file + " line 2: text after a closing quote",
                assertThrows(TrajectoryException.class, () -> Trajectories.read(file)).getMessage());
    }
}
