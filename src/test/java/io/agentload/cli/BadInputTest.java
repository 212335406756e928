package io.agentload.cli;

import io.agentload.endpoint.TestEndpoints;
import io.agentload.trajectory.Session;
import io.agentload.trajectory.Trajectories;
import io.agentload.trajectory.Turn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Malformed trajectory files, tried systematically through the command line as a user meets them: each stops
 * {@code agentload replay} before any request with exit code 1 and one line naming the file and the row or field, and
 * never a stack trace.
 */
class BadInputTest {

    private static final String HEADER = "session_id,turn,language,input_tokens,reused_tokens,shared_prefix_id,"
            + "shared_prefix_tokens,output_tokens,tool_time_ms\n";

    @TempDir
    Path tmp;

    /** Runs {@code replay} on {@code file} (the endpoint is never reached) and returns its one line of error. */
    private String replayFails(Path file) throws IOException {
        CliRunner r = CliRunner.run("replay", "--endpoint", "http://127.0.0.1:" + TestEndpoints.closedPort() + "/v1",
                "--model", "m", "--agents", "2", "--trajectories", file.toString(), "-o", tmp.resolve("run").toString(),
                "--no-progress");
        assertEquals(1, r.exitCode(), r.err());
        assertEquals("", r.out());
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), "no stack trace: " + r.err());
        assertEquals(1, r.err().lines().count(), "one line: " + r.err());
        assertFalse(Files.exists(tmp.resolve("run")), "no run folder for a file that cannot be replayed");
        return r.err().strip();
    }

    private Path csv(String name, String... rows) throws IOException {
        return Files.writeString(tmp.resolve(name), HEADER + String.join("\n", rows) + "\n");
    }

    @Test
    void truncatedParquet() throws IOException {
        Path whole = tmp.resolve("whole.parquet");
        Trajectories.write(Trajectories.table(List.of(
                new Turn("a", 0, "java", 100, 0, "", 0, 10, 0, List.of()),
                new Turn("a", 1, "java", 200, 110, "", 0, 10, 0, List.of()))), whole);
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = Files.write(tmp.resolve("cut.parquet"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertEquals("agentload replay: " + cut + ": not a readable Parquet file: the file is not a Parquet file. "
                + "Expected magic number at tail, but found [0, 0, 0, 21]", replayFails(cut), "cut mid-way: no footer");
    }

    @Test
    void wrongColumnType() throws IOException {
        Path file = Files.writeString(tmp.resolve("types.jsonl"), """
                {"session_id":"a","turn":0,"language":"java","input_tokens":"many","reused_tokens":0,"shared_prefix_id":"","shared_prefix_tokens":0,"output_tokens":5,"tool_time_ms":0}
                """);
        assertEquals("agentload replay: " + file + " line 1: input_tokens: expected an integer, found \"many\"", replayFails(file));
    }

    @Test
    void negativeTokens() throws IOException {
        Path file = csv("negative.csv", "a,0,java,100,0,,0,-3,0");
        assertEquals("agentload replay: " + file + " line 2: output_tokens -3 < 0", replayFails(file));
    }

    @Test
    void duplicateTurn() throws IOException {
        Path file = csv("duplicate.csv", "a,0,java,100,0,,0,5,0", "a,1,java,200,105,,0,5,0", "a,1,java,300,205,,0,5,0");
        assertEquals("agentload replay: table duplicate.csv: session a has turn 1 twice (rows 2 and 3, counting data "
                + "rows from 1)", replayFails(file));
    }

    @Test
    void sessionWithATurnMissing() throws IOException {
        Path file = csv("gap.csv", "a,0,java,100,0,,0,5,0", "b,0,java,100,0,,0,5,0", "a,2,java,300,205,,0,5,0");
        assertEquals("agentload replay: table gap.csv: session a has no turn 1 (row 3, counting data rows from 1, is its "
                + "turn 2); turns run 0, 1, 2... without gaps", replayFails(file));
    }

    @Test
    void sessionOutOfOrderIsReplayedInTurnOrder() throws IOException {
        Path file = csv("shuffled.csv", "a,1,java,200,105,,0,5,0", "b,0,java,100,0,,0,5,0", "a,0,java,100,0,,0,5,0");
        List<Session> sessions = Trajectories.sessions(Trajectories.read(file));
        assertEquals(List.of("a", "b"), sessions.stream().map(Session::sessionId).toList());
        assertEquals(List.of(0, 1), sessions.get(0).turns().stream().map(Turn::turn).toList());
        assertTrue(replayFails(file).startsWith("agentload replay: GET http://127.0.0.1:"),
                "the file passes; the (closed) endpoint is what stops the run");
    }

    @Test
    void aTwoGigabyteLineInJsonlIsRefusedBeforeItIsRead() throws IOException {
        Path file = tmp.resolve("huge-line.jsonl");
        try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
            sparse.write("{\"session_id\":\"".getBytes(StandardCharsets.US_ASCII));
            sparse.setLength(2L << 30); // 2 GiB without a line break, holes on disk: nothing is written
        }
        assertEquals("agentload replay: " + file + " line 1: longer than 16 MiB without a line break; a turn row is a few KB "
                + "(is this a JSON Lines turn file?)", replayFails(file));
    }

    @Test
    void csvThatIsNotUtf8() throws IOException {
        Path file = tmp.resolve("latin1.csv");
        Files.write(file, (HEADER + "a,0,java,100,0,,0,5,0\nb\u00e9,0,java,100,0,,0,5,0\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        assertEquals("agentload replay: " + file + " line 3: not UTF-8 text; save the file as UTF-8", replayFails(file));
    }
}
