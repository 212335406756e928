package io.agentload.replay;

import io.agentload.sim.Engine;
import io.agentload.trajectory.PromptLayout;

import java.util.Arrays;

/**
 * The block-hash chain of each agent's requests for the simulator ({@code layout.blockHashesWithOutput(16, salt)}),
 * each continued from the agent's previous chain where the prompts agree, so that a turn costs its new blocks rather
 * than its whole context. Holds one chain per agent, its last request's (0.5 bytes per token of that context), which
 * the engine holds anyway while the request is in flight.
 */
final class BlockChains {

    private record Last(PromptLayout layout, long salt, long[] hashes) {}

    private Last[] last = new Last[0];

    /** The chain of {@code r}, the agent's next request. */
    long[] of(TurnRequest r) {
        int agent = r.agent();
        if (agent >= last.length) last = Arrays.copyOf(last, Math.max(agent + 1, 2 * last.length));
        Last before = last[agent];
        long[] hashes = before == null || before.salt() != r.salt()
                ? r.layout().blockHashesWithOutput(Engine.BLOCK_TOKENS, r.salt())
                : r.layout().blockHashesWithOutput(Engine.BLOCK_TOKENS, r.salt(), before.layout(), before.hashes());
        last[agent] = new Last(r.layout(), r.salt(), hashes);
        return hashes;
    }
}
