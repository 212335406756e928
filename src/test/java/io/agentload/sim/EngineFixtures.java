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

    /**
     * Sends the 1,600-token contexts of seeds 3 and then 0 again from {@code t}, one after the other, and returns the
     * tokens each found cached: after four contexts (seeds 0 to 3) in a cache with room for about three, the most
     * recent is still there and the oldest is not.
     */
    static int[] cachedOnResendingNewestThenOldest(Engine engine, EngineTest.Recorder rec, double t) {
        Engine.Request again0 = new Engine.Request("again0", 1600, uniqueHashes(1600, 0), 1);
        Engine.Request again3 = new Engine.Request("again3", 1600, uniqueHashes(1600, 3), 1);
        engine.submit(again3, t);
        t = engine.drain(t, rec);
        engine.submit(again0, t);
        engine.drain(t, rec);
        return new int[] {rec.usage.get(again3).cachedTokens(), rec.usage.get(again0).cachedTokens()};
    }
}
