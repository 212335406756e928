package io.agentload.sim;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.agentload.sim.EngineFixtures.uniqueHashes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Deployments: the SPEC grammar, AA's B300 configuration, the pools the engine builds, MTP and affinity routing. */
class DeploymentTest {

    private static final String AA_B300 =
            "ctx=1x(tp4,ep4,dp4),gen=1x(tp4,ep4,dp4),batch=256,tokens=4096,seq=131072,route=affinity";

    @Test
    void aasB300ConfigurationReadsAsPublished() {
        EngineConfig.Deployment d = EngineConfig.Deployment.parse(AA_B300);
        EngineConfig.Pool worker = new EngineConfig.Pool(1, 4, 4, 4, 256, 4096);
        assertEquals(worker, d.context());
        assertEquals(worker, d.generation());
        assertNull(d.unified());
        assertEquals(131_072, d.maxSequenceTokens());
        assertEquals(EngineConfig.Routing.CONVERSATION, d.routing());
        assertEquals(8, d.gpus());
        assertEquals(d, EngineConfig.Deployment.AA_B300);
        assertEquals(d, EngineConfig.Deployment.parse("aa-b300"));
        assertEquals(AA_B300, d.toString());
    }

    /**
     * b300x8 and deepseek-v4-pro are another lane's (F1); the preset runs on the 8-GPU node that exists here, b200x8,
     * serving a MoE model whose weights fit four of its GPUs (deepseek-v3's 671 GB do not fit four B200s).
     */
    @Test
    void aasB300ConfigurationServesOnAnEightGpuNode() {
        EngineConfig c = EngineConfig.of("b200x8", "gpt-oss-120b").withDeployment(EngineConfig.Deployment.AA_B300);
        assertEquals(8, c.gpusUsed());
        assertEquals(2, c.replicas());
        assertEquals(4, c.tensorParallel());
        assertEquals(256, c.maxRunningSequences(), "64 per rank");
        assertEquals(4096, c.maxBatchTokens(), "1,024 per rank");
        assertEquals(1, c.disaggregation().prefillReplicas());
        assertEquals(1, c.disaggregation().decodeReplicas());
        assertEquals(131_072, c.maxSequenceTokens());
        Engine engine = Engine.create(c);
        Engine.Request r = new Engine.Request("r", 20_000, uniqueHashes(20_000, 1), 50, "agent 0 session a");
        engine.submit(r, 0);
        EngineTest.Recorder rec = new EngineTest.Recorder();
        engine.drain(0, rec);
        assertEquals(50, rec.generated.get(r));
        assertTrue(engine.counters().transferredBytes() > 0, "the KV cache moved from the context worker");
    }

    @Test
    void aasB300ConfigurationServesTheModelItWasPublishedFor() {
        // AA-AgentPerf's B300 page: DeepSeek V4 Pro on one 8-GPU node, a context and a generation worker of TP4/EP4,
        // attention data-parallel. Four B300s hold the 861 GB of weights, each worker with room for KV cache.
        EngineConfig c = EngineConfig.of(SystemProfile.named("b300x8"), ModelProfile.named("deepseek-v4-pro"),
                EngineConfig.Deployment.AA_B300);
        assertEquals(8, c.gpusUsed());
        assertTrue(c.kvBlocksPerReplica() > 0);
        Engine engine = Engine.create(c);
        Engine.Request r = new Engine.Request("r", 30_000, uniqueHashes(30_000, 2), 20, "agent 0 session v4");
        engine.submit(r, 0);
        EngineTest.Recorder rec = new EngineTest.Recorder();
        engine.drain(0, rec);
        assertEquals(20, rec.generated.get(r));
    }

    @Test
    void aLayoutThatLeavesRoomServesAModelTheDefaultRuleRefuses() {
        // DeepSeek V4 Pro's 861 GB fill 85% of an HGX H200's usable HBM, over the default's 80%; tensor-parallel
        // attention holds the weights outside the routed experts once, but caches V4's one shared KV entry on all
        // eight GPUs. Data-parallel attention holds seven more copies of those 24B weights (and eight of the BF16 LM
        // head), which leave it less KV than tensor-parallel attention on the H200.
        SystemProfile h200 = SystemProfile.named("h200x8");
        ModelProfile v4 = ModelProfile.named("deepseek-v4-pro");
        assertThrows(IllegalArgumentException.class, () -> EngineConfig.of(h200, v4));
        EngineConfig c = EngineConfig.of(h200, v4, EngineConfig.Deployment.parse("unified=1x(tp8,ep8,dp1)"));
        assertEquals(8, c.gpusUsed());
        assertTrue(c.kvBlocksPerReplica() > 0);
        EngineConfig replicated = EngineConfig.of(h200, v4, EngineConfig.Deployment.parse("unified=1x(tp8,ep8,dp8)"));
        assertTrue(replicated.kvBlocksPerReplica() < c.kvBlocksPerReplica() / 2);
    }

