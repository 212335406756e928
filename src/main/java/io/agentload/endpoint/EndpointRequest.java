package io.agentload.endpoint;

import io.agentload.trajectory.PromptLayout;

import java.util.Objects;

/**
 * One turn to send: its prompt layout, the replay salt that keeps this (agent, session) replay's cache apart from
 * every other's, and the output length to force (docs/design.md, "Prompts that repeat their prefix").
 *
 * @param layout       where each prompt token comes from; the prompt has {@code layout.inputTokens()} tokens
 * @param salt         the replay salt; shared-prefix tokens ignore it
 * @param outputTokens tokens to generate: sent as {@code max_tokens} (and {@code min_tokens}, {@code ignore_eos})
 * @param agentId      the agent sending it, for results and error details; each agent's turns share a connection
 *                     of their own; empty when not given
 * @param requestId    sent as the {@code X-Request-Id} header (vLLM and {@code agentload serve} name the request by
 *                     it in their logs, so client and server records can be joined); empty sends none
 * @param primedTokens leading prompt tokens {@code agentload serve} is asked to hold cached before it runs the
 *                     request, as a fleet mid-session would (its simulator-only {@value #PRIMED_TOKENS_HEADER}
 *                     header, sent only when positive; a replay asks only its own simulator, never a real server)
 */
public record EndpointRequest(PromptLayout layout, long salt, int outputTokens, String agentId, String requestId,
                              int primedTokens) {

    /** The simulator-only header asking {@code agentload serve} to cache a request's first tokens first. */
    public static final String PRIMED_TOKENS_HEADER = "X-Agentload-Primed-Tokens";

    public EndpointRequest {
        Objects.requireNonNull(layout, "layout");
        if (outputTokens < 1) {
            throw new IllegalArgumentException("output tokens " + outputTokens + " < 1 for session "
                    + layout.sessionId() + " turn " + layout.turn());
        }
        agentId = agentId == null ? "" : agentId;
        requestId = requestId == null ? "" : requestId;
        if (primedTokens < 0) throw new IllegalArgumentException("primed tokens " + primedTokens + " < 0");
        if (!requestId.isEmpty() && !requestId.matches("[A-Za-z0-9._:/-]{1,200}")) {
            throw new IllegalArgumentException("request id '" + requestId + "' is not 1 to 200 letters, digits or ._:/-");
        }
    }

    /** A request for a turn's layout, with no agent or request id named. */
    public static EndpointRequest of(PromptLayout layout, long salt, int outputTokens) {
        return new EndpointRequest(layout, salt, outputTokens, "", "", 0);
    }

    /** This request, sent by the named agent. */
    public EndpointRequest withAgentId(String agentId) {
        return new EndpointRequest(layout, salt, outputTokens, agentId, requestId, primedTokens);
    }

    /** This request, named {@code requestId} in its {@code X-Request-Id} header. */
    public EndpointRequest withRequestId(String requestId) {
        return new EndpointRequest(layout, salt, outputTokens, agentId, requestId, primedTokens);
    }

    /** This request, asking {@code agentload serve} to hold its first {@code tokens} prompt tokens cached first. */
    public EndpointRequest withPrimedTokens(int tokens) {
        return new EndpointRequest(layout, salt, outputTokens, agentId, requestId, tokens);
    }

    /** The session the turn belongs to. */
    public String sessionId() {
        return layout.sessionId();
    }

    /** The turn's index in its session. */
    public int turn() {
        return layout.turn();
    }

    /** The prompt's length in tokens. */
    public int inputTokens() {
        return layout.inputTokens();
    }

    /** Names the request in error details: agent (when given), session and turn. */
    String describe() {
        return (agentId.isEmpty() ? "" : "agent " + agentId + ", ") + "session " + sessionId() + ", turn " + turn()
                + (requestId.isEmpty() ? "" : ", request " + requestId);
    }
}
