package io.agentload.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads and writes the compact deployment string of {@code agentload bench --deployment SPEC}
 * (docs/simulator.md, "Deployments"):
 *
 * <pre>
 * SPEC   := PART ("," PART)*                      commas inside parentheses belong to the pool
 * PART   := POOL "=" N "x" WORKER                 POOL: unified | ctx | gen
 *         | "batch=" N | "tokens=" N | "seq=" N | "mtp=" N | "route=" ("cache" | "affinity")
 * WORKER := "(" FIELD ("," FIELD)* ")" | FIELD
 * FIELD  := "tp" N | "ep" N | "dp" N | "batch=" N | "tokens=" N
 * </pre>
 *
 * A pool's own {@code batch=}/{@code tokens=} win over the top-level ones, which win over vLLM's defaults.
 */
final class DeploymentSpec {

    private DeploymentSpec() {
    }

    static EngineConfig.Deployment parse(String spec) {
        String text = spec.strip().toLowerCase(Locale.ROOT);
        if (text.isEmpty()) throw bad(spec, "it is empty; e.g. unified=1x(tp8,ep8,dp8) or ctx=1x(tp4),gen=1x(tp4)");
        Map<String, int[]> pools = new LinkedHashMap<>();   // name -> workers, tp, ep, dp, batch, tokens (0: unset)
        int batch = 0, tokens = 0, seq = 0, mtp = 0;
        EngineConfig.Routing routing = EngineConfig.Routing.CACHE_AWARE;
        for (String part : split(spec, text)) {
            int eq = part.indexOf('=');
            if (eq < 0) throw bad(spec, "\"" + part + "\" is not NAME=VALUE");
            String key = part.substring(0, eq), value = part.substring(eq + 1);
            switch (key) {
                case "unified", "ctx", "gen" -> {
                    if (pools.containsKey(key)) throw bad(spec, "pool " + key + " is given twice");
                    pools.put(key, pool(spec, key, value));
                }
                case "batch" -> batch = number(spec, part, value);
                case "tokens" -> tokens = number(spec, part, value);
                case "seq" -> seq = number(spec, part, value);
                case "mtp" -> mtp = number(spec, part, value, 0);
                case "route" -> routing = switch (value) {
                    case "cache" -> EngineConfig.Routing.CACHE_AWARE;
                    case "affinity" -> EngineConfig.Routing.CONVERSATION;
                    default -> throw bad(spec, "route is cache or affinity, not \"" + value + "\"");
                };
                default -> throw bad(spec, "unknown part \"" + key + "\" (pools: unified, ctx, gen; settings: batch, "
                        + "tokens, seq, mtp, route)");
            }
        }
        if (pools.isEmpty()) throw bad(spec, "no pool: give unified=NxWORKER, or ctx=NxWORKER and gen=NxWORKER");
        if (pools.containsKey("unified") && pools.size() > 1) {
            throw bad(spec, "a unified pool serves prefill and decode itself: give it alone, or ctx and gen");
        }
        if (!pools.containsKey("unified") && pools.size() != 2) {
            throw bad(spec, "a disaggregated deployment needs both ctx (prefill) and gen (decode) pools");
        }
        try {
            return new EngineConfig.Deployment(toPool(pools.get("unified"), batch, tokens),
                    toPool(pools.get("ctx"), batch, tokens), toPool(pools.get("gen"), batch, tokens), seq, mtp, routing);
        } catch (IllegalArgumentException e) {
            throw bad(spec, e.getMessage());
        }
    }

    private static EngineConfig.Pool toPool(int[] f, int batch, int tokens) {
        if (f == null) return null;
        int b = f[4] > 0 ? f[4] : batch > 0 ? batch : EngineConfig.DEFAULT_RUNNING_SEQUENCES;
        int t = f[5] > 0 ? f[5] : tokens > 0 ? tokens : EngineConfig.DEFAULT_BATCH_TOKENS;
        return new EngineConfig.Pool(f[0], f[1], f[2] == 0 ? 1 : f[2], f[3] == 0 ? 1 : f[3], b, t);
    }