    @Test
    void aDeploymentsMaxSequenceRefusesLongerRequests() {
        Engine engine = Engine.create(EngineConfig.of("b200x8", "gpt-oss-120b")
                .withDeployment(EngineConfig.Deployment.parse("unified=1x(tp8,ep8,dp8),seq=65536")));
        Engine.Request tooLong = new Engine.Request("long", 65_500, new long[0], 100);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> engine.check(tooLong));
        assertTrue(e.getMessage().contains("the deployment's max sequence of 65,536 tokens"), e.getMessage());
    }

    @Test
    void specsRoundTrip() {
        for (String spec : List.of("unified=9x(tp8,ep8,dp8)", "unified=1x(tp72,ep72,dp72),mtp=3",
                "ctx=3x(tp8,ep8,dp8),gen=1x(tp48,ep48,dp48),route=affinity", "unified=2x(tp4)",
                "ctx=1x(tp2,tokens=16384),gen=3x(tp2,batch=128)", "unified=1x(tp8,ep8,dp2),batch=256,tokens=2048,seq=65536")) {
            assertEquals(spec, EngineConfig.Deployment.parse(spec).toString());
        }
        assertEquals("unified=2x(tp4)", EngineConfig.Deployment.parse(" UNIFIED=2xtp4 ").toString());
        assertEquals(EngineConfig.Deployment.unified(9, 8, 8, 8), EngineConfig.Deployment.parse("unified=9x(tp8,ep8,dp8)"));
    }

    @Test
    void badSpecsSayWhatIsWrong() {
        Map<String, String> bad = new HashMap<>();
        bad.put("", "it is empty");
        bad.put("batch=64", "no pool");
        bad.put("ctx=1x(tp4)", "needs both ctx (prefill) and gen (decode)");
        bad.put("unified=1x(tp8),gen=1x(tp8)", "give it alone");
        bad.put("unified=1x(tp8", "never closed");
        bad.put("unified=1x(tp8))", "closes nothing");
        bad.put("unified=x(tp8)", "is not WORKERSx(tpN,...)");
        bad.put("unified=1x(ep8)", "needs tpN");
        bad.put("unified=1x(tp8,xp2)", "\"xp2\" in pool unified is not tpN");
        bad.put("unified=1x(tp8,tp4)", "repeats a field");
        bad.put("unified=1x(tp8,ep3)", "must divide the worker's 8 GPUs");
        bad.put("unified=1x(tp8,dp16)", "attention data-parallel degree must divide");
        bad.put("unified=0x(tp8)", "at least 1");
        bad.put("unified=1x(tp8),tokens=8", "max tokens per step 8 < 16");
        bad.put("unified=1x(tp8),mtp=two", "needs a whole number");
        bad.put("unified=1x(tp8),route=random", "route is cache or affinity");
        bad.put("unified=1x(tp8),speed=3", "unknown part \"speed\"");
        bad.put("unified=1x(tp8),,", "empty part");
        bad.put("unified", "is not NAME=VALUE");
        bad.forEach((spec, message) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> EngineConfig.Deployment.parse(spec), spec);
            assertTrue(e.getMessage().startsWith("deployment \"" + spec + "\": "), e.getMessage());
            assertTrue(e.getMessage().contains(message), spec + " -> " + e.getMessage());
        });
    }

    @Test
    void deploymentsThatDoNotFitTheSystemOrModelSaySo() {
        EngineConfig h200 = EngineConfig.of("h200x8", "llama-3.1-70b");
        assertMessage(() -> h200.withDeployment(EngineConfig.Deployment.parse("unified=3x(tp4)")), "needs 12 GPUs");
        assertMessage(() -> h200.withDeployment(EngineConfig.Deployment.parse("unified=1x(tp8,ep8)")), "is dense");
        assertMessage(() -> h200.withDeployment(EngineConfig.Deployment.parse("unified=1x(tp8),seq=200000")),
                "longer than llama-3.1-70b's context");
        assertMessage(() -> EngineConfig.of("b200x8", "deepseek-v3")
                .withDeployment(EngineConfig.Deployment.parse("unified=2x(tp8,ep8,dp8)")), "needs 16 GPUs");
        assertMessage(() -> EngineConfig.of("h200x8", "deepseek-v3")
                .withDeployment(EngineConfig.Deployment.parse("unified=4x(tp2,ep2,dp2)")), "no room for KV cache");
    }

    private static void assertMessage(Runnable r, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    @Test
    void wideExpertParallelismSpansAnNvl72Rack() {
        EngineConfig rack = EngineConfig.of("gb300-nvl72", "deepseek-v3");
        EngineConfig wide = rack.withDeployment(EngineConfig.Deployment.parse("ctx=3x(tp8,ep8,dp8),gen=1x(tp48,ep48,dp48)"));
        assertEquals(72, wide.gpusUsed());
        assertEquals(48, wide.tensorParallel());
        // KV moves inside the rack's NVLink domain, every GPU of a context worker sending its share.
        assertEquals(8 * rack.system().gpu().scaleUpBytesPerSecond(), wide.disaggregation().transferBytesPerSecond());
        assertMessage(() -> EngineConfig.of("h200x8", "deepseek-v3")
                .withDeployment(EngineConfig.Deployment.parse("unified=1x(tp16,ep16,dp16)")), "scale-up (NVLink) domain of 8");
        // A wider expert-parallel group holds more KV per GPU: one copy of the experts over 48 GPUs, not six.
        int perGpuWide = wide.pool(wide.servedDeployment().generation()).kvBlocksPerReplica() / 48;
        int perGpuNode = rack.kvBlocksPerReplica() / 8;
        assertTrue(perGpuWide > perGpuNode, perGpuWide + " vs " + perGpuNode);
    }

    /**
     * {@code --deployment auto}'s candidates on Blackwell give each attention data-parallel rank the base limits, as
     * TensorRT-LLM and vLLM apply theirs (a worker of 8 ranks takes 8 times them); on Hopper the ranks divide them
     * (SGLang's rule), and a dense model's workers keep them as they are.
     */
    @Test
    void autoCandidatesOnBlackwellTakeTheLimitsPerRank() {
        EngineConfig rack = EngineConfig.of("gb300-nvl72", "deepseek-v3");
        Map<String, EngineConfig.Deployment> onRack = rack.candidateDeployments();
        assertEquals(new EngineConfig.Pool(9, 8, 8, 8, 8 * 1024, 8 * 8192), onRack.get("unified").unified());
        assertEquals(new EngineConfig.Pool(2, 8, 8, 8, 8 * 1024, 8 * 8192), onRack.get("wide-ep").context());
        EngineConfig.Pool wide = onRack.get("wide-ep").generation();
        assertEquals(56 * 1024, wide.maxBatchSequences());
        assertEquals(56 * 8192, wide.maxBatchTokens());
        assertEquals(new EngineConfig.Pool(1, 8, 8, 8, 1024, 8192),
                EngineConfig.of("h200x8", "deepseek-v3").candidateDeployments().get("unified").unified());
        assertEquals(new EngineConfig.Pool(1, 8, 1, 1, 1024, 8192),
                EngineConfig.of("b200x8", "llama-3.1-70b").candidateDeployments().get("unified").unified());
    }

    /** The implicit layout of a MoE replica is the deployment written out, and costs exactly the same. */
    @Test
    void theDefaultLayoutWrittenOutCostsTheSame() {
        EngineConfig c = EngineConfig.of("h200x8", "deepseek-v3");
        assertNull(c.deployment());
        EngineConfig.Deployment implicit = c.servedDeployment();
        assertEquals("unified=1x(tp8,ep8,dp8)", implicit.toString());
        EngineConfig explicit = c.withDeployment(implicit);
        assertEquals(c.kvBlocksPerReplica(), explicit.kvBlocksPerReplica());
        CostModel a = new CostModel(c), b = new CostModel(explicit);
        for (int t : new int[] {1, 64, 1024, 8192}) {
            CostModel.Load la = a.newLoad(), lb = b.newLoad();
            la.add(20_000, t, t == 1);
            lb.add(20_000, t, t == 1);
            assertEquals(a.estimate(la), b.estimate(lb));
        }
    }

    /**
     * Tensor-parallel attention adds an all-reduce per layer and holds one copy of the attention weights, but one copy
     * of MLA's latent KV per GPU.
     */
    @Test
    void attentionDataParallelTradesWeightsForAllReduces() {
        EngineConfig c = EngineConfig.of("h200x8", "deepseek-v3");
        EngineConfig dp8 = c.withDeployment(EngineConfig.Deployment.parse("unified=1x(tp8,ep8,dp8)"));
        EngineConfig dp1 = c.withDeployment(EngineConfig.Deployment.parse("unified=1x(tp8,ep8)"));
        assertTrue(dp1.weightBytesPerReplica() < dp8.weightBytesPerReplica());
        assertTrue(dp1.kvBlocksPerReplica() < dp8.kvBlocksPerReplica());
        CostModel a = new CostModel(dp8), b = new CostModel(dp1);
        CostModel.Load la = a.newLoad(), lb = b.newLoad();
        la.add(0, 8192, false);
        lb.add(0, 8192, false);
        assertTrue(b.estimate(lb).seconds() > a.estimate(la).seconds(), "a prefill step pays the attention all-reduces");
    }

    @Test
    void mtpDecodesWithDeepSeeksAcceptance() {
        EngineConfig.Speculation one = EngineConfig.Speculation.mtp(1);
        assertEquals(1.85, one.tokensPerStep(), 1e-12);  // DeepSeek-V3: 85-90% second-token acceptance, 1.8x TPS
        assertEquals(1 + 0.85 + 0.85 * 0.85 + 0.85 * 0.85 * 0.85, EngineConfig.Speculation.mtp(3).tokensPerStep(), 1e-12);
        EngineConfig c = EngineConfig.of("b200x8", "deepseek-v3")
                .withDeployment(EngineConfig.Deployment.parse("unified=1x(tp8,ep8,dp8),mtp=3"));
        assertEquals(EngineConfig.Speculation.mtp(3), c.speculation());
        double plain = decodeSeconds(EngineConfig.of("b200x8", "deepseek-v3"), 200);
        double mtp = decodeSeconds(c, 200);
        assertTrue(mtp < plain / 2, "200 tokens in " + mtp + " s with MTP-3, " + plain + " s without");
    }

    private static double decodeSeconds(EngineConfig c, int output) {
        Engine engine = Engine.create(c);
        Engine.Request r = new Engine.Request("r", 1_000, uniqueHashes(1_000, 3), output);
        engine.submit(r, 0);
        EngineTest.Recorder rec = new EngineTest.Recorder();
        double end = engine.drain(0, rec);
        return end - rec.firstToken(r);
    }

    /**
     * A conversation's next turn that reuses less than half of its prompt (a long tool result) stays on the worker
     * holding its context with affinity; cache-aware routing sends it to the least loaded worker, where it misses.
     */
    @Test
    void affinityKeepsAConversationOnItsWorker() {
        for (EngineConfig.Routing routing : EngineConfig.Routing.values()) {
            EngineConfig c = EngineConfig.of("h200x8", "llama-3.1-8b")
                    .withDeployment(EngineConfig.Deployment.parse("unified=4x(tp2)")).withRouting(routing);
            Engine engine = Engine.create(c);
            EngineTest.Recorder rec = new EngineTest.Recorder();
            long[] second = uniqueHashes(10_000, 7);
            Engine.Request first = new Engine.Request("a1", 4_000, java.util.Arrays.copyOf(second, 250), 16, "a");
            engine.submit(first, 0);
            double t = engine.drain(0, rec);
            // Other conversations keep a's worker the busiest when a's next turn arrives.
            for (int i = 0; i < 3; i++) engine.submit(new Engine.Request("b" + i, 2_000, uniqueHashes(2_000, 20 + i), 400, "b" + i), t);
            engine.step(t, rec);
            Engine.Request next = new Engine.Request("a2", 10_000, second, 16, "a");
            engine.submit(next, t);
            engine.drain(t, rec);
            int cached = rec.usage.get(next).cachedTokens();
            if (routing == EngineConfig.Routing.CONVERSATION) {
                assertEquals(4_000, cached, "affinity: the next turn hits its whole first prompt");
            } else {
                assertEquals(0, cached, "cache-aware: under half cached, so the least loaded worker, which misses");
            }
        }
    }

    /** The engine routes an unknown conversation cache-aware, whatever the rule. */
    @Test
    void requestsWithoutAConversationAreRoutedCacheAware() {
        EngineConfig c = EngineConfig.of("h200x8", "llama-3.1-8b").withTensorParallel(2).withRouting(EngineConfig.Routing.CONVERSATION);
        assertEquals("unified=4x(tp2),route=affinity", c.deployment().toString());
        Engine engine = Engine.create(c);
        EngineTest.Recorder rec = new EngineTest.Recorder();
        Engine.Request a = new Engine.Request("a", 4_000, uniqueHashes(4_000, 9), 16);
        engine.submit(a, 0);
        double t = engine.drain(0, rec);
        Engine.Request b = new Engine.Request("b", 4_000, uniqueHashes(4_000, 9), 16);
        engine.submit(b, t);
        engine.drain(t, rec);
        assertEquals(3_984, rec.usage.get(b).cachedTokens());
    }

}
