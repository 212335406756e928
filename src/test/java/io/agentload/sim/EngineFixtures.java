package io.agentload.sim;

/** Requests and engines the engine tests share. */
final class EngineFixtures {

    private EngineFixtures() {
    }

    /** Block hashes of a prompt of {@code tokens} that no other seed's prompt shares. */
    static long[] uniqueHashes(int tokens, long seed) {
        long[] h = new long[tokens / KvBlocks.BLOCK_TOKENS];
        for (int i = 0; i < h.length; i++) h[i] = seed * 1_000_003L + i * 7919L + 1;
        return h;
    }

    /** One H100 serving Llama-3.1-8B with about {@code blocks} KV blocks. */
    static EngineConfig smallCache(int blocks) {
        EngineConfig base = EngineConfig.of("h100x8", "llama-3.1-8b").withTensorParallel(1).withReplicas(1);
        double needed = base.model().weightBytes() + base.activationReserveBytes() + blocks * 16 * 131072.0;
        return base.withMemoryUtilisation(needed / base.system().gpu().hbmBytes());
    }
}
