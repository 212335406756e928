package io.agentload.sim;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Reruns the published serving benchmarks of {@code calibration.csv} on the simulator. Offline rows submit every
 * request at once and report output tokens per second until the last finishes (trtllm-bench's throughput mode);
 * concurrency rows keep {@code concurrency} requests in flight (AIPerf/genai-perf) and report mean TTFT, mean ITL or
 * output tokens per second over the second half of the run, or for {@code total_tps_gpu} every request's tokens per
 * GPU over the whole run (vllm bench serve's "total token throughput"). Rack rows name a deployment after their
 * system ({@link Row#deployment}) and run it: {@code decode_tps_gpu} is the decode throughput per GPU of its
 * generation pool held at its full batch ({@link #simulate}).
 */
final class Calibration {

    /**
     * One published figure and the simulator's. {@code maxSeqs} and {@code maxTokens} are the replica's limits (the
     * benchmark's per-rank limits times its attention data-parallel ranks; 0 for the harness's 2,048 and 8,192);
     * {@code kvFraction} is TensorRT-LLM's {@code kv_cache_free_gpu_mem_fraction} when the source states one (0 for 95%
     * of HBM). A rack row's {@code system} is the system, its deployment and optionally {@code eplb}, separated by
     * spaces; its limits are per worker and {@code tp} is the GPUs its per-GPU figure divides by.
     */
    record Row(String id, String model, String weights, String kv, String system, int tp, int isl, int osl, int requests,
               int concurrency, int maxSeqs, int maxTokens, double kvFraction, String metric, double published,
               double simulated, double errorPercent, boolean heldOut, String source) {

        /** The system's name: the system column up to its first space. */
        String systemName() {
            return words()[0];
        }

        /**
         * A rack row's deployment: the system column's second word, a deployment string ({@link
         * EngineConfig.Deployment#parse}) with {@code ;} for its commas; null for a one-replica row.
         */
        EngineConfig.Deployment deployment() {
            String[] w = words();
            return w.length > 1 ? EngineConfig.Deployment.parse(w[1].replace(';', ',')) : null;
        }

        /** Whether the source balanced its experts (a third word {@code eplb}: SGLang's expert load balancer). */
        boolean eplb() {
            return List.of(words()).contains("eplb");
        }

        private String[] words() {
            return system.strip().split(" +");
        }
    }

    private Calibration() {}

    /**
     * The one-replica rows, which {@code CalibrationTest} holds to docs/calibration.md's tables. The rack rows (a
     * deployment in their system column) are {@link #rackRows()}.
     */
    static List<Row> rows() throws IOException {
        return all().stream().filter(r -> r.deployment() == null).toList();
    }

    /** The rows that rerun a rack deployment ({@link Row#deployment}), held by {@code RackCalibrationTest}. */
    static List<Row> rackRows() throws IOException {
        return all().stream().filter(r -> r.deployment() != null).toList();
    }

    private static List<Row> all() throws IOException {
        List<Row> rows = new ArrayList<>();
        try (InputStream in = Calibration.class.getResourceAsStream(CSV);
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            r.readLine();
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) continue;
                rows.add(parse(line));
            }
        }
        return rows;
    }

    /** The table's file name, beside this class in the test resources. */
    static final String CSV = "calibration.csv";

    static Row parse(String line) {
        String[] f = line.split(",", 19);
        return new Row(f[0], f[1], f[2], f[3], f[4], Integer.parseInt(f[5]), Integer.parseInt(f[6]),
                Integer.parseInt(f[7]), Integer.parseInt(f[8]), Integer.parseInt(f[9]), Integer.parseInt(f[10]),
                Integer.parseInt(f[11]), Double.parseDouble(f[12]), f[13], Double.parseDouble(f[14]),
                Double.parseDouble(f[15]), Double.parseDouble(f[16]), Boolean.parseBoolean(f[17]), f[18]);
    }

    /**
     * The rows' models that are not built in, defined as a notebook user would from their published config.json:
     * Qwen3-235B-A22B and Qwen3-30B-A3B (huggingface.co/Qwen), Llama 4 Maverick 17B-128E (huggingface.co/meta-llama:
     * 48 layers, hidden 5120, 40 query and 8 KV heads of 128, 128 routed experts with 1 per token plus a shared one,
     * 400B total / 17B active), Llama 4 Scout 17B-16E (the same attention, 16 routed experts with 1 per token plus a
     * shared one, 109B / 17B) and DeepSeek-R1 in NVIDIA's FP4 (DeepSeek-V3's architecture, FP4 routed experts).
     */
    static ModelProfile model(String name) {
        if (name.equals("qwen3-235b-a22b")) {
            return ModelProfile.builder(name).parameters(235.1e9, 22.2e9).layers(94).hiddenSize(4096)
                    .gqa(64, 4, 128).experts(128, 8).vocabulary(151_936).maxContextTokens(40_960).build();
        }
        if (name.equals("qwen3-30b-a3b")) {
            return ModelProfile.builder(name).parameters(30.5e9, 3.3e9).layers(48).hiddenSize(2048)
                    .gqa(32, 4, 128).experts(128, 8).vocabulary(151_936).maxContextTokens(40_960).build();
        }
        if (name.equals("llama-4-scout")) {
            return ModelProfile.builder(name).parameters(109e9, 17e9).layers(48).hiddenSize(5120)
                    .gqa(40, 8, 128).experts(16, 1).vocabulary(202_048).maxContextTokens(1_048_576).build();
        }
        if (name.equals("deepseek-r1-fp4")) {
            // NVIDIA's NVFP4 checkpoints of DeepSeek-R1 quantise the routed experts to FP4; MLA stays FP8.
            return ModelProfile.builder(name).parameters(671e9, 37e9).layers(61).hiddenSize(7168)
                    .mla(128, 1536, 192, 128, 512, 64).experts(256, 8).weights(Precision.FP8)
                    .expertWeights(Precision.FP4).vocabulary(129_280).maxContextTokens(163_840).build();
        }
        if (name.equals("llama-4-maverick")) {
            return ModelProfile.builder(name).parameters(400e9, 17e9).layers(48).hiddenSize(5120)
                    .gqa(40, 8, 128).experts(128, 1).vocabulary(202_048).maxContextTokens(1_048_576).build();
        }
        return ModelProfile.named(name);
    }

    /**
     * The engine a row's benchmark ran: one replica at the row's TP, the row's weight and KV cache formats (FP8 KV as
     * NVIDIA's ModelOpt checkpoints ship, BF16 for DeepSeek-R1 as released), 95% of HBM, up to 2,048 sequences; prefix caching stays on, as vLLM's
     * default, so a preempted request recovers its own blocks (prompts are random, so requests share nothing).
     */
    static EngineConfig config(Row row) {
        ModelProfile m = model(row.model());
        if (!row.weights().equals("native")) m = m.withWeightPrecision(Precision.valueOf(row.weights()));
        m = m.withKvPrecision(Precision.valueOf(row.kv()));
        if (row.deployment() != null) return rack(row, m);
        EngineConfig c = EngineConfig.of(SystemProfile.named(row.systemName()), m, row.tp()).withReplicas(1)
                .withMaxRunningSequences(row.maxSeqs() > 0 ? row.maxSeqs() : 2048)
                .withMemoryUtilisation(0.95);
        if (row.maxTokens() > 0) c = c.withMaxBatchTokens(row.maxTokens());
        return row.kvFraction() > 0 ? c.withMemoryUtilisation(freeMemoryShare(c, row.kvFraction())) : c;
    }

    /**
     * A rack row's engine: the row's deployment on the named system ({@link Row#deployment}), the row's formats, 95% of
     * HBM, the row's limits per worker (its per-rank ones times the ranks, as for one-replica rows), and the expert
     * load balancer's imbalance when the source ran one ({@link EngineConfig.Efficiency#withExpertImbalance}, 0.11:
     * TensorRT-LLM's measurement with EPLB). A {@code decode_tps_gpu} row measures the generation pool alone, as the
     * source's benchmark does (below), so its engine is that pool's workers.
     */
    private static EngineConfig rack(Row row, ModelProfile m) {
        EngineConfig.Deployment d = row.deployment();
        if (row.metric().equals("decode_tps_gpu")) {
            d = new EngineConfig.Deployment(d.generation(), null, null, d.maxSequenceTokens(), d.mtpTokens(),
                    d.routing());
        }
        EngineConfig c = EngineConfig.of(SystemProfile.named(row.systemName()), m, d).withMemoryUtilisation(0.95);
        if (row.maxSeqs() > 0) c = c.withMaxRunningSequences(row.maxSeqs());
        if (row.maxTokens() > 0) c = c.withMaxBatchTokens(row.maxTokens());
        return row.eplb() ? c.withEfficiency(c.efficiency().withExpertImbalance(EPLB_IMBALANCE)) : c;
    }

    /**
     * Routed tokens of the busiest GPU above the mean with an expert load balancer: TensorRT-LLM's measurement of
     * DeepSeek-R1 with EPLB (tech blog 4, Table 1), the figure {@link EngineConfig.Efficiency#withExpertImbalance}
     * names.
     */
    static final double EPLB_IMBALANCE = 0.11;

    /**
     * Reruns {@code row} and asserts that its simulated figure is the one the table states (within 0.5%) and its
     * stated error follows from it (within half a point): the check every row of the table is held to.
     */
    static void assertStated(Row row) {
        double simulated = simulate(row);
        assertEquals(row.simulated(), simulated, 0.005 * row.simulated(), row.id() + ": simulation changed");
        double error = 100 * (simulated / row.published() - 1);
        assertEquals(row.errorPercent(), error, 0.5, row.id() + ": stated error");
    }

    /**
     * The share of HBM that leaves {@code fraction} of the memory free after weights and activations to the KV cache,
     * as TensorRT-LLM's {@code kv_cache_free_gpu_mem_fraction} reads (docs/calibration.md).
     */
    static double freeMemoryShare(EngineConfig c, double fraction) {
        double hbm = c.system().gpu().hbmBytes();
        double taken = c.weightBytesPerReplica() / c.tensorParallel() + c.activationReserveBytes();
        return (taken + fraction * (hbm - taken)) / hbm;
    }

    static double simulate(Row row) {
        Engine engine = Engine.create(config(row));
        if (row.metric().equals("decode_tps_gpu")) return decode(engine, row);
        return row.concurrency() == 0 ? offline(engine, row) : closedLoop(engine, row);
    }

    /**
     * Decode throughput per GPU of a generation pool held full, as SGLang measures its decode workers (lmsys.org's
     * large-scale EP and GB200 NVL72 posts): its slow-down hook keeps the decode workers waiting until every request's
     * KV cache has arrived, so the measured steps run at the whole batch. Here every request arrives at once with its
     * prompt and first output token cached (the KV and the token a context worker sent), so it decodes from its first
     * step; the rate counts the steps that run the whole batch: the output tokens after the last request's first
     * token until the first request finishes, over that time, per GPU of the pool. {@code requests} 0 fills the
     * pool's KV cache: as many requests per rank as its blocks hold at their longest (the sources' "batch size chosen
     * to make KV cache roughly full").
     */
    private static double decode(Engine engine, Row row) {
        int requests = row.requests() > 0 ? row.requests() : fullBatch(engine.config(), row);
        Map<Double, Long> tokensAt = new TreeMap<>();
        double[] lastFirst = {0};
        double[] firstFinish = {Double.POSITIVE_INFINITY};
        Engine.Listener listener = new Engine.Listener() {
            private final Set<String> started = new HashSet<>();

            @Override
            public void tokens(Engine.Request r, int count, double time) {
                tokensAt.merge(time, (long) count, Long::sum);
                if (started.add(r.id())) lastFirst[0] = Math.max(lastFirst[0], time);
            }

            @Override
            public void finished(Engine.Request r, Engine.Usage usage, double time) {
                firstFinish[0] = Math.min(firstFinish[0], time);
            }
        };
        for (int i = 0; i < requests; i++) {
            // The context worker's first token joins the prompt: the decode worker generates the other osl - 1.
            Engine.Request r = request(i, row.isl() + 1, row.osl() - 1);
            engine.submitPrimed(r, 0, row.isl());
        }
        engine.drain(0, listener);
        if (!(firstFinish[0] > lastFirst[0])) {
            throw new IllegalStateException(row.id() + ": no step ran the whole batch (a request finished before the"
                    + " last started)");
        }
        long tokens = 0;
        for (Map.Entry<Double, Long> e : tokensAt.entrySet()) {
            if (e.getKey() > lastFirst[0] && e.getKey() <= firstFinish[0]) tokens += e.getValue();
        }
        return tokens / (firstFinish[0] - lastFirst[0]) / engine.config().gpusUsed();
    }

    /** Requests that fill every rank's KV cache at their longest: blocks per rank over blocks per request. */
    private static int fullBatch(EngineConfig c, Row row) {
        EngineConfig.Pool p = c.deployment().unified();
        int ranks = p.workers() * p.attentionDataParallel();
        int perRank = c.kvBlocksPerReplica() / p.attentionDataParallel()
                / Replica.blocksFor(row.isl() + row.osl());
        return ranks * Math.min(perRank, p.maxBatchSequences() / p.attentionDataParallel());
    }

    private static double offline(Engine engine, Row row) {
        for (int i = 0; i < row.requests(); i++) {
            engine.submit(request(i, row), 0);
        }
        double end = engine.drain(0, Engine.Listener.NONE);
        return (double) row.requests() * tokensCounted(row) / end;
    }

    /** A random prompt: block hashes unique to the request. */
    private static Engine.Request request(int i, Row row) {
        return request(i, row.isl(), row.osl());
    }

    private static Engine.Request request(int i, int prompt, int output) {
        long[] hashes = new long[prompt / KvBlocks.BLOCK_TOKENS];
        for (int b = 0; b < hashes.length; b++) hashes[b] = ((long) i << 32) + b + 1;
        return new Engine.Request(Integer.toString(i), prompt, hashes, output);
    }

    private static double closedLoop(Engine engine, Row row) {
        int total = row.requests();
        double[] submitted = new double[total];
        double[] first = new double[total];
        double[] last = new double[total];
        ArrayDeque<Double> starts = new ArrayDeque<>();
        int[] next = {0};
        List<Engine.Request> requests = new ArrayList<>();
        for (int i = 0; i < total; i++) requests.add(request(i, row));
        Engine.Listener listener = new Engine.Listener() {
            @Override
            public void tokens(Engine.Request r, int count, double time) {
                int i = Integer.parseInt(r.id());
                if (first[i] == 0) first[i] = time;
            }

            @Override
            public void finished(Engine.Request r, Engine.Usage usage, double time) {
                last[Integer.parseInt(r.id())] = time;
                starts.add(time);
            }
        };
        for (int i = 0; i < Math.min(row.concurrency(), total); i++) starts.add(0.0);
        double now = 0;
        Engine.Step step = engine.step(0, listener);
        while (true) {
            while (!starts.isEmpty() && next[0] < total) {
                int i = next[0]++;
                submitted[i] = starts.poll();
                engine.submit(requests.get(i), submitted[i]);
            }
            starts.clear();
            step = engine.step(now, listener);
            if (step.idle()) break;
            now = step.end();
            step = engine.step(now, listener);
            if (step.idle() && starts.isEmpty()) break;
        }
        int from = total / 2;
        double sum = 0;
        for (int i = from; i < total; i++) {
            sum += switch (row.metric()) {
                case "ttft_s" -> first[i] - submitted[i];
                case "itl_s" -> (last[i] - first[i]) / (row.osl() - 1);
                default -> 0;
            };
        }
        if (row.metric().endsWith("_s")) return sum / (total - from);
        if (row.metric().equals("total_tps_gpu")) {
            // vllm bench serve divides every request's tokens by the benchmark's whole duration.
            double end = 0;
            for (double t : last) end = Math.max(end, t);
            return total * tokensCounted(row) / end;
        }
        double windowStart = submitted[from];
        double windowEnd = 0;
        for (int i = from; i < total; i++) windowEnd = Math.max(windowEnd, last[i]);
        return (double) (total - from) * tokensCounted(row) / (windowEnd - windowStart);
    }

    /**
     * Tokens a request adds to a throughput metric: its output ({@code output_tps}), or prompt and output per GPU
     * ({@code total_tps_gpu}, vLLM's "total token throughput" over the replica's GPUs).
     */
    private static double tokensCounted(Row row) {
        return row.metric().equals("total_tps_gpu") ? (double) (row.isl() + row.osl()) / row.tp() : row.osl();
    }
}
