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
 * @param agent     the sending agent
 * @param turn      the turn replayed
 * @param layout    the turn's prompt layout
 * @param salt      the (agent, session) replay's salt
 * @param maxTokens output tokens to force: the turn's output tokens, at least 1 (APIs reject {@code max_tokens} 0)
 * @param phase     the phase the send time falls in
 * @param sendTime  when the agent sends, on the run's clock
 */
record TurnRequest(int trial, int agent, Turn turn, PromptLayout layout, long salt, int maxTokens,
                   RequestRecord.Phase phase, double sendTime) {

    /** A record builder holding this request's identity, phase and send time. */
    RequestRecord.Builder record() {
        return RequestRecord.builder()
                .trial(trial, agent)
                .turn(turn.sessionId(), turn.turn(), salt)
                .phase(phase)
                .sendTime(sendTime);
    }
}
