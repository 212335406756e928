package io.agentload.cli;

import io.agentload.trajectory.Trajectories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImportCommandTest {

    @TempDir
    Path dir;

    @Test
    void importsAMooncakeTraceIntoAnyFormat() throws Exception {
        Path trace = dir.resolve("trace.jsonl");
        Files.writeString(trace, """
                {"timestamp": 0, "input_length": 1100, "output_length": 40, "hash_ids": [0, 1, 2]}
                {"timestamp": 5000, "input_length": 1700, "output_length": 20, "hash_ids": [0, 1, 3, 4]}
                """);
        Path out = dir.resolve("turns.csv");
        CliRunner r = CliRunner.run("import", "mooncake", trace.toString(), "-o", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(2, Trajectories.read(out).rowCount());
        assertTrue(r.err().contains("2 turns"), r.err());
    }

    @Test
    void anUnknownOutputFormatIsBadUsageAndWritesNothing() {
        Path out = dir.resolve("turns.txt");
        CliRunner r = CliRunner.run("import", "aa", dir.toString(), "-o", out.toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("turns.txt"), r.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void anUnknownSourceIsBadUsage() {
        CliRunner r = CliRunner.run("import", "sharegpt", "x.jsonl", "-o", "y.parquet");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("sharegpt"), r.err());
    }

    @Test
    void aMalformedTraceNamesFileAndLine() throws Exception {
        Path trace = dir.resolve("broken.jsonl");
        Files.writeString(trace, "{\"timestamp\": 0, \"input_length\": 10, \"output_length\": 1, \"hash_ids\": [0]}\n{oops\n");
        Path out = dir.resolve("turns.parquet");
        CliRunner r = CliRunner.run("import", "mooncake", trace.toString(), "-o", out.toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("broken.jsonl line 2"), r.err());
        assertFalse(Files.exists(out));
    }
}
