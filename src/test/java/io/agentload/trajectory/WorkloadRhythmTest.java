package io.agentload.trajectory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentload.trajectory.WorkloadShape.LogNormal;
import io.agentload.trajectory.WorkloadShape.Mixture;
import io.agentload.trajectory.WorkloadShape.Subagents;
import io.agentload.trajectory.WorkloadShape.ToolTimes;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The generator's subagents, compaction threshold and long-tailed tool times, against their parameters. */
class WorkloadRhythmTest {

    /** The shape without the rhythm, so that each test turns one part of it on. */
    private static final WorkloadShape SHAPE = WorkloadShape.aaAgentPerf();

    /** The rhythm is on by default: the shipped sample is what the default shape makes, as data/README.md says. */
    @Test
    void theDefaultShapeMakesTheShippedSample() {
        List<Turn> shipped = Trajectories.turns(Trajectories.read("data/coding-agent-sample.parquet"));
        assertEquals(shipped, WorkloadGenerator.of(WorkloadShape.codingAgent()).turns(300, 42));
        assertEquals(SHAPE.withToolTimeMs(WorkloadShape.longTailToolTimeMs())
                        .withCompactionThreshold(WorkloadShape.CLAUDE_CODE_COMPACTION_THRESHOLD)
                        .withSubagents(Subagents.spawning(0.05)), WorkloadShape.codingAgent());
    }

    /** With the rhythm off, the generator still makes the sample shipped before it (kept as a test fixture). */
    @Test
    void theShapeWithoutTheRhythmMakesTheOldSample() {
        List<Turn> old = Trajectories.turns(
                Trajectories.read("src/test/resources/trajectory/coding-agent-sample-before-rhythm.parquet"));
        assertEquals(old, WorkloadGenerator.of(SHAPE).turns(300, 42));
        assertEquals(SHAPE, ToolTimes.RECORDED.applyTo(WorkloadShape.codingAgent()).withCompactionThreshold(1)
                .withSubagents(Subagents.NONE));
    }

    @Test
    void subagentsSpawnAtTheirRateAndLeaveTheParentsAsTheyWere() {
        WorkloadGenerator plain = WorkloadGenerator.of(SHAPE);
        WorkloadGenerator spawning = WorkloadGenerator.of(SHAPE.withSubagents(Subagents.spawning(0.2)));
        List<Session> sessions = spawning.sessions(1_500, 11);
        Map<Boolean, List<Session>> bySubagent =
                sessions.stream().collect(Collectors.partitioningBy(Session::subagent));
        List<Session> parents = bySubagent.get(false), subagents = bySubagent.get(true);
        assertEquals(plain.sessions(1_500, 11), parents);

        // Poisson(0.2) per turn but the last: the count over ~40,000 eligible turns is within 3% of its mean.
        long eligible = parents.stream().mapToLong(s -> s.turns().size() - 1).sum();
        assertEquals(0.2, subagents.size() / (double) eligible, 0.2 * 0.03);

        Map<String, Session> byId =
                sessions.stream().collect(Collectors.toMap(Session::sessionId, Function.identity()));
        for (Session sub : subagents) {
            Session parent = byId.get(sub.parentSessionId());
            assertTrue(sub.parentTurn() < parent.turns().size() - 1, sub.sessionId());
            assertEquals(parent.language(), sub.language());
            assertEquals(SHAPE.sharedPrefixId(), sub.turns().get(0).sharedPrefixId());
            assertTrue(sub.sessionId().startsWith(parent.sessionId() + "/t" + sub.parentTurn() + "."));
        }
        // Session lengths: median 8 (log-normal, sigma 0.7, rounded and clamped to [1, 50]).
        double[] turns = subagents.stream().mapToDouble(s -> s.turns().size()).sorted().toArray();
        assertEquals(8, turns[turns.length / 2], 1);
        assertTrue(turns[turns.length - 1] <= 50);
        // Task prompts: turn 0 is the shared prefix and a task of median 600 tokens.
        double[] tasks = subagents.stream()
                .mapToDouble(s -> s.turns().get(0).inputTokens() - SHAPE.sharedPrefixTokens()).sorted().toArray();
        assertEquals(600, tasks[tasks.length / 2], 600 * 0.05);
        // A table of them reads back with its fork/join relations intact.
        assertEquals(sessions, Trajectories.sessions(Trajectories.table(
                sessions.stream().flatMap(s -> s.turns().stream()).toList())));
    }

