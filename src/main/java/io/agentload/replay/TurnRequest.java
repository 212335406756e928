package io.agentload.replay;

import io.agentload.trajectory.PromptLayout;
import io.agentload.trajectory.Turn;

/**
 * What an agent asks its driver to send now: the turn, where every token of its prompt comes from, the replay salt
 * that makes this replay's tokens its own, and the output length to force ({@code max_tokens} with
 * {@code ignore_eos}/{@code min_tokens}). A driver builds token ids or block hashes from {@code layout} and
 * {@code salt}, sends, and reports a record built from {@link #record()}.
 *
 * @param trial     the trial
 * @param agent     the sending agent: the top-level agent whose work this is, also for a subagent's request
 * @param lane      the agent's lane the request is sent on: the agent's own number for its top-level session, a
 *                  number of its own for each subagent running beside it ({@link AgentPool}); a driver keys the
 *                  agent's requests in flight, wake-ups and connections by it
 * @param turn      the turn replayed
 * @param layout    the turn's prompt layout
 * @param salt      the (agent, session) replay's salt
 * @param maxTokens output tokens to force: the turn's output tokens, at least 1 (APIs reject {@code max_tokens} 0)
 * @param phase     the phase the send time falls in
 * @param sendTime  when the agent sends, on the run's clock
 * @param primedTokens leading prompt tokens the target should hold cached before it serves the request, as a fleet
 *                  mid-session would: set on an agent's first request of a primed trial ({@link AgentPool}), else 0
 */
record TurnRequest(int trial, int agent, int lane, Turn turn, PromptLayout layout, long salt, int maxTokens,
                   RequestRecord.Phase phase, double sendTime, int primedTokens) {

    /** A request the target is not asked to prime ({@link #withPrimedTokens}). */
    TurnRequest(int trial, int agent, int lane, Turn turn, PromptLayout layout, long salt, int maxTokens,
                RequestRecord.Phase phase, double sendTime) {
        this(trial, agent, lane, turn, layout, salt, maxTokens, phase, sendTime, 0);
    }

    /** This request, the target asked to hold its first {@code tokens} prompt tokens cached first. */
    TurnRequest withPrimedTokens(int tokens) {
        return new TurnRequest(trial, agent, lane, turn, layout, salt, maxTokens, phase, sendTime, tokens);
    }

    /** A record builder holding this request's identity, phase and send time. */
    RequestRecord.Builder record() {
        return RequestRecord.builder()
                .trial(trial, agent)
                .turn(turn.sessionId(), turn.turn(), salt)
                .parent(turn.parentSessionId(), turn.parentTurn())
                .phase(phase)
                .sendTime(sendTime);
    }
}
