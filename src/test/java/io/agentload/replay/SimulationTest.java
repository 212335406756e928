package io.agentload.replay;

import io.agentload.power.Boundary;
import io.agentload.power.Power;
import io.agentload.power.PowerSummary;
import io.agentload.sim.SimLoop;
import io.agentload.trajectory.Session;
import io.agentload.trajectory.Trajectories;
import io.agentload.trajectory.Turn;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The simulated SLO benchmark, one small search per claim: the directions every buyer expects must come out of
 * actual searches. Each search runs one replica on four GPUs, short agentic sessions, a 60 s window and at most 128
 * agents, so that it takes a second or two.
 */
class SimulationTest {

    private static final List<Session> SESSIONS = SimLoop.agenticSessions(40, 12, 5);

    /**
     * Sessions of short contexts (2-11K tokens) that leave the KV cache room for many agents: 1,000 shared and
     * 1,000-2,000 new tokens at turn 0, 200-600 new tokens a turn, outputs around 150, 1-8 s of tools.
     */
    private static final List<Session> SHORT = shortSessions(40, 12);

    private static List<Session> shortSessions(int count, int turns) {
        java.util.Random random = new java.util.Random(11);
        List<Session> sessions = new java.util.ArrayList<>();
        for (int s = 0; s < count; s++) {
            String id = "short" + s;
            List<Turn> list = new java.util.ArrayList<>();
            int input = 2_000 + random.nextInt(1_000), reused = 0;
            for (int t = 0; t < turns; t++) {
                int output = (int) Math.max(1, Math.min(2_000, Math.round(150 * Math.exp(random.nextGaussian()))));
                list.add(new Turn(id, t, "go", input, reused, "harness", 1_000, output, 1_000 + random.nextInt(7_000),
                        List.of()));
                reused = input + output;
                input = reused + 200 + random.nextInt(400);
            }
            sessions.add(new Session(id, "go", list));
        }
        return sessions;
    }

    @TempDir
    Path dir;

    /** Llama 3.1 70B on one replica of four GPUs of {@code system}. */
    private static Simulation seventyB(String system) {
        return Simulation.of(system, "llama-3.1-70b").withEngine(c -> c.withTensorParallel(4).withReplicas(1)).withSessions(SESSIONS)
                .withTiers(SloTier.parse("20")).withWindow(Duration.ofSeconds(60)).withMaxAgents(128);
    }

    private static int maxAgents(Simulation s) {
        return s.search().tiers().get(0).maxAgents();
    }

    @Test
    void aFasterTierNeverAdmitsMoreAgents() {
        SloResult r = seventyB("h100x8").withTiers(SloTier.parse("20:6,40:6")).search();
        int slow = r.tiers().get(0).maxAgents(), fast = r.tiers().get(1).maxAgents();
        assertTrue(fast < slow, "40 tok/s admits " + fast + ", 20 tok/s " + slow);
        assertTrue(fast > 0);
        for (TrialMetrics m : r.trials()) {
            assertTrue(m.check(r.tiers().get(1).tier()).sharePassing() <= m.check(r.tiers().get(0).tier()).sharePassing(),
                    m.toString());
        }
    }

    @Test
    void anH200AdmitsAtLeastAsManyAgentsAsAnH100() {
        int h100 = maxAgents(seventyB("h100x8")), h200 = maxAgents(seventyB("h200x8"));
        assertTrue(h200 >= h100, "H200 " + h200 + ", H100 " + h100);
        assertTrue(h100 > 0);
    }

    @Test
    void prefixCachingAdmitsMoreAgentsOnAgenticTraffic() {
        int on = maxAgents(seventyB("h100x8")), off = maxAgents(seventyB("h100x8").withPrefixCaching(false));
        assertTrue(on > 2 * off, "prefix caching on " + on + ", off " + off);
    }

    @Test
    void longerToolTimeAdmitsMoreAgentsWhenComputeBinds() {
        // Short contexts and 40 tok/s: the GPUs run out of speed long before the KV cache runs out of room.
        Simulation base = seventyB("h100x8").withSessions(SHORT).withTiers(SloTier.parse("40:6"));
        int usual = maxAgents(base), slowTools = maxAgents(base.withToolTimeScale(3));
        assertTrue(slowTools > 1.3 * usual, "tools 3x slower " + slowTools + ", as recorded " + usual);
    }

