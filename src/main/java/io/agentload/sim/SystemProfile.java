package io.agentload.sim;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A serving system the simulator models: a node of 8 GPUs or a rack, with its power boundary. The built-in systems
 * come from {@code gpus.csv} and {@code systems.csv} beside this class, where every figure names its public source.
 *
 * <pre>{@code
 * SystemProfile h200 = SystemProfile.named("h200x8");
 * double hbm = h200.gpu().hbmBytes() * h200.gpus();
 * }</pre>
 *
 * @param name                        e.g. {@code h200x8}, {@code gb200-nvl72}
 * @param gpu                         the GPU model
 * @param gpus                        GPUs in the system
 * @param scaleUpDomain               GPUs linked by NVLink or Infinity Fabric
 * @param scaleOutBytesPerSecondPerGpu RDMA bandwidth per GPU, one direction
 * @param maxWatts                    the system's maximum power, GPUs included (datasheet or rack figure)
 * @param boundary                    what {@code maxWatts} covers: {@code node} or {@code rack}
 * @param source                      where the system's figures come from
 */
public record SystemProfile(String name, Gpu gpu, int gpus, int scaleUpDomain, double scaleOutBytesPerSecondPerGpu,
                            double maxWatts, String boundary, String source) {

    /**
     * One GPU's figures (dense FLOP/s; a rate of 0 means the format runs at the next wider format's rate).
     *
     * @param hbmBytes              memory capacity as the driver reports it
     * @param hbmBytesPerSecond     memory bandwidth
     * @param scaleUpBytesPerSecond NVLink or Infinity Fabric bandwidth per GPU, one direction
     * @param tdpWatts              board power limit
     * @param idleWatts             draw with a model loaded and no work
     * @param source                where the GPU's figures come from
     */
    public record Gpu(String name, double hbmBytes, double hbmBytesPerSecond, double bf16Flops, double fp8Flops,
                      double fp4Flops, double scaleUpBytesPerSecond, double tdpWatts, double idleWatts, String source) {

        public Gpu {
            if (hbmBytes <= 0 || hbmBytesPerSecond <= 0 || bf16Flops <= 0 || tdpWatts <= 0) {
                throw new IllegalArgumentException("GPU " + name + ": capacity, bandwidth, BF16 rate and TDP must be positive");
            }
            if (idleWatts < 0 || idleWatts > tdpWatts) {
                throw new IllegalArgumentException("GPU " + name + ": idle power " + idleWatts + " W outside [0, TDP]");
            }
        }

        /**
         * Dense matrix FLOP/s for a number format, falling back to a wider format the GPU runs natively. FP4 weights
         * on a GPU without FP4 tensor cores (Hopper, MI300X) run as W4A8: read at their 4.25 bits, upconverted in
         * registers and multiplied at the FP8 rate, as TensorRT-LLM's {@code W4A8_MXFP4_FP8} does
         * ({@code tensorrt_llm/quantization/mode.py}). The upconversion costs no extra time: a mixed-input Hopper GEMM
         * that dequantises in registers matches its activation format's compute-bound throughput (Neural Magic's
         * Machete, vLLM's Hopper W4A16 kernel). docs/simulator.md, "Systems and models" (FP4 without FP4 units),
         * says what differs in vLLM.
         */
        public double flops(Precision precision) {
            return switch (precision) {
                case FP4 -> fp4Flops > 0 ? fp4Flops : flops(Precision.FP8);
                case FP8 -> fp8Flops > 0 ? fp8Flops : bf16Flops;
                case BF16 -> bf16Flops;
            };
        }
    }

    public SystemProfile {
        if (gpus <= 0 || scaleUpDomain <= 0) throw new IllegalArgumentException("system " + name + ": no GPUs");
        if (maxWatts < gpus * gpu.tdpWatts()) {
            throw new IllegalArgumentException("system " + name + ": maximum power " + maxWatts + " W is below its GPUs' TDP");
        }
    }

    /** A built-in system by name ({@link #all()} lists them). */
    public static SystemProfile named(String name) {
        SystemProfile s = Table.SYSTEMS.get(name);
        if (s == null) {
            throw new IllegalArgumentException("unknown system '" + name + "'; known: " + String.join(", ", Table.SYSTEMS.keySet()));
        }
        return s;
    }

    /** Every built-in system, in the order of {@code systems.csv}. */
    public static List<SystemProfile> all() {
        return List.copyOf(Table.SYSTEMS.values());
    }

    /** Power of everything but the GPUs at full load (CPUs, NICs, switches, fans): the maximum less the GPUs' TDP. */
    public double otherMaxWatts() {
        return maxWatts - gpus * gpu.tdpWatts();
    }

    /** The CSV tables shipped as resources, read once. */
    private static final class Table {
        static final Map<String, SystemProfile> SYSTEMS = load();

        private static Map<String, SystemProfile> load() {
            Map<String, Gpu> gpus = new LinkedHashMap<>();
            for (String[] f : rows("gpus.csv", 10)) {
                gpus.put(f[0], new Gpu(f[0], num(f[1]) * 1024 * 1024, num(f[2]) * 1e12, num(f[3]) * 1e12,
                        num(f[4]) * 1e12, num(f[5]) * 1e12, num(f[6]) * 1e9, num(f[7]), num(f[8]), text(f[9])));
            }
            Map<String, SystemProfile> systems = new LinkedHashMap<>();
            for (String[] f : rows("systems.csv", 8)) {
                Gpu gpu = gpus.get(f[1]);
                if (gpu == null) throw new IllegalStateException("systems.csv: system " + f[0] + " names unknown GPU " + f[1]);
                systems.put(f[0], new SystemProfile(f[0], gpu, (int) num(f[2]), (int) num(f[3]), num(f[4]) * 1e9,
                        num(f[5]), f[6], text(f[7])));
            }
            return systems;
        }

        /** Data rows of a shipped CSV whose last column (the source) may be quoted and hold commas. */
        private static List<String[]> rows(String resource, int columns) {
            InputStream in = SystemProfile.class.getResourceAsStream(resource);
            if (in == null) throw new IllegalStateException("missing resource io/agentload/sim/" + resource);
            List<String[]> rows = new ArrayList<>();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                r.readLine();
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.isBlank()) continue;
                    String[] f = line.split(",", columns);
                    if (f.length != columns) {
                        throw new IllegalStateException(resource + ": expected " + columns + " columns in '" + line + "'");
                    }
                    rows.add(f);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(resource, e);
            }
            return rows;
        }

        private static double num(String s) {
            return Double.parseDouble(s.trim());
        }

        /** A text cell without its surrounding quotes. */
        private static String text(String s) {
            String t = s.trim();
            return t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"") ? t.substring(1, t.length() - 1) : t;
        }
    }
}