    @Test
    void subagentsOfOneSessionAreTheSameWhenAsked() {
        WorkloadGenerator g = WorkloadGenerator.of(SHAPE.withSubagents(Subagents.spawning(0.5)));
        List<Session> all = g.sessions(5, 3);
        List<Session> ofSecond = g.subagents(1, 3);
        assertTrue(!ofSecond.isEmpty());
        int at = all.indexOf(g.session(1, 3));
        assertEquals(ofSecond, all.subList(at + 1, at + 1 + ofSecond.size()));
        assertEquals(List.of(), WorkloadGenerator.of(SHAPE).subagents(1, 3));
    }

    @Test
    void poissonCountsHaveTheirMeanAndVariance() {
        SeededRandom random = new SeededRandom(1, 2);
        int n = 200_000;
        double sum = 0, squares = 0;
        for (int i = 0; i < n; i++) {
            int k = WorkloadGenerator.poisson(0.7, random);
            sum += k;
            squares += (double) k * k;
        }
        double mean = sum / n, variance = squares / n - mean * mean;
        assertEquals(0.7, mean, 0.01);
        assertEquals(0.7, variance, 0.02);
    }

    @Test
    void anEarlierCompactionPointCapsPromptsAndKeepsTheMean() {
        WorkloadShape claude = SHAPE.withCompactionThreshold(WorkloadShape.CLAUDE_CODE_COMPACTION_THRESHOLD);
        List<Turn> early = WorkloadGenerator.of(claude).turns(2_000, 8);
        List<Turn> late = WorkloadGenerator.of(SHAPE).turns(2_000, 8);
        int point = (int) Math.floor(0.835 * 131_072);
        assertTrue(early.stream().allMatch(t -> t.inputTokens() <= point));
        assertTrue(early.stream().anyMatch(t -> t.inputTokens() > 0.9 * point), "prompts reach toward the point");
        assertTrue(late.stream().anyMatch(t -> t.inputTokens() > point));
        assertTrue(compactions(early) > compactions(late),
                compactions(early) + " compactions at 0.835 vs " + compactions(late) + " at 1.0");
        double mean = early.stream().mapToInt(Turn::inputTokens).average().orElseThrow();
        assertEquals(27_000, mean, 0.10 * 27_000);
        assertThrows(IllegalArgumentException.class, () -> SHAPE.withCompactionThreshold(0));
        assertThrows(IllegalArgumentException.class, () -> SHAPE.withCompactionThreshold(1.01));
    }

    private static long compactions(List<Turn> turns) {
        return turns.stream().filter(Turn::compaction).count();
    }

    /** Generated tool times follow the long-tailed mixture: its percentiles within a few percent. */
    @Test
    void longTailToolTimesFollowTheirMixture() {
        Mixture m = WorkloadShape.longTailToolTimeMs();
        WorkloadShape shape = ToolTimes.GENERATED.applyTo(SHAPE);
        List<Session> sessions = WorkloadGenerator.of(shape).sessions(3_000, 5);
        double[] times = sessions.stream().flatMap(s -> s.turns().subList(0, s.turns().size() - 1).stream())
                .mapToDouble(Turn::toolTimeMs).sorted().toArray();
        assertTrue(times.length > 50_000, "turns " + times.length);
        assertEquals(quantile(m, 0.5), percentile(times, 0.5), 0.03 * quantile(m, 0.5));
        assertEquals(quantile(m, 0.9), percentile(times, 0.9), 0.05 * quantile(m, 0.9));
        assertEquals(quantile(m, 0.99), percentile(times, 0.99), 0.10 * quantile(m, 0.99));
        double mean = Arrays.stream(times).average().orElseThrow();
        double expected = 0.9 * 280 * Math.exp(0.65 * 0.65 / 2) + 0.1 * 8_000 * Math.exp(0.5);
        assertEquals(expected, mean, 0.08 * expected);
        // The documented round figures.
        assertEquals(300, quantile(m, 0.5), 20);
        assertEquals(1_500, quantile(m, 0.9), 100);
        assertEquals(29_000, quantile(m, 0.99), 1_000);
        // The tool times changed, nothing else did.
        List<Session> plain = WorkloadGenerator.of(SHAPE).sessions(3_000, 5);
        for (int i = 0; i < plain.size(); i += 97) {
            List<Turn> a = plain.get(i).turns(), b = sessions.get(i).turns();
            for (int k = 0; k < a.size(); k++) assertEquals(a.get(k), b.get(k).withToolTimeMs(a.get(k).toolTimeMs()));
        }
    }