    @Test
    void longerToolTimeDoesNotHelpWhenTheKvCacheBinds() {
        // Long contexts fill four H100s' KV cache with about a dozen agents: every agent's context must stay cached
        // through its tool time for its next turn to hit, so idle agents cost as much cache as busy ones.
        Simulation base = seventyB("h100x8");
        int usual = maxAgents(base), slowTools = maxAgents(base.withToolTimeScale(3));
        assertTrue(slowTools <= 1.2 * usual, "tools 3x slower " + slowTools + ", as recorded " + usual);
    }

    @Test
    void aBiggerModelAdmitsFewerAgents() {
        Simulation small = Simulation.of("h100x8", "llama-3.1-8b").withEngine(c -> c.withTensorParallel(4).withReplicas(1))
                .withSessions(SESSIONS).withTiers(SloTier.parse("20")).withWindow(Duration.ofSeconds(60)).withMaxAgents(128);
        int eightB = maxAgents(small), seventy = maxAgents(seventyB("h100x8"));
        assertTrue(seventy < eightB, "70B " + seventy + ", 8B " + eightB + " on the same four H100s");
    }

    @Test
    void theSameSeedGivesTheSameSearch() {
        Simulation s = seventyB("h100x8").withTiers(SloTier.parse("20,60")).withSeed(9);
        SloResult a = s.search(), b = s.search();
        assertEquals(SearchSummary.of(a), SearchSummary.of(b));
        assertEquals(a.trials().stream().map(TrialMetrics::toString).toList(),
                b.trials().stream().map(TrialMetrics::toString).toList());
    }

    @Test
    void aSearchIntoARunFolderWritesEveryFileAndTheModelledPower() throws Exception {
        List<TrialMetrics> seen = new java.util.ArrayList<>();
        Path run = dir.resolve("run");
        SloResult r = seventyB("h100x8").withTrialListener(seen::add).search(run);

        for (String f : List.of("run.json", "requests.parquet", "trials.parquet", "agents.parquet", "power.parquet",
                "summary.json", "report.html")) {
            assertTrue(Files.exists(run.resolve(f)), f);
        }
        assertEquals(r.trials().size(), seen.size());
        SloResult.TierResult tier = r.tiers().get(0);
        TrialMetrics atMax = r.trials().stream().filter(m -> m.agents() == tier.maxAgents()).findFirst().orElseThrow();
        PowerSummary node = Power.read(run.resolve(Run.POWER)).summary(atMax.windowStart(), atMax.windowEnd());
        assertEquals(Boundary.NODE, node.boundary());
        assertEquals(node.meanWatts(), tier.meanWatts(), 1e-9);
        assertEquals("node, modelled (simulator)", tier.power().orElseThrow().boundary());
        assertEquals(tier.maxAgents() / (node.meanWatts() / 1e6), tier.agentsPerMegawatt(), 1e-9);
        assertEquals(tier.maxAgents() / 8.0, tier.agentsPerGpu(), 0);

        assertEquals(SearchSummary.of(r), SearchSummary.of(Run.open(run).sloResult()), "the folder reads back as the result");
        assertEquals(r.trials().stream().map(TrialMetrics::cutAtVerdict).toList(),
                Run.open(run).sloResult().trials().stream().map(TrialMetrics::cutAtVerdict).toList());
        List<RequestRecord> records = Run.open(run).records();
        assertEquals(SearchFiles.reported(r), records.stream().map(RequestRecord::trial).collect(
                java.util.stream.Collectors.toSet()), "the rows of the reported trials");
        // Only trials cut at their verdict leave requests that did not finish, and they record them.
        Set<Integer> cut = new HashSet<>();
        for (TrialMetrics m : r.trials()) {
            if (m.cutAtVerdict()) cut.add(m.trial());
        }
        assertTrue(records.stream().allMatch(q -> q.ok()
                || q.status().equals(RequestRecord.CUT_AT_VERDICT) && cut.contains(q.trial())));
        String manifest = Files.readString(run.resolve("run.json"));
        assertTrue(manifest.contains("\"system\" : \"h100x8\"") && manifest.contains("\"tensor_parallel\" : 4"), manifest);
    }

