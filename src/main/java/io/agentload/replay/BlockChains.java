package io.agentload.replay;

import io.agentload.sim.Engine;
import io.agentload.trajectory.PromptLayout;

import java.util.Arrays;

/**
 * The block-hash chain of each lane's requests for the simulator ({@code layout.blockHashesWithOutput(16, salt)}),
 * each continued from the lane's previous chain where the prompts agree, so that a turn costs its new blocks rather
 * than its whole context. Holds one chain per lane (an agent's, or a subagent's beside it), its last request's (0.5
 * bytes per token of that context), which the engine holds anyway while the request is in flight.
 */
final class BlockChains {

    private record Last(PromptLayout layout, long salt, long[] hashes) {}

    private Last[] last = new Last[0];

    /** The chain of {@code r}, its lane's next request. */
    long[] of(TurnRequest r) {
        int lane = r.lane();
        if (lane >= last.length) last = Arrays.copyOf(last, Math.max(lane + 1, 2 * last.length));
        Last before = last[lane];
        long[] hashes = before == null || before.salt() != r.salt()
                ? r.layout().blockHashesWithOutput(Engine.BLOCK_TOKENS, r.salt())
                : r.layout().blockHashesWithOutput(Engine.BLOCK_TOKENS, r.salt(), before.layout(), before.hashes());
        last[lane] = new Last(r.layout(), r.salt(), hashes);
        return hashes;
    }
}
