package io.agentload.replay;

import io.agentload.trajectory.Session;
import io.agentload.trajectory.Trajectories;
import io.agentload.trajectory.Turn;
import io.agentload.trajectory.WorkloadShape;
import io.agentload.trajectory.WorkloadShape.ToolTimes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where replayed turns get their tool times: recorded, generated or fixed, seen in a run folder's records. */
class ToolTimesReplayTest {

    /** Short sessions without subagents, so that every gap between an agent's turns is a tool time. */
    private static final List<Session> SESSIONS = Trajectories.sessions(Trajectories.generate(
            WorkloadShape.aaAgentPerf().withSessionTurns(new WorkloadShape.LogNormal(6, 0.3)), 12, 3));

    @TempDir
    Path dir;

    private static Simulation simulation() {
        return Simulation.of("h200x8", "llama-3.1-8b").withSessions(SESSIONS).withSeed(5)
                .withWindow(Duration.ofSeconds(60)).withWarmUp(Duration.ZERO, Duration.ofSeconds(30));
    }

    /** Seconds from each request's last token to the same agent's next turn of that session. */
    private List<Double> gaps(Simulation sim, Path folder) {
        sim.trial(8, folder);
        List<RequestRecord> records = RequestsFile.read(folder.resolve(RequestLog.FILE));
        Map<String, List<RequestRecord>> byReplay = records.stream().collect(Collectors.groupingBy(
                r -> r.agent() + "/" + r.sessionId() + "/" + r.salt()));
        List<Double> gaps = new ArrayList<>();
        for (List<RequestRecord> replay : byReplay.values()) {
            replay.sort(Comparator.comparingInt(RequestRecord::turn));
            for (int i = 1; i < replay.size(); i++) {
                RequestRecord before = replay.get(i - 1), after = replay.get(i);
                if (after.turn() != before.turn() + 1 || !before.status().equals(RequestRecord.OK)) continue;
                gaps.add(after.sendTime() - before.endTime());
            }
        }
        assertTrue(gaps.size() > 40, "gaps " + gaps.size());
        return gaps;
    }

    @Test
    void fixedToolTimesMakeEveryGapThatLong() {
        List<Double> gaps = gaps(simulation().withToolTimes(ToolTimes.fixed(Duration.ofSeconds(5))), dir.resolve("a"));
        for (double gap : gaps) assertEquals(5.0, gap, 1e-6);
    }

    @Test
    void recordedToolTimesAreTheTrajectories() {
        Map<String, Session> byId = SESSIONS.stream().collect(Collectors.toMap(Session::sessionId, s -> s));
        Simulation sim = simulation();
        sim.trial(4, dir.resolve("r"));
        List<RequestRecord> records = RequestsFile.read(dir.resolve("r").resolve(RequestLog.FILE));
        int checked = 0;
        for (RequestRecord after : records) {
            for (RequestRecord before : records) {
                if (before.agent() == after.agent() && before.salt() == after.salt()
                        && before.sessionId().equals(after.sessionId()) && before.turn() + 1 == after.turn()
                        && before.status().equals(RequestRecord.OK)) {
                    Turn turn = byId.get(before.sessionId()).turns().get(before.turn());
                    assertEquals(turn.toolTimeMs() / 1_000.0, after.sendTime() - before.endTime(), 1e-6);
                    checked++;
                }
            }
        }
        assertTrue(checked > 20, "checked " + checked);
        sim.withToolTimes(ToolTimes.RECORDED).trial(4, dir.resolve("r2"));
        assertEquals(records, RequestsFile.read(dir.resolve("r2").resolve(RequestLog.FILE)));
    }

    @Test
    void generatedToolTimesAreSeededPerSessionAndTurn() {
        List<Session> a = ToolTime.select(SESSIONS, ToolTimes.GENERATED, 5, 1);
        assertEquals(a, ToolTime.select(SESSIONS, ToolTimes.GENERATED, 5, 1));
        assertNotEquals(a, ToolTime.select(SESSIONS, ToolTimes.GENERATED, 6, 1));
        assertNotEquals(SESSIONS, a);
        assertEquals(ToolTime.scale(a, 2), ToolTime.select(SESSIONS, ToolTimes.GENERATED, 5, 2));
        assertEquals(gaps(simulation().withToolTimes(ToolTimes.GENERATED), dir.resolve("g1")),
                gaps(simulation().withToolTimes(ToolTimes.GENERATED), dir.resolve("g2")));
    }
}