    @Test
    void wholeTrialsGiveTheSameAnswersWithTheOverloadsRealFigures() {
        Simulation s = seventyB("h100x8");
        SloResult cut = s.search(), whole = s.withCutAtVerdict(false).search();
        assertEquals(cut.tiers().stream().map(SloResult.TierResult::maxAgents).toList(),
                whole.tiers().stream().map(SloResult.TierResult::maxAgents).toList());
        assertTrue(cut.trials().stream().anyMatch(TrialMetrics::cutAtVerdict), "a trial past capacity is cut");
        assertTrue(whole.trials().stream().noneMatch(TrialMetrics::cutAtVerdict));
    }

    @Test
    void aToleranceStopsTheBisectionEarlierNearTheExactAnswer() {
        Simulation s = seventyB("h100x8");
        SloResult exact = s.search(), near = s.withTolerance(0.2).search();
        int n = exact.tiers().get(0).maxAgents(), m = near.tiers().get(0).maxAgents();
        assertTrue(near.trials().size() < exact.trials().size(), near.trials().size() + " trials against " + exact.trials().size());
        assertTrue(m >= 0.8 * n && m <= 1.25 * n, m + " agents within 20% of " + n);
        assertThrows(IllegalArgumentException.class, () -> s.withTolerance(1));
    }

    /**
     * Issue #13: the same seed gives the same run folder on one thread and on sixteen, though sixteen compute
     * trials ahead of the search (and drop those it does not take) and place them on the run's clock afterwards.
     */
    @Test
    void aSearchWritesTheSameRunFolderOnOneThreadAndOnSixteen() throws Exception {
        Simulation s = seventyB("h100x8").withTiers(SloTier.parse("20,60"));
        Path one = dir.resolve("one"), sixteen = dir.resolve("sixteen");
        SloResult a = s.withThreads(1).search(one);
        SloResult b = s.withThreads(16).search(sixteen);
        assertEquals(SearchSummary.of(a), SearchSummary.of(b));
        for (String f : List.of("requests.parquet", "trials.parquet", "agents.parquet", "power.parquet", "summary.json")) {
            assertTrue(java.util.Arrays.equals(Files.readAllBytes(one.resolve(f)), Files.readAllBytes(sixteen.resolve(f))), f);
        }
        List<RequestRecord> records = Run.open(one).records();
        assertEquals(records, Run.open(sixteen).records());
        // Trials follow one another on the run's clock: each starts where the one before ended.
        List<TrialMetrics> trials = a.trials();
        for (int i = 1; i < trials.size(); i++) {
            assertTrue(trials.get(i).windowStart() > trials.get(i - 1).windowEnd(), "trial " + i);
        }
        assertEquals(1.0, Power.read(one.resolve(Run.POWER)).summary(0, trials.getLast().windowEnd()).coverage(), 1e-9);
    }

    @Test
    void aRunFolderKeepsTheGapsInBriefAndTheTrialsExactItlPercentiles() throws Exception {
        Path brief = dir.resolve("brief"), detail = dir.resolve("detail");
        Simulation s = seventyB("h100x8");
        SloResult searched = s.search(brief);
        SloResult withGaps = s.withItlDetail(true).search(detail);
        SloResult readBrief = Run.open(brief).sloResult(), readDetail = Run.open(detail).sloResult();
        assertEquals(searched.trials().size(), readBrief.trials().size());
        for (int i = 0; i < searched.trials().size(); i++) {
            TrialMetrics trial = searched.trials().get(i);
            TrialMetrics.Percentiles itl = trial.interTokenLatency();
            // A trial whose measured requests all failed (past capacity, cut at its verdict) has no gaps: NaN.
            assertTrue(trial.failedRequests() == trial.measuredRequests()
                    || itl.p50() > 0 && itl.p50() <= itl.p90() && itl.p90() <= itl.p99(), itl.toString());
            assertEquals(itl, withGaps.trials().get(i).interTokenLatency());
            assertEquals(itl, readBrief.trials().get(i).interTokenLatency(), "as trials.parquet recorded them");
            assertEquals(itl, readDetail.trials().get(i).interTokenLatency(), "recomputed from every gap");
        }

        List<RequestRecord> records = Run.open(brief).records();
        assertTrue(records.stream().noneMatch(r -> r.interTokenLatencies().length > 0));
        assertTrue(records.stream().filter(r -> r.outputTokens() > 1)
                .allMatch(r -> r.itl().count() == r.outputTokens() - 1 && r.itl().max() >= r.itl().p99()));
        List<RequestRecord> every = Run.open(detail).records();
        Set<Integer> reported = SearchFiles.reported(searched);
        assertEquals(every.stream().map(RequestRecord::withoutInterTokenLatencies)
                        .filter(r -> reported.contains(r.trial()))
                        .filter(r -> VirtualTimeDriver.inWindow(r, readDetail.trials().get(r.trial()).windowStart()))
                        .toList(),
                records, "the brief folder holds the detailed one's records of the reported trials' windows, less the gaps");
        long small = Files.size(brief.resolve("requests.parquet"));
        long large = Files.size(detail.resolve("requests.parquet"));
        String sizes = "requests.parquet of " + every.size() + " requests: " + small + " bytes in brief (" + records.size()
                + " rows), " + large + " with every gap";
        assertTrue(small * 2 < large, sizes);
        assertTrue(small < 100L * every.size(), sizes);
        assertFalse(Files.exists(brief.resolve("requests")), "no emptied parts folder is left behind");
    }

