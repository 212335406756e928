package io.agentload.sim;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Reruns the published serving benchmarks of {@code calibration.csv} on the simulator. Offline rows submit every
 * request at once and report output tokens per second until the last finishes (trtllm-bench's throughput mode);
 * concurrency rows keep {@code concurrency} requests in flight (AIPerf/genai-perf) and report mean TTFT, mean ITL or
 * output tokens per second over the second half of the run, or for {@code total_tps_gpu} every request's tokens per
 * GPU over the whole run (vllm bench serve's "total token throughput").
 */
final class Calibration {

    /**
     * One published figure and the simulator's. {@code maxSeqs} and {@code maxTokens} are the replica's limits (the
     * benchmark's per-rank limits times its attention data-parallel ranks; 0 for the harness's 2,048 and 8,192);
     * {@code kvFraction} is TensorRT-LLM's {@code kv_cache_free_gpu_mem_fraction} when the source states one (0 for 95%
     * of HBM).
     */
    record Row(String id, String model, String weights, String kv, String system, int tp, int isl, int osl, int requests,
               int concurrency, int maxSeqs, int maxTokens, double kvFraction, String metric, double published,
               double simulated, double errorPercent, boolean heldOut, String source) {}

    private Calibration() {}

    static List<Row> rows() throws IOException {
        List<Row> rows = new ArrayList<>();
        try (InputStream in = Calibration.class.getResourceAsStream("calibration.csv");
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            r.readLine();
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) continue;
                String[] f = line.split(",", 19);
                rows.add(new Row(f[0], f[1], f[2], f[3], f[4], Integer.parseInt(f[5]), Integer.parseInt(f[6]),
                        Integer.parseInt(f[7]), Integer.parseInt(f[8]), Integer.parseInt(f[9]), Integer.parseInt(f[10]),
                        Integer.parseInt(f[11]), Double.parseDouble(f[12]), f[13], Double.parseDouble(f[14]),
                        Double.parseDouble(f[15]), Double.parseDouble(f[16]), Boolean.parseBoolean(f[17]), f[18]));
            }
        }
        return rows;
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
        EngineConfig c = EngineConfig.of(SystemProfile.named(row.system()), m, row.tp()).withReplicas(1).withMaxRunningSequences(row.maxSeqs() > 0 ? row.maxSeqs() : 2048)
                .withMemoryUtilisation(0.95);
        if (row.maxTokens() > 0) c = c.withMaxBatchTokens(row.maxTokens());
        return row.kvFraction() > 0 ? c.withMemoryUtilisation(freeMemoryShare(c, row.kvFraction())) : c;
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
        return row.concurrency() == 0 ? offline(engine, row) : closedLoop(engine, row);
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
        long[] hashes = new long[row.isl() / KvBlocks.BLOCK_TOKENS];
        for (int b = 0; b < hashes.length; b++) hashes[b] = ((long) i << 32) + b + 1;
        return new Engine.Request(Integer.toString(i), row.isl(), hashes, row.osl());
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
