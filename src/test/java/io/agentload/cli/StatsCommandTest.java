package io.agentload.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentload.trajectory.Trajectories;
import io.agentload.trajectory.Turn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatsCommandTest {

    @TempDir
    Path dir;

    /** Two sessions: s1 (java) of 3 turns, s2 (go) of 1 turn; inputs 1000..4000, outputs 10..40. */
    private Path sample(String name) {
        List<Turn> turns = new ArrayList<>();
        turns.add(new Turn("s1", 0, "java", 1000, 0, "sys", 100, 10, 5, List.of()));
        turns.add(new Turn("s1", 1, "java", 2000, 1010, "sys", 100, 20, 5, List.of()));
        turns.add(new Turn("s1", 2, "java", 3000, 2020, "sys", 100, 30, 0, List.of()));
        turns.add(new Turn("s2", 0, "go", 4000, 0, "sys", 100, 40, 0, List.of()));
        Path file = dir.resolve(name);
        Trajectories.write(Trajectories.table(turns), file);
        return file;
    }

    @Test
    void jsonHoldsEveryStatisticAsNumbers() throws Exception {
        CliRunner r = CliRunner.run("stats", sample("t.parquet").toString(), "--json");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals(2, json.get("sessions").intValue());
        assertEquals(4, json.get("turns").intValue());
        JsonNode input = json.get("input_tokens");
        assertTrue(input.get("mean").isNumber());
        assertEquals(1000, input.get("min").doubleValue());
        assertEquals(2500, input.get("mean").doubleValue());
        assertEquals(2500, input.get("p50").doubleValue());
        assertEquals(3700, input.get("p90").doubleValue(), 1e-9);   // 3000 + 0.7 x 1000
        assertEquals(3970, input.get("p99").doubleValue(), 1e-9);
        assertEquals(4000, input.get("max").doubleValue());
        assertEquals(25, json.get("output_tokens").get("mean").doubleValue());
        assertEquals(3030.0 / 10000, json.get("reused_token_share").doubleValue(), 1e-12);
        assertEquals(2, json.get("turns_per_session").get("mean").doubleValue());
        assertEquals(3, json.get("turns_per_session").get("max").doubleValue());
        assertEquals(1, json.get("sessions_per_language").get("java").intValue());
        assertEquals(1, json.get("sessions_per_language").get("go").intValue());
        assertEquals(2.5, json.get("tool_time_ms").get("mean").doubleValue());
        assertEquals(5, json.get("tool_time_ms").get("max").doubleValue());
        assertEquals(0, json.get("subagent_sessions").intValue());
        assertEquals(0, json.get("compactions").intValue());
    }

    @Test
    void countsSubagentSessionsAndCompactions() throws Exception {
        List<Turn> turns = List.of(
                new Turn("p", 0, "go", 1000, 0, "sys", 100, 10, 5, List.of()),
                new Turn("p", 1, "go", 2000, 1010, "sys", 100, 10, 5, List.of()),
                new Turn("p", 2, "go", 500, 100, "sys", 100, 10, 0, List.of(), "", -1, true),
                new Turn("p/1", 0, "go", 700, 0, "sys", 100, 10, 5, List.of(), "p", 0, false),
                new Turn("p/1", 1, "go", 300, 0, "sys", 100, 10, 0, List.of(), "p", 0, true),
                new Turn("p/2", 0, "go", 700, 0, "sys", 100, 10, 0, List.of(), "p", 1, false));
        for (String name : List.of("f.csv", "f.jsonl", "f.parquet")) {
            Path file = dir.resolve(name);
            Trajectories.write(Trajectories.table(turns), file);
            JsonNode json = new ObjectMapper().readTree(CliRunner.run("stats", file.toString(), "--json").out());
            assertEquals(2, json.get("subagent_sessions").intValue(), name);
            assertEquals(2, json.get("compactions").intValue(), name);
            CliRunner text = CliRunner.run("stats", file.toString());
            assertTrue(text.out().contains("subagent sessions 2   compactions 2"), text.out());
            assertTrue(text.out().contains("tool time (ms)"), text.out());
        }
    }

    @Test
    void textNamesTheFileAndTheLanguages() {
        CliRunner r = CliRunner.run("stats", sample("t.jsonl").toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("sessions 2   turns 4   reused-token share 30.3%"), r.out());
        assertTrue(r.out().contains("input tokens"), r.out());
        assertTrue(r.out().contains("java"), r.out());
    }

    @Test
    void aMalformedFileFailsWithOneLineNamingFileLineAndField() throws Exception {
        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, "{\"session_id\":\"s\",\"turn\":0,\"language\":\"go\",\"input_tokens\":\"many\","
                + "\"reused_tokens\":0,\"shared_prefix_id\":\"\",\"shared_prefix_tokens\":0,\"output_tokens\":1,"
                + "\"tool_time_ms\":0}\n");
        CliRunner r = CliRunner.run("stats", bad.toString());
        assertEquals(1, r.exitCode());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("bad.jsonl line 1") && r.err().contains("input_tokens"), r.err());
    }

    @Test
    void badUsageExitsWithTwoAndOneLine() {
        CliRunner r = CliRunner.run("stats");
        assertEquals(2, r.exitCode());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("agentload stats: Missing required parameter: 'FILE'"), r.err());
    }
}