    /**
     * Issue #13: by default a search's folder keeps the window's rows of only the trials it reports and rebuilds the
     * others from agents.parquet and trials.parquet; every reader gets the same figures as from a folder of every row.
     */
    @Test
    void aRunFolderKeepsTheReportedTrialsRowsAndSummarisesTheRest() throws Exception {
        Path window = dir.resolve("window"), all = dir.resolve("all");
        Simulation s = seventyB("h100x8").withTiers(SloTier.parse("20:6,40:6"));
        SloResult searched = s.search(window), everyRow = s.withAllRequests(true).search(all);
        Run windowRun = Run.open(window), allRun = Run.open(all);
        List<RequestRecord> kept = windowRun.records(), every = allRun.records();
        SloResult read = windowRun.sloResult(), readAll = allRun.sloResult();
        Set<Integer> reported = SearchFiles.reported(searched);
        assertTrue(reported.size() >= 2 && reported.size() < searched.trials().size(), reported + " reported of "
                + searched.trials().size());
        assertEquals(searched.trials().size(), read.trials().size());
        SloTier unsearched = new SloTier(30, 5);
        for (int i = 0; i < searched.trials().size(); i++) {
            TrialMetrics m = searched.trials().get(i);
            double windowStart = m.windowStart();
            int trial = m.trial();
            List<RequestRecord> ofTrial = every.stream().filter(r -> r.trial() == trial).toList();
            assertEquals(reported.contains(trial) ? ofTrial.stream().filter(r -> VirtualTimeDriver.inWindow(r, windowStart))
                            .toList() : List.of(),
                    kept.stream().filter(r -> r.trial() == trial).toList(), "trial " + trial + ": the window's rows");
            assertEquals(TrialMetrics.PhaseCounts.of(ofTrial).warmUp(), m.warmUpRequests());
            assertEquals(TrialMetrics.PhaseCounts.of(ofTrial).coolDown(), m.coolDownRequests());
            for (TrialMetrics same : List.of(everyRow.trials().get(i), read.trials().get(i), readAll.trials().get(i))) {
                sameFigures(m, same);
                for (SloTier tier : s.tiers()) assertEquals(m.check(tier), same.check(tier));
            }
            // A tier the search did not judge: the same verdict; its goodput needs the requests' rows.
            TrialMetrics.TierCheck other = m.check(unsearched), otherRead = read.trials().get(i).check(unsearched);
            assertEquals(reported.contains(trial) ? other : withGoodput(other, Double.NaN), otherRead);
        }
        assertEquals(SearchSummary.of(searched), SearchSummary.of(read));
        assertTrue(kept.stream().anyMatch(r -> r.phase() == RequestRecord.Phase.WARM_UP), "warm-up requests in flight");
        assertTrue(kept.stream().noneMatch(r -> r.phase() == RequestRecord.Phase.COOL_DOWN));
        assertTrue(every.stream().anyMatch(r -> r.phase() == RequestRecord.Phase.COOL_DOWN));
        assertFalse(Files.exists(all.resolve(AgentsFile.FILE)), "a folder of every row needs no agents' figures");

        // A folder written before trials.parquet counted the phases kept every row: the rows count them.
        Table trials = allRun.readTable(TrialsTable.FILE);
        allRun.writeTable(TrialsTable.FILE, trials.removeColumns("warm_up_requests", "cool_down_requests"));
        SloResult old = Run.open(all).sloResult();
        for (int i = 0; i < searched.trials().size(); i++) {
            assertEquals(searched.trials().get(i).warmUpRequests(), old.trials().get(i).warmUpRequests());
            assertEquals(searched.trials().get(i).coolDownRequests(), old.trials().get(i).coolDownRequests());
        }
    }

