package io.agentload.replay;

import io.agentload.endpoint.Endpoint;
import io.agentload.endpoint.FakeOpenAiServer;
import io.agentload.endpoint.Reply;
import io.agentload.endpoint.TestEndpoints;
import io.agentload.trajectory.Session;
import io.agentload.trajectory.Turn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RealTimeDriverTest {

    private static final List<Session> SESSIONS = Sessions.quick(5, 30);
    private static final TrialPlan PLAN = TrialPlan.defaults().withSeed(3).withWarmUpSeconds(0, 5).withMeasurementSeconds(1);
    private static final Reply PACED = Reply.stream().withFirstTokenDelay(Duration.ofMillis(5)).withInterval(Duration.ofMillis(2));

    private static Endpoint endpoint(String baseUrl) {
        return Endpoint.builder().baseUrl(baseUrl).model("fake").noApiKey()
                .firstTokenTimeout(Duration.ofMillis(400)).build();
    }

    private static Turn turnOf(RequestRecord r) {
        return SESSIONS.get(Integer.parseInt(r.sessionId().substring(1))).turns().get(r.turn());
    }

    private static Map<String, Integer> statuses(Trial t) {
        return t.records().stream().collect(Collectors.toMap(RequestRecord::status, r -> 1, Integer::sum, TreeMap::new));
    }

    @Test
    void aTrialRecordsEveryRequestOnTheRunClockAndNamesItToTheServer() throws IOException {
        try (FakeOpenAiServer server = FakeOpenAiServer.start(PACED, true);
             Endpoint endpoint = endpoint(server.baseUrl())) {
            RealTimeDriver driver = RealTimeDriver.builder(endpoint, SESSIONS).plan(PLAN)
                    .clock(Instant.now().minusSeconds(100)).build();
            List<RequestRecord> sunk = Collections.synchronizedList(new ArrayList<>());
            Trial t = driver.run(3, 6, sunk::add);

            assertEquals(3, t.trial());
            assertEquals(6, t.agents());
            assertEquals(t.records().size(), sunk.size());
            assertEquals(new HashSet<>(t.records()), new HashSet<>(sunk), "every record reached the sink");
            assertTrue(t.startTime() > 100 && t.startTime() < 110, "the run's clock started 100 s ago: " + t.startTime());
            assertEquals(1.0, t.windowSeconds(), 1e-9);
            assertFalse(t.warmUpCut());
            Map<String, Long> statuses = ReplayResult.byStatus(t.records());
            assertEquals(Map.of(RequestRecord.OK, t.records().stream().filter(RequestRecord::ok).count()),
                    Sessions.withoutCoolDownCuts(statuses, t.records()));

            Map<String, FakeOpenAiServer.Received> byId = new HashMap<>();
            for (FakeOpenAiServer.Received r : server.received()) byId.put(r.header("x-request-id"), r);
            Map<String, Long> recorded = t.records().stream()
                    .collect(Collectors.groupingBy(RequestRecord::requestId, Collectors.counting()));
            assertTrue(recorded.values().stream().allMatch(n -> n == 1), "no request recorded twice");
            assertTrue(recorded.keySet().containsAll(byId.keySet()), "every request the server saw is recorded");
            for (RequestRecord r : t.records()) {
                if (!r.ok()) {
                    assertEquals(t.endTime(), r.endTime(), "a cool-down request cut when the trial ended: " + r);
                    assertTrue(r.errorDetail().contains("in flight when trial 3 ended") && r.outputTokens() >= 0, r.errorDetail());
                    continue;
                }
                assertTrue(t.startTime() <= r.sendTime() && r.sendTime() < r.writtenTime()
                        && r.writtenTime() < r.firstByteTime() && r.firstByteTime() <= r.firstTokenTime()
                        && r.firstTokenTime() <= r.lastTokenTime()
                        && r.lastTokenTime() <= r.endTime() && r.endTime() <= t.endTime(), r.toString());
                assertTrue(r.ttft() >= 0.005, "the server waits 5 ms before the first token: " + r);
                Turn turn = turnOf(r);
                assertEquals(turn.inputTokens(), r.inputTokens(), "the server counted the prompt's token ids");
                assertEquals(turn.outputTokens(), r.outputTokens());
                assertEquals(turn.outputTokens() - 1, r.interTokenLatencyCount());
                FakeOpenAiServer.Received sent = byId.get(r.requestId());
                assertEquals(turn.inputTokens(), sent.json().path("prompt").size(), r.requestId());
                assertEquals(turn.outputTokens(), sent.json().path("max_tokens").asInt());
                boolean inWindow = r.sendTime() >= t.windowStart() && r.sendTime() < t.windowEnd();
                double fromEdge = Math.min(Math.abs(r.sendTime() - t.windowStart()), Math.abs(r.sendTime() - t.windowEnd()));
                assertTrue(inWindow == r.measured() || fromEdge <= driver.sendLag().maxSeconds(),
                        "the phase is the window's at dispatch, at most the send lag before the send: " + r);
            }
            Map<Integer, List<RequestRecord>> byAgent = t.records().stream()
                    .collect(Collectors.groupingBy(RequestRecord::agent));
            assertEquals(6, byAgent.size());
            for (List<RequestRecord> records : byAgent.values()) {
                records.sort((a, b) -> Double.compare(a.sendTime(), b.sendTime()));
                for (int i = 1; i < records.size(); i++) {
                    assertTrue(records.get(i).sendTime() >= records.get(i - 1).endTime() + 0.030 - 1e-6,
                            "each agent waits its 30 ms of tool time: " + records.get(i));
                }
            }
            ReplayResult.SendLag lag = driver.sendLag();
            assertEquals(t.records().size(), lag.sends(), "the lag of every recorded request");
            assertTrue(lag.p50Seconds() <= lag.p99Seconds() && lag.p99Seconds() <= lag.maxSeconds(), lag.toString());
        }
    }

    @Test
    void theJavadocExampleRecordsATrialInARunFolder(@TempDir Path dir) throws IOException {
        try (FakeOpenAiServer server = FakeOpenAiServer.start(PACED, false);
             Endpoint endpoint = endpoint(server.baseUrl());
             Run run = Run.builder(dir.resolve("run")).build()) {
            List<Session> sessions = SESSIONS;
            RealTimeDriver driver = RealTimeDriver.builder(endpoint, sessions).plan(PLAN).clock(run.startedAt()).build();
            Trial trial = driver.run(0, 4, run::append);
            assertEquals(trial.records().size(), run.records().size());
            assertEquals(trial.records().size(), driver.sendLag().sends());
            assertTrue(driver.sendLag().p99Seconds() >= driver.sendLag().p50Seconds());
            assertTrue(trial.startTime() >= 0 && trial.startTime() < driver.now(), "on the run's clock");
        }
    }

    @Test
    void everyFaultIsARecordAndTheTrialGoesOn() throws IOException {
        try (FakeOpenAiServer server = FakeOpenAiServer.start(PACED, true);
             Endpoint endpoint = endpoint(server.baseUrl())) {
            server.enqueue(Reply.status(429, "{\"error\":{\"message\":\"rate limited\"}}"),
                    Reply.status(500, "{\"error\":{\"message\":\"engine died\"}}"),
                    Reply.stream().cutAfter(2),
                    Reply.raw("data: {not json\n\n"),
                    Reply.stream().withoutUsage(),
                    Reply.stall());
            Trial t = RealTimeDriver.builder(endpoint, SESSIONS).plan(PLAN).build().run(0, 2, r -> { });

            Map<String, Integer> statuses = statuses(t);
            for (String fault : List.of("http_429", "http_500", "stream_cut", "malformed_sse", "missing_usage", "timeout")) {
                assertEquals(1, statuses.get(fault), fault + " in " + statuses);
            }
            // An agent with a failed request fails every tier: its measured request still streaming after the window
            // is cut (cut_at_grace) at the cool-down's first look instead of being waited for.
            Map<String, Long> byStatus = new TreeMap<>(ReplayResult.byStatus(t.records()));
            byStatus.remove(RequestRecord.CUT_AT_GRACE);
            assertEquals(7, Sessions.withoutCoolDownCuts(byStatus, t.records()).size(), statuses.toString());
            assertTrue(t.measured().stream().anyMatch(RequestRecord::ok), "the trial went on to a measured window");
            for (RequestRecord r : t.records()) {
                if (r.ok()) continue;
                assertTrue(r.errorDetail().contains("request " + r.requestId()), r.errorDetail());
                if (r.status().startsWith("cut_at_")) continue; // the trial's end: nothing comes after it
                assertTrue(t.records().stream().anyMatch(later -> later.agent() == r.agent()
                        && later.sendTime() > r.endTime()), "agent " + r.agent() + " went on after " + r.status());
            }
        }
    }

    @Test
    void aDeadEndpointFailsEveryRequestWithoutStoppingTheTrial() throws IOException {
        int port = TestEndpoints.closedPort();
        try (Endpoint endpoint = endpoint("http://127.0.0.1:" + port + "/v1")) {
            Trial t = RealTimeDriver.builder(endpoint, SESSIONS).plan(PLAN).build().run(0, 3, r -> { });
            assertEquals(Map.of("refused", t.records().size()), statuses(t));
            assertTrue(t.measured().size() >= 3, "agents kept trying through the window: " + t.measured().size());
            assertTrue(t.records().get(0).errorDetail().contains("127.0.0.1:" + port), t.records().get(0).errorDetail());
            assertTrue(Double.isNaN(t.records().get(0).firstByteTime()));
            assertTrue(Double.isNaN(t.records().get(0).writtenTime()), "nothing was uploaded");
        }
    }

    @Test
    void aSinkThatCannotWriteStopsTheTrialNamingWhy() throws IOException {
        try (FakeOpenAiServer server = FakeOpenAiServer.start(PACED, false);
             Endpoint endpoint = endpoint(server.baseUrl())) {
            AtomicInteger records = new AtomicInteger();
            RealTimeDriver driver = RealTimeDriver.builder(endpoint, SESSIONS).plan(PLAN).build();
            ReplayException e = assertThrows(ReplayException.class, () -> driver.run(0, 2, r -> {
                if (records.incrementAndGet() == 3) throw new ReplayException("cannot write part-00000.parquet: disk full");
            }));
            assertEquals("trial 0 stopped: cannot write part-00000.parquet: disk full", e.getMessage());
            assertTrue(records.get() >= 3);
        }
    }

    @Test
    void hungWarmUpRequestsAreCutAtTheFirstLookAfterTheWindowKeepingWhatTheyReceived() throws IOException {
        try (FakeOpenAiServer server = FakeOpenAiServer.start(Reply.stream().stallAfter(3), true);
             Endpoint endpoint = Endpoint.builder().baseUrl(server.baseUrl()).model("fake").noApiKey()
                     .stallTimeout(Duration.ofMinutes(5)).build()) {
            TrialPlan plan = PLAN.withWarmUpSeconds(0, 0.5).withMeasurementSeconds(0.5);
            Trial t = RealTimeDriver.builder(endpoint, SESSIONS).plan(plan).coolDownGrace(Duration.ofSeconds(20)).build()
                    .run(0, 3, r -> { });

            assertTrue(t.warmUpCut(), "no agent ever finished a turn");
            assertEquals(TrialMetrics.WindowOpened.MAX_WARM_UP, t.windowOpened());
            assertEquals(TrialMetrics.CoolDownEnded.SETTLED, t.coolDownEnded());
            assertTrue(t.endTime() - t.windowEnd() < 20, "warm-up requests hold no verdict: not held to the grace");
            assertEquals(3, t.records().size(), "each agent's one hung request, recorded once");
            assertEquals(3, server.requests());
            for (RequestRecord r : t.records()) {
                assertEquals(RequestRecord.CUT_AT_END, r.status());
                assertEquals(RequestRecord.Phase.WARM_UP, r.phase());
                assertEquals(3, r.outputTokens(), "the tokens it had received: " + r);
                assertEquals(2, r.interTokenLatencyCount());
                assertEquals(t.endTime(), r.endTime());
                assertTrue(r.firstTokenTime() < r.endTime() && r.ttft() > 0, r.toString());
                assertTrue(r.errorDetail().startsWith("in flight when trial 0 ended, ")
                        && r.errorDetail().contains("s after its window closed: every measured request in flight was "
                        + "settled (3 output chunks received) [POST " + server.baseUrl() + "/completions, agent " + r.agent())
                        && r.errorDetail().endsWith("request " + r.requestId() + "]"), r.errorDetail());
            }
        }
    }

    @Test
    void theCoolDownEndsOnceEveryMeasuredRequestInFlightHasStreamedItsSpeedSample() throws IOException {
        // 1,000 tokens at 2 ms: each answer streams for 2 s, its 300-token speed sample after 0.6 s; a 20 s grace.
        // Warm-up answers end at 2 s, so the answers sent then, in the window, are mid-stream when it closes at 3 s.
        Reply longAnswers = Reply.stream().withFirstTokenDelay(Duration.ofMillis(5)).withInterval(Duration.ofMillis(2));
        try (FakeOpenAiServer server = FakeOpenAiServer.start(longAnswers, true);
             Endpoint endpoint = endpoint(server.baseUrl())) {
            TrialPlan plan = PLAN.withWarmUpSeconds(0, 1).withMeasurementSeconds(2);
            Trial t = RealTimeDriver.builder(endpoint, longSessions(4, 1000)).plan(plan)
                    .coolDownGrace(Duration.ofSeconds(20)).build().run(0, 4, r -> { });

            List<RequestRecord> cut = t.measured().stream().filter(r -> !r.ok()).toList();
            assertFalse(cut.isEmpty(), "answers still streaming when the cool-down ended: " + statuses(t));
            for (RequestRecord r : cut) {
                assertEquals(RequestRecord.CUT_AT_GRACE, r.status(), r.toString());
                assertTrue(r.outputTokens() >= RealTimeDriver.SPEED_SAMPLE_TOKENS && r.outputTokens() < 1000, r.toString());
                assertTrue(r.errorDetail().contains("every measured request in flight was settled"), r.errorDetail());
            }
            assertEquals(0, TrialMetrics.of(t).failedRequests());
        }
    }

    @Test
    void theCoolDownStopsWaitingForAnAgentThatCertainlyFailsEveryTier() throws IOException {
        // First tokens take 3 s against a 1 s TTFT limit: a measured request in flight fails its agent once it has
        // waited 1 s, so the cool-down does not wait for it (nor for the 20 s grace). The warm-up is cut at 2.5 s, so
        // the agents' second requests, sent at about 3 s, are measured.
        try (FakeOpenAiServer server = FakeOpenAiServer.start(Reply.stream().withFirstTokenDelay(Duration.ofSeconds(3)), true);
             Endpoint endpoint = Endpoint.builder().baseUrl(server.baseUrl()).model("fake").noApiKey().build()) {
            TrialPlan plan = PLAN.withWarmUpSeconds(0, 2.5).withMeasurementSeconds(2);
            Trial t = RealTimeDriver.builder(endpoint, evenSessions(4, 4)).plan(plan).tiers(List.of(new SloTier(1, 1)))
                    .coolDownGrace(Duration.ofSeconds(20)).build().run(0, 4, r -> { });

            assertFalse(t.cutAtVerdict(), "no tier was open: the whole trial, only its cool-down shorter");
            assertEquals(TrialMetrics.CoolDownEnded.SETTLED, t.coolDownEnded());
            List<RequestRecord> waiting = t.measured().stream().filter(r -> !r.ok()).toList();
            assertFalse(waiting.isEmpty(), statuses(t).toString());
            for (RequestRecord r : waiting) {
                assertEquals(RequestRecord.CUT_AT_END, r.status(), r.toString());
                assertTrue(t.endTime() - r.sendTime() >= 1, "waited past the TTFT limit: " + r);
                assertTrue(r.errorDetail().contains("every measured request in flight was settled"), r.errorDetail());
            }
            assertTrue(t.endTime() - t.windowEnd() < 3, "before the requests' first tokens, let alone the grace");
        }
    }

    @Test
    void theCoolDownEndsOnceTheTrialsVerdictOnEveryTierIsCertain(@TempDir Path dir) throws IOException {
        // Agents replay sessions of 4-token answers or of 400-token ones, at 20 ms a token: a long answer has its
        // 300-token speed sample some 6 s after its first token. The window opens once the short agents have finished
        // a turn (primed) and closes after the long agents' first answers, while their second, measured, are young.
        // An easy tier that 20% of agents must meet certainly passes once two short agents' measured requests have
        // ended; an impossible one certainly fails at once. Nothing the long answers do can change either verdict, so
        // the cool-down ends at the first looks, not once they have streamed their speed sample.
        Reply paced = Reply.stream().withFirstTokenDelay(Duration.ofMillis(5)).withInterval(Duration.ofMillis(20));
        try (FakeOpenAiServer server = FakeOpenAiServer.start(paced, true);
             Endpoint endpoint = endpoint(server.baseUrl())) {
            TrialPlan plan = PLAN.withWarmUpSeconds(0, 5).withMeasurementSeconds(10);
            SloTier easy = new SloTier(1, 10, 0.2), impossible = new SloTier(1_000_000, 10);
            List<Session> sessions = new ArrayList<>(evenSessions(4, 4, 200));
            sessions.addAll(longSessions(4, 400));
            Trial t = RealTimeDriver.builder(endpoint, sessions).plan(plan).primeCache(true)
                    .tiers(List.of(easy, impossible)).coolDownGrace(Duration.ofSeconds(20)).build().run(0, 8, r -> { });

            assertFalse(t.cutAtVerdict(), "no tier was open: the whole trial, only its cool-down shorter");
            assertTrue(t.endTime() - t.windowEnd() < 3, "cool-down " + (t.endTime() - t.windowEnd()) + " s");
            List<RequestRecord> cut = t.measured().stream().filter(r -> !r.ok()).toList();
            assertFalse(cut.isEmpty(), "long answers still streaming when the cool-down ended: " + statuses(t));
            for (RequestRecord r : cut) {
                assertEquals(RequestRecord.CUT_AT_GRACE, r.status(), r.toString());
                assertTrue(r.outputTokens() < RealTimeDriver.SPEED_SAMPLE_TOKENS, r.toString());
                assertTrue(r.errorDetail().contains("its verdict on every tier was certain"), r.errorDetail());
            }
            TrialMetrics m = TrialMetrics.of(t);
            assertTrue(m.check(easy).passed(), m.check(easy).toString());
            assertFalse(m.check(impossible).passed(), m.check(impossible).toString());
            assertEquals(TrialMetrics.WindowOpened.HALF_FIRST_TURNS, m.windowOpened());
            assertEquals(TrialMetrics.CoolDownEnded.VERDICT_CERTAIN, m.coolDownEnded());

            try (Run run = Run.builder(dir).build()) {
                t.records().forEach(run::append);
                run.flush();
                run.writeTable(TrialsTable.FILE, TrialsTable.of(List.of(m), List.of(easy, impossible)));
            }
            Run read = Run.open(dir);
            TrialMetrics back = TrialsTable.load(read, read.records()).get(0);
            assertEquals(TrialMetrics.WindowOpened.HALF_FIRST_TURNS, back.windowOpened(), "read back from trials.parquet");
            assertEquals(TrialMetrics.CoolDownEnded.VERDICT_CERTAIN, back.coolDownEnded());
            assertEquals(List.of("half_first_turns", "half_first_turns"),
                    read.readTable(TrialsTable.FILE).stringColumn("window_opened").asList());
            assertEquals(List.of("verdict_certain", "verdict_certain"),
                    read.readTable(TrialsTable.FILE).stringColumn("cool_down_ended").asList());
        }
    }

    @Test
    void aTrialOfASearchStopsAfterItsWindowOnceEveryOpenTierCertainlyFails() throws IOException {
        try (FakeOpenAiServer server = FakeOpenAiServer.start(Reply.stream().withFirstTokenDelay(Duration.ofSeconds(3)), true);
             Endpoint endpoint = Endpoint.builder().baseUrl(server.baseUrl()).model("fake").noApiKey().build()) {
            TrialPlan plan = PLAN.withWarmUpSeconds(0, 2.5).withMeasurementSeconds(2);
            List<SloTier> open = List.of(new SloTier(1, 1));
            Trial t = RealTimeDriver.builder(endpoint, evenSessions(4, 4)).plan(plan).tiers(open)
                    .coolDownGrace(Duration.ofSeconds(20)).build().run(0, 4, open, r -> { });

            assertTrue(t.cutAtVerdict());
            assertEquals(TrialMetrics.CoolDownEnded.OPEN_TIERS_CERTAIN, t.coolDownEnded());
            assertFalse(TrialMetrics.of(t).check(open.get(0)).passed());
            List<RequestRecord> cut = t.records().stream().filter(r -> !r.ok()).toList();
            assertFalse(cut.isEmpty());
            for (RequestRecord r : cut) {
                assertEquals(RequestRecord.CUT_AT_VERDICT, r.status(), r.toString());
                assertTrue(r.errorDetail().contains("its verdict on every open tier was certain"), r.errorDetail());
            }
        }
    }

    @Test
    void aPrimedWarmUpEndsOnceTheEndpointIsCertainlyBehindItsFirstBurst() throws IOException {
        // First tokens take 3 s against a tier of 0.5 s and 100 tok/s: a first request of 4 tokens still running 0.53 s
        // after its send is certainly out of it, so a primed trial's window opens at the first look after that rather
        // than once half of the agents have finished a turn (3 s); unprimed, the warm-up waits for every first turn.
        try (FakeOpenAiServer server = FakeOpenAiServer.start(Reply.stream().withFirstTokenDelay(Duration.ofSeconds(3)), true);
             Endpoint endpoint = Endpoint.builder().baseUrl(server.baseUrl()).model("fake").noApiKey().build()) {
            TrialPlan plan = PLAN.withWarmUpSeconds(0, 4).withMeasurementSeconds(1);
            for (boolean primed : new boolean[] {true, false}) {
                Trial t = RealTimeDriver.builder(endpoint, evenSessions(4, 4)).plan(plan).primeCache(primed)
                        .tiers(List.of(new SloTier(100, 0.5))).coolDownGrace(Duration.ofSeconds(20)).build()
                        .run(0, 4, r -> { });

                double warmUp = t.windowStart() - t.startTime();
                assertEquals(primed ? TrialMetrics.WindowOpened.FIRST_BURST_BEHIND : t.warmUpCut()
                        ? TrialMetrics.WindowOpened.MAX_WARM_UP : TrialMetrics.WindowOpened.EVERY_FIRST_TURN,
                        t.windowOpened());
                if (primed) {
                    assertFalse(t.warmUpCut());
                    assertTrue(warmUp >= 0.53 && warmUp < 2, "primed warm-up " + warmUp + " s");
                    assertTrue(t.records().stream().allMatch(r -> r.endTime() > t.windowStart()),
                            "no agent had finished a turn when the window opened: " + t.records());
                } else {
                    assertTrue(warmUp >= 3, "unprimed warm-up " + warmUp + " s");
                }
            }
        }
    }

    /** {@code count} sessions of five turns, each with {@code output} output tokens and 30 ms of tool time. */
    private static List<Session> evenSessions(int count, int output) {
        return evenSessions(count, output, 5);
    }

    /** {@code count} sessions of {@code length} turns, each with {@code output} output tokens and 30 ms of tool time. */
    private static List<Session> evenSessions(int count, int output, int length) {
        List<Session> sessions = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            List<Turn> turns = new ArrayList<>();
            for (int k = 0; k < length; k++) {
                turns.add(new Turn("e" + i, k, "java", 300 + 100 * k, k == 0 ? 0 : 200 + 100 * k + output, "sys", 64,
                        output, 30, List.of()));
            }
            sessions.add(new Session("e" + i, "java", turns));
        }
        return sessions;
    }

    /** {@code count} sessions of five turns, each with {@code output} output tokens that the next turn reuses. */
    private static List<Session> longSessions(int count, int output) {
        List<Session> sessions = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            List<Turn> turns = new ArrayList<>();
            for (int k = 0; k < 5; k++) {
                int input = 300 + (100 + output) * k;
                turns.add(new Turn("l" + i, k, "java", input, k == 0 ? 0 : input - 100, "sys", 64, output, 30, List.of()));
            }
            sessions.add(new Session("l" + i, "java", turns));
        }
        return sessions;
    }

    @Test
    void aLongAnswerStillStreamingWhenTheGraceEndsIsJudgedOnTheTokensItReceived() throws IOException {
        // 60 tokens at 20 ms: each answer streams for 1.2 s, so most agents are mid-answer when a 0.3 s grace ends.
        Reply slow = Reply.stream().withFirstTokenDelay(Duration.ofMillis(5)).withInterval(Duration.ofMillis(20));
        try (FakeOpenAiServer server = FakeOpenAiServer.start(slow, true);
             Endpoint endpoint = endpoint(server.baseUrl())) {
            TrialPlan plan = PLAN.withWarmUpSeconds(0, 3).withMeasurementSeconds(1.5);
            Trial t = RealTimeDriver.builder(endpoint, evenSessions(8, 60)).plan(plan)
                    .coolDownGrace(Duration.ofMillis(300)).build().run(0, 8, r -> { });

            assertEquals(0.3, t.endTime() - t.windowEnd(), 0.2, "ended by the grace (ticks every 100 ms)");
            assertEquals(TrialMetrics.CoolDownEnded.GRACE, t.coolDownEnded());
            List<RequestRecord> cut = t.measured().stream().filter(r -> !r.ok()).toList();
            List<RequestRecord> streaming = cut.stream().filter(RequestRecord::answered).toList();
            assertFalse(streaming.isEmpty(), "answers still streaming at the cut: " + cut);
            for (RequestRecord r : cut) {
                assertEquals(Double.isNaN(r.firstTokenTime()) ? RequestRecord.CUT_AT_END : RequestRecord.CUT_AT_GRACE,
                        r.status(), r.toString());
            }
            TrialMetrics m = TrialMetrics.of(t);
            assertEquals(cut.size() - streaming.size(), m.failedRequests());
            long byChunks = WindowTokens.ofRecords(t.records(), t.windowStart(), t.windowEnd());
            assertEquals(byChunks / t.windowSeconds(), m.outputTokensPerSecond(), 2 / t.windowSeconds(),
                    "the chunks of every request that arrived within the window, not the measured answers' tokens");
            for (RequestRecord r : streaming) {
                assertTrue(r.outputTokens() >= 1 && r.outputTokens() < 60, "the tokens received by the cut: " + r);
                assertEquals(r.outputTokens() - 1, r.interTokenLatencyCount(), "every gap received is kept");
                assertEquals(t.endTime(), r.endTime());
                assertTrue(r.firstTokenTime() <= r.lastTokenTime() && r.lastTokenTime() <= r.endTime(), r.toString());
                assertEquals((r.outputTokens() - 1) / (r.endTime() - r.firstTokenTime()), r.outputTokensPerSecond(), 1e-9);
                assertTrue(r.errorDetail().contains("the cool-down grace of 0.3 s ran out"), r.errorDetail());
                TrialMetrics.AgentMetrics agent = m.agentMetrics().get(r.agent());
                assertEquals(0, agent.failedRequests(), "judged on what it received, not failed: " + agent);
                assertTrue(agent.meets(new SloTier(1, 5)), "about 50 tok/s: " + agent);
                assertFalse(agent.meets(new SloTier(10_000, 5)), "its speed is measured, not undefined: " + agent);
            }
        }
    }

    @Test
    void aMeasuredRequestWithoutAFirstTokenWhenTheGraceEndsFailsItsAgent() throws IOException {
        // The first token takes 1 s: an agent that sent in the last 0.8 s of the window has none when a 0.2 s grace ends.
        try (FakeOpenAiServer server = FakeOpenAiServer.start(Reply.stream().withFirstTokenDelay(Duration.ofSeconds(1)), true);
             Endpoint endpoint = Endpoint.builder().baseUrl(server.baseUrl()).model("fake").noApiKey().build()) {
            TrialPlan plan = PLAN.withWarmUpSeconds(0, 3).withMeasurementSeconds(1.5);
            Trial t = RealTimeDriver.builder(endpoint, evenSessions(6, 4)).plan(plan)
                    .coolDownGrace(Duration.ofMillis(200)).build().run(0, 6, r -> { });

            assertEquals(0.2, t.endTime() - t.windowEnd(), 0.2, "ended by the grace (ticks every 100 ms)");
            List<RequestRecord> waiting = t.measured().stream().filter(r -> Double.isNaN(r.firstTokenTime())).toList();
            assertFalse(waiting.isEmpty(), "requests still waiting for their first token at the cut");
            TrialMetrics m = TrialMetrics.of(t);
            for (RequestRecord r : waiting) {
                assertEquals(RequestRecord.CUT_AT_END, r.status());
                assertEquals(0, r.outputTokens());
                assertTrue(r.endTime() - r.sendTime() >= 0.2, "waited at least the grace: " + r);
                TrialMetrics.AgentMetrics agent = m.agentMetrics().get(r.agent());
                assertTrue(agent.failedRequests() >= 1);
                assertFalse(agent.meets(new SloTier(0, 100)), agent.toString());
            }
        }
    }
}
