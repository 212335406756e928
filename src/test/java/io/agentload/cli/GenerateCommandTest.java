package io.agentload.cli;

import io.agentload.trajectory.Trajectories;
import io.agentload.trajectory.TrajectoryStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GenerateCommandTest {

    @TempDir
    Path dir;

    @Test
    void theSameSeedWritesTheSameFile() throws Exception {
        Path a = dir.resolve("a.jsonl"), b = dir.resolve("b.jsonl");
        assertEquals(0, CliRunner.run("generate", "--sessions", "20", "--seed", "7", "-o", a.toString()).exitCode());
        assertEquals(0, CliRunner.run("generate", "--sessions", "20", "--seed", "7", "-o", b.toString()).exitCode());
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        TrajectoryStats stats = TrajectoryStats.of(Trajectories.read(a));
        assertEquals(20, stats.sessions() - stats.subagentSessions());
    }

    @Test
    void meanInputMovesTheWorkload() {
        Path low = dir.resolve("low.parquet"), high = dir.resolve("high.parquet");
        CliRunner.run("generate", "--sessions", "300", "--mean-input", "20000", "-o", low.toString());
        CliRunner.run("generate", "--sessions", "300", "--mean-input", "45000", "-o", high.toString());
        double lowMean = topLevelMeanInput(low), highMean = topLevelMeanInput(high);
        assertEquals(20_000, lowMean, 2_500);
        assertEquals(45_000, highMean, 5_000);
    }

    /** The mean input the generator meets: over the top-level sessions' turns (WorkloadShape.meanInputTokens). */
    private static double topLevelMeanInput(Path file) {
        Table turns = Trajectories.read(file);
        return turns.where(turns.stringColumn(Trajectories.PARENT_SESSION_ID).isEqualTo(""))
                .intColumn(Trajectories.INPUT_TOKENS).mean();
    }

    /** The shipped sample's command (data/README.md), and the old sample's with the rhythm's switches off. */
    @Test
    void theDocumentedCommandsMakeTheShippedAndTheOldSample() {
        Path sample = dir.resolve("sample.parquet"), old = dir.resolve("old.parquet");
        assertEquals(0, CliRunner.run("generate", "--sessions", "300", "--seed", "42", "-o", sample.toString())
                .exitCode());
        assertEquals(Trajectories.turns(Trajectories.read("data/coding-agent-sample.parquet")),
                Trajectories.turns(Trajectories.read(sample)));
        CliRunner off = CliRunner.run("generate", "--sessions", "300", "--seed", "42", "--tool-time", "recorded",
                "--compaction-threshold", "off", "--subagents", "0", "-o", old.toString());
        assertEquals(0, off.exitCode(), off.err());
        assertEquals(Trajectories.turns(
                        Trajectories.read("src/test/resources/trajectory/coding-agent-sample-before-rhythm.parquet")),
                Trajectories.turns(Trajectories.read(old)));
        assertTrue(off.err().contains("8,278 turns of 300 sessions (seed 42)"), off.err());
    }

    @Test
    void aMillionTokenLimitGrowsContextsPastTheDefault() throws Exception {
        Path million = dir.resolve("million.parquet");
        assertEquals(0, CliRunner.run("generate", "--sessions", "40", "--context-limit", "1M", "-o", million.toString())
                .exitCode());
        TrajectoryStats stats = TrajectoryStats.of(Trajectories.read(million));
        assertTrue(stats.inputTokens().max() > 2 * 131_072, "max input " + stats.inputTokens().max());
        assertTrue(stats.inputTokens().max() <= 1_048_576, "max input " + stats.inputTokens().max());

        Path plain = dir.resolve("plain.jsonl"), published = dir.resolve("published.jsonl");
        CliRunner.run("generate", "--sessions", "20", "-o", plain.toString());
        CliRunner.run("generate", "--sessions", "20", "--context-limit", "131K", "-o", published.toString());
        assertArrayEquals(Files.readAllBytes(plain), Files.readAllBytes(published));
    }

    @Test
    void toolTimeSelectsRecordedGeneratedOrFixed() throws Exception {
        Path plain = dir.resolve("plain.jsonl"), generatedByDefault = dir.resolve("default.jsonl");
        Path recorded = dir.resolve("recorded.jsonl");
        CliRunner.run("generate", "--sessions", "30", "--tool-time", "generated", "-o", plain.toString());
        CliRunner.run("generate", "--sessions", "30", "-o", generatedByDefault.toString());
        assertArrayEquals(Files.readAllBytes(plain), Files.readAllBytes(generatedByDefault));
        assertEquals(0, CliRunner.run("generate", "--sessions", "30", "--tool-time", "recorded", "-o",
                recorded.toString()).exitCode());

        Path fixed = dir.resolve("fixed.csv");
        assertEquals(0, CliRunner.run("generate", "--sessions", "30", "--tool-time", "fixed:2.5s", "-o",
                fixed.toString()).exitCode());
        for (var s : Trajectories.sessions(Trajectories.read(fixed))) {
            for (var t : s.turns()) assertEquals(t.turn() == s.turns().size() - 1 ? 0 : 2_500, t.toolTimeMs());
        }

        Path generated = dir.resolve("generated.parquet");
        assertEquals(0, CliRunner.run("generate", "--sessions", "200", "--tool-time", "generated", "-o",
                generated.toString()).exitCode());
        TrajectoryStats longTail = TrajectoryStats.of(Trajectories.read(generated));
        TrajectoryStats published = TrajectoryStats.of(Trajectories.read(recorded));
        assertTrue(longTail.toolTimeMs().p99() > 10_000, "p99 " + longTail.toolTimeMs().p99());
        assertTrue(published.toolTimeMs().max() < 10_000, "max " + published.toolTimeMs().max());

        CliRunner bad = CliRunner.run("generate", "--sessions", "3", "--tool-time", "slow", "-o",
                dir.resolve("x.csv").toString());
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("'slow' is not a tool-time source"), bad.err());
        CliRunner badDuration = CliRunner.run("generate", "--sessions", "3", "--tool-time", "fixed:5", "-o",
                dir.resolve("y.csv").toString());
        assertEquals(2, badDuration.exitCode());
        assertTrue(badDuration.err().contains("'5' is not a duration"), badDuration.err());
    }

    @Test
    void compactionThresholdAndSubagentsShapeTheSessions() {
        Path file = dir.resolve("rhythm.parquet");
        CliRunner r = CliRunner.run("generate", "--sessions", "100", "--compaction-threshold", "0.835",
                "--subagents", "0.1", "-o", file.toString());
        assertEquals(0, r.exitCode(), r.err());
        TrajectoryStats stats = TrajectoryStats.of(Trajectories.read(file));
        assertTrue(stats.subagentSessions() > 50, "subagent sessions " + stats.subagentSessions());
        assertEquals(100 + stats.subagentSessions(), stats.sessions());
        assertTrue(stats.inputTokens().max() <= 0.835 * 131_072, "max input " + stats.inputTokens().max());
        assertTrue(r.err().contains("of 100 sessions and " + stats.subagentSessions() + " subagent sessions"),
                r.err());

        CliRunner bad = CliRunner.run("generate", "--sessions", "3", "--compaction-threshold", "1.5", "-o",
                dir.resolve("z.csv").toString());
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("--compaction-threshold: WorkloadShape.compactionThreshold must be in (0, 1]"),
                bad.err());
    }

    @Test
    void badValuesAreBadUsage() {
        CliRunner zero = CliRunner.run("generate", "--sessions", "0", "-o", dir.resolve("x.csv").toString());
        assertEquals(2, zero.exitCode());
        assertTrue(zero.err().contains("--sessions must be positive"), zero.err());

        CliRunner unreachable = CliRunner.run("generate", "--sessions", "5", "--mean-input", "500",
                "-o", dir.resolve("y.csv").toString());
        assertEquals(2, unreachable.exitCode());
        assertTrue(unreachable.err().startsWith("agentload generate: --mean-input:"), unreachable.err());
        assertEquals(1, unreachable.err().strip().lines().count(), unreachable.err());
        assertFalse(Files.exists(dir.resolve("y.csv")));

        CliRunner tiny = CliRunner.run("generate", "--sessions", "5", "--context-limit", "4K",
                "-o", dir.resolve("z.csv").toString());
        assertEquals(2, tiny.exitCode());
        assertTrue(tiny.err().startsWith("agentload generate: --context-limit: WorkloadShape.sharedPrefixTokens"),
                tiny.err());
        CliRunner garbled = CliRunner.run("generate", "--sessions", "5", "--context-limit", "1G",
                "-o", dir.resolve("z.csv").toString());
        assertEquals(2, garbled.exitCode());
        assertTrue(garbled.err().contains("'1G' is not a context length"), garbled.err());
    }
}