    /**
     * A search killed once its summaries were written but before its rows were dropped reads the same, and so does
     * one killed midway: its folder keeps every window row of the trials it finished (more than a finished search).
     */
    @Test
    void aKilledSearchsFolderStillReads() throws Exception {
        Path whole = dir.resolve("whole"), late = dir.resolve("late"), early = dir.resolve("early");
        Simulation s = seventyB("h100x8").withTiers(SloTier.parse("20:6,40:6"));
        SloResult searched = s.withAllRequests(true).search(whole);
        copy(whole, late);
        Run unclosed = Run.resume(late);
        SearchFiles.keepReportedRows(unclosed, searched);
        SloResult read = Run.open(late).sloResult();
        for (int i = 0; i < searched.trials().size(); i++) sameFigures(searched.trials().get(i), read.trials().get(i));
        assertEquals(SearchSummary.of(searched), SearchSummary.of(read));
        assertEquals(Run.open(whole).records(), Run.open(late).records(), "every row still there");

        RuntimeException kill = new RuntimeException("killed");
        assertThrows(RuntimeException.class, () -> s.withTrialListener(m -> {
            if (m.trial() == 3) throw kill;
        }).search(early));
        Run killed = Run.open(early);
        assertEquals(Set.of(0, 1, 2, 3), killed.records().stream().map(RequestRecord::trial).collect(
                java.util.stream.Collectors.toSet()), "the rows of every trial it finished");
        assertThrows(ReplayException.class, killed::sloResult, "not finished: no summary");
    }

    private static void sameFigures(TrialMetrics m, TrialMetrics same) {
        assertEquals(m.toString(), same.toString());
        assertEquals(m.agentMetrics(), same.agentMetrics());
        assertEquals(m.warmUpRequests(), same.warmUpRequests());
        assertEquals(m.coolDownRequests(), same.coolDownRequests());
        assertEquals(m.ttft(), same.ttft());
        assertEquals(m.e2eLatency(), same.e2eLatency());
        assertEquals(m.interTokenLatency(), same.interTokenLatency());
        assertEquals(m.outputTokensPerSecond(), same.outputTokensPerSecond());
        assertEquals(m.requestsPerSecond(), same.requestsPerSecond());
        assertEquals(m.cachedTokenRatio(), same.cachedTokenRatio());
        assertEquals(m.failedRequests(), same.failedRequests());
        assertEquals(m.power(), same.power());
        assertEquals(m.cutAtVerdict(), same.cutAtVerdict());
    }

    private static TrialMetrics.TierCheck withGoodput(TrialMetrics.TierCheck c, double goodput) {
        return new TrialMetrics.TierCheck(c.tier(), c.agentsJudged(), c.agentsPassing(), c.sharePassing(), c.passed(),
                goodput, c.agentOutputTokensPerSecond(), c.agentTtft());
    }