    /** {@code N x WORKER}: workers, then the worker's fields. */
    private static int[] pool(String spec, String name, String value) {
        int x = value.indexOf('x');
        if (x <= 0) throw bad(spec, name + "=" + value + " is not WORKERSx(tpN,...), e.g. " + name + "=1x(tp4,ep4,dp4)");
        int[] f = new int[6];
        f[0] = number(spec, name + "=" + value, value.substring(0, x));
        String worker = value.substring(x + 1);
        if (worker.startsWith("(")) {
            if (!worker.endsWith(")")) throw bad(spec, name + "=" + value + " has no closing \")\"");
            worker = worker.substring(1, worker.length() - 1);
        }
        for (String field : worker.split(",", -1)) {
            int slot;
            String digits;
            if (field.startsWith("batch=")) {
                slot = 4;
                digits = field.substring(6);
            } else if (field.startsWith("tokens=")) {
                slot = 5;
                digits = field.substring(7);
            } else if (field.length() > 2 && (field.startsWith("tp") || field.startsWith("ep") || field.startsWith("dp"))) {
                slot = field.charAt(0) == 't' ? 1 : field.charAt(0) == 'e' ? 2 : 3;
                digits = field.substring(2);
            } else {
                throw bad(spec, "\"" + field + "\" in pool " + name + " is not tpN, epN, dpN, batch=N or tokens=N");
            }
            if (f[slot] != 0) throw bad(spec, "\"" + field + "\" repeats a field of pool " + name);
            f[slot] = number(spec, field, digits);
        }
        if (f[1] == 0) throw bad(spec, "pool " + name + " needs tpN, its GPUs per worker");
        return f;
    }

    /** The top-level parts, split at commas outside parentheses. */
    private static List<String> split(String spec, String text) {
        List<String> parts = new ArrayList<>();
        int depth = 0, start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(') depth++;
            if (c == ')' && --depth < 0) throw bad(spec, "\")\" at position " + (i + 1) + " closes nothing");
            if (c == ',' && depth == 0) {
                parts.add(text.substring(start, i).strip());
                start = i + 1;
            }
        }
        if (depth > 0) throw bad(spec, "a \"(\" is never closed");
        parts.add(text.substring(start).strip());
        for (String p : parts) if (p.isEmpty()) throw bad(spec, "an empty part between commas");
        return parts;
    }

    private static int number(String spec, String part, String digits) {
        return number(spec, part, digits, 1);
    }

    private static int number(String spec, String part, String digits, int least) {
        int n;
        try {
            n = Integer.parseInt(digits.strip());
        } catch (NumberFormatException e) {
            throw bad(spec, "\"" + part + "\" needs a whole number, not \"" + digits + "\"");
        }
        if (n < least) throw bad(spec, "\"" + part + "\" must be at least " + least);
        return n;
    }

    private static IllegalArgumentException bad(String spec, String why) {
        return new IllegalArgumentException("deployment \"" + spec + "\": " + why);
    }

    /** The canonical string: limits at the top when the pools share them, defaults left out. */
    static String format(EngineConfig.Deployment d) {
        List<EngineConfig.Pool> pools = d.pools();
        boolean shared = pools.stream().allMatch(p -> p.maxBatchSequences() == pools.get(0).maxBatchSequences()
                && p.maxBatchTokens() == pools.get(0).maxBatchTokens());
        List<String> parts = new ArrayList<>();
        if (d.unified() != null) parts.add("unified=" + worker(d.unified(), !shared));
        if (d.context() != null) parts.add("ctx=" + worker(d.context(), !shared));
        if (d.generation() != null) parts.add("gen=" + worker(d.generation(), !shared));
        if (shared) parts.addAll(limits(pools.get(0)));
        if (d.maxSequenceTokens() > 0) parts.add("seq=" + d.maxSequenceTokens());
        if (d.mtpTokens() > 0) parts.add("mtp=" + d.mtpTokens());
        if (d.routing() == EngineConfig.Routing.CONVERSATION) parts.add("route=affinity");
        return String.join(",", parts);
    }

    private static String worker(EngineConfig.Pool p, boolean withLimits) {
        List<String> fields = new ArrayList<>();
        fields.add("tp" + p.tensorParallel());
        if (p.expertParallel() > 1) fields.add("ep" + p.expertParallel());
        if (p.attentionDataParallel() > 1) fields.add("dp" + p.attentionDataParallel());
        if (withLimits) fields.addAll(limits(p));
        return p.workers() + "x(" + String.join(",", fields) + ")";
    }

    private static List<String> limits(EngineConfig.Pool p) {
        List<String> l = new ArrayList<>();
        if (p.maxBatchSequences() != EngineConfig.DEFAULT_RUNNING_SEQUENCES) l.add("batch=" + p.maxBatchSequences());
        if (p.maxBatchTokens() != EngineConfig.DEFAULT_BATCH_TOKENS) l.add("tokens=" + p.maxBatchTokens());
        return l;
    }
}