    @Test
    void fixedAndRecordedToolTimes() {
        List<Session> recorded = WorkloadGenerator.of(SHAPE).sessions(50, 1);
        assertEquals(recorded, WorkloadGenerator.of(ToolTimes.RECORDED.applyTo(SHAPE)).sessions(50, 1));
        ToolTimes fiveSeconds = ToolTimes.fixed(Duration.ofSeconds(5));
        for (List<Session> sessions : List.of(WorkloadGenerator.of(fiveSeconds.applyTo(SHAPE)).sessions(50, 1),
                fiveSeconds.applyTo(recorded, 9))) {
            for (Session s : sessions) {
                for (Turn t : s.turns()) {
                    assertEquals(t.turn() == s.turns().size() - 1 ? 0 : 5_000, t.toolTimeMs(), s.sessionId());
                }
            }
        }
        List<Session> zero = WorkloadGenerator.of(ToolTimes.fixed(Duration.ZERO).applyTo(SHAPE)).sessions(5, 1);
        assertTrue(zero.stream().flatMap(s -> s.turns().stream()).allMatch(t -> t.toolTimeMs() == 0));
        assertEquals("fixed:5000ms", fiveSeconds.toString());
        assertEquals("generated", ToolTimes.GENERATED.toString());
    }

    @Test
    void redrawingRecordedSessionsIsSeededAndKeepsEverythingElse() {
        List<Session> recorded = WorkloadGenerator.of(SHAPE.withSubagents(Subagents.spawning(0.1))).sessions(40, 1);
        List<Session> a = ToolTimes.GENERATED.applyTo(recorded, 3), b = ToolTimes.GENERATED.applyTo(recorded, 3);
        assertEquals(a, b);
        assertTrue(!a.equals(ToolTimes.GENERATED.applyTo(recorded, 4)));
        for (int i = 0; i < recorded.size(); i++) {
            Session r = recorded.get(i), g = a.get(i);
            assertEquals(r.parentSessionId(), g.parentSessionId());
            assertEquals(0, g.turns().get(g.turns().size() - 1).toolTimeMs());
            for (int k = 0; k < r.turns().size(); k++) {
                assertEquals(r.turns().get(k), g.turns().get(k).withToolTimeMs(r.turns().get(k).toolTimeMs()));
            }
        }
    }

    /**
     * The long tail's body is a fit to SWE-agent's recorded {@code execution_time}: its 40 steps in the public
     * demonstration trajectories have a geometric mean of 0.28 s and a log-sd of 0.65.
     */
    @Test
    void theBodyIsTheFitToSweAgentsRecordedExecutionTimes() throws IOException {
        List<Double> logs = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        try (var files = Files.list(RealTraces.path("swe-agent"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".traj")).sorted().toList()) {
                for (JsonNode step : json.readTree(file.toFile()).path("trajectory")) {
                    if (step.path("execution_time").isNumber()) {
                        logs.add(Math.log(step.get("execution_time").doubleValue() * 1_000));
                    }
                }
            }
        }
        assertEquals(40, logs.size());
        double mean = logs.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double sd = Math.sqrt(logs.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum() / (logs.size() - 1));
        LogNormal body = WorkloadShape.longTailToolTimeMs().body();
        assertEquals(body.median(), Math.exp(mean), 0.02 * body.median());
        assertEquals(body.sigma(), sd, 0.01);
    }

    /** The mixture's quantile by bisection on its distribution function. */
    private static double quantile(Mixture m, double p) {
        double lo = 0, hi = 1e7;
        for (int i = 0; i < 200; i++) {
            double mid = (lo + hi) / 2;
            if (cdf(m, mid) < p) lo = mid;
            else hi = mid;
        }
        return (lo + hi) / 2;
    }

    private static double cdf(Mixture m, double x) {
        return (1 - m.tailShare()) * cdf(m.body(), x) + m.tailShare() * cdf(m.tail(), x);
    }

    private static double cdf(LogNormal d, double x) {
        return phi(Math.log(x / d.median()) / d.sigma());
    }

    /** The standard normal distribution function (Abramowitz and Stegun 7.1.26 through erf, error below 1.5e-7). */
    private static double phi(double z) {
        double x = Math.abs(z) / Math.sqrt(2), t = 1 / (1 + 0.3275911 * x);
        double erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592)
                * t * Math.exp(-x * x);
        return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
    }

    private static double percentile(double[] sorted, double p) {
        return io.agentload.internal.ExactPercentiles.ofSorted(sorted, p);
    }
}