    private static void copy(Path from, Path to) throws java.io.IOException {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) Files.copy(f, to.resolve(f.getFileName()));
        }
    }

    /**
     * The Javadoc's example is the default {@code agentload bench}: its answer is the table in docs/simulator.md,
     * so that page cannot drift from the code.
     */
    @Test
    @Tag("slow")
    void theDocumentedDefaultBenchFindsWhatTheDocsSay() {
        Table turns = Trajectories.read("data/coding-agent-sample.parquet");
        SloResult r = Simulation.of("h200x8", "llama-3.1-70b").withTrajectories(turns).withTiers(SloTier.parse("20,60,100")).search();
        assertEquals(List.of(152, 33, 4), r.tiers().stream().map(SloResult.TierResult::maxAgents).toList());
        assertEquals(19_733.8, r.tiers().get(0).agentsPerMegawatt(), 0.5);
        assertEquals(7_702.5, r.tiers().get(0).meanWatts(), 0.5);
        assertEquals(4_921.0, r.tiers().get(1).agentsPerMegawatt(), 0.5);
        assertEquals(682.1, r.tiers().get(2).agentsPerMegawatt(), 0.5);
        assertEquals(23, r.trials().size());
    }

    @Test
    void oneTrialAtAFixedConcurrencyForCurves() {
        TrialMetrics m = Simulation.of("h100x8", "llama-3.1-70b").withTrajectories(Trajectories.table(
                SESSIONS.stream().flatMap(s -> s.turns().stream()).toList())).withWindow(Duration.ofSeconds(30)).trial(6);
        assertEquals(6, m.agents());
        assertEquals(30, m.windowSeconds(), 1e-9);
        assertTrue(m.cachedTokenRatio() > 0.8, "agentic prompts are mostly cached: " + m.cachedTokenRatio());
        assertTrue(m.power().isPresent());
    }

    @Test
    void primedStartsFindEachAgentsContextCachedAndColdStartsOnlyTheSharedPrefix(@TempDir Path tmp) {
        Simulation s = seventyB("h100x8").withWindow(Duration.ofSeconds(30));
        assertTrue(agentsFirstFindingMoreThanThePrefix(s, tmp.resolve("primed")) > 0, "primed by default");
        assertEquals(0, agentsFirstFindingMoreThanThePrefix(s.withPrimedStarts(false), tmp.resolve("cold")));
    }

    /** How many of a 6-agent trial's agents find more than the shared prefix cached at their first request. */
    private static long agentsFirstFindingMoreThanThePrefix(Simulation s, Path dir) {
        s.trial(6, dir);
        java.util.Map<Integer, RequestRecord> first = new java.util.HashMap<>();
        try (Run run = Run.open(dir)) {
            for (RequestRecord r : run.records()) first.merge(r.agent(), r, (a, b) -> a.sendTime() <= b.sendTime() ? a : b);
        }
        java.util.Map<String, Session> byId = new java.util.HashMap<>();
        for (Session session : SESSIONS) byId.put(session.sessionId(), session);
        return first.values().stream()
                .filter(r -> r.cachedTokens() > byId.get(r.sessionId()).turns().get(r.turn()).sharedPrefixTokens())
                .count();
    }

    @Test
    void aTrialRecordedInAFolderIsTheSameTrialWithItsRequestsAndPowerTrace(@TempDir Path tmp) {
        Simulation s = seventyB("h100x8").withWindow(Duration.ofSeconds(30));
        TrialMetrics plain = s.trial(6), recorded = s.trial(6, tmp.resolve("trial"));
        assertEquals(plain.toString(), recorded.toString());
        assertEquals(plain.meanWatts(), recorded.meanWatts(), 0);
        try (Run run = Run.open(tmp.resolve("trial"))) {
            assertEquals(recorded.measuredRequests(), run.records().stream().filter(RequestRecord::measured).count());
        }
        io.agentload.power.PowerSummary window = io.agentload.power.Power.read(tmp.resolve("trial").resolve(Run.POWER))
                .summary(recorded.windowStart(), recorded.windowEnd(), io.agentload.power.Boundary.NODE);
        assertEquals(recorded.meanWatts(), window.meanWatts(), 1e-9);
    }

    @Test
    void misuseSaysWhatToDo() {
        IllegalStateException none = assertThrows(IllegalStateException.class,
                () -> Simulation.of("h100x8", "llama-3.1-8b").trial(1));
        assertTrue(none.getMessage().contains("withTrajectories("), none.getMessage());
        IllegalArgumentException rack = assertThrows(IllegalArgumentException.class,
                () -> Simulation.of("h100x8", "llama-3.1-8b").withPowerBoundary(Boundary.RACK));
        assertEquals("h100x8 reports power at the gpu or the node boundary, not the rack", rack.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Simulation.of("h100x8", "llama-3.1-8b").withToolTimeScale(-1));
        assertThrows(IllegalArgumentException.class, () -> Simulation.of("h100x8", "deepseek-v3"));
        assertFalse(Simulation.of("h100x8", "llama-3.1-8b").withPrefixCaching(false).config().prefixCaching());
    }
}
