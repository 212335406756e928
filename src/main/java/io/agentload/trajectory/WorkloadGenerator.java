package io.agentload.trajectory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Seeded, deterministic synthetic coding-agent sessions of a {@link WorkloadShape}: same shape and seed, same turns,
 * on every run and JVM. Session {@code i} depends only on the shape, the seed and {@code i}, so the first 100 of
 * 10,000 sessions are the 100 sessions of a smaller run, and an agent can draw session {@code i} when it needs it.
 *
 * <pre>{@code
 * WorkloadGenerator generator = WorkloadGenerator.of(WorkloadShape.codingAgent());
 * List<Session> sessions = generator.sessions(1_000, 42);
 * }</pre>
 *
 * <h2>The model</h2>
 * A session has a language (drawn by the shape's weights) and a number of turns (log-normal, at most
 * {@code maxTurns}). Turn 0's prompt is the shared prefix followed by a task prompt; it reuses nothing. Every later
 * turn's prompt is the previous prompt, the previous output (the assistant's tool call or edit) and the new tokens
 * the harness appends (tool results, messages), so it reuses exactly the previous prompt plus output. When that
 * would exceed the context limit, the harness compacts instead, as OpenCode does: the prompt becomes the shared
 * prefix and a summary, and reuses nothing. Output tokens and tool times are drawn per turn from two-component
 * log-normal mixtures (a body of short tool calls and quick commands, a tail of long reasoning and of test or build
 * runs), because the real traces show exactly that: a tight body and rare values ten times larger.
 *
 * <h2>How the mean input is met</h2>
 * The mean input over all turns is a turn-weighted mean of a growing context, so it depends on everything at once:
 * the session-length spread (long sessions contribute many large prompts), output lengths, tool output and
 * compaction. It cannot be set in closed form. New tokens at turn {@code k} are
 * {@code scale * exp(sigmaAcross * z_session) * exp(sigmaWithin * z_k)}, capped at {@code maxToolOutputTokens}, and
 * the mean input rises with {@code scale}. The generator draws a fixed pilot of 20,000 sessions once, then searches
 * {@code scale} until the pilot's mean input equals the shape's {@code meanInputTokens}; {@link
 * #medianToolOutputTokens()} reports the result (about 120 tokens for the default shape, close to the ~130 tokens
 * per turn of the SWE sessions in the AA traces). A target that no scale reaches is refused with the reachable range.
 * Generated samples then scatter around the target as real samples do: about 2% for 2,000 sessions.
 */
final class WorkloadGenerator {

    private final WorkloadShape shape;
    private final String[] languages;
    private final double[] cumulativeWeights;
    private final double toolOutputScale;

    private WorkloadGenerator(WorkloadShape shape) {
        this.shape = shape;
        this.languages = shape.languageWeights().keySet().toArray(String[]::new);
        this.cumulativeWeights = new double[languages.length];
        double total = 0;
        int i = 0;
        for (Map.Entry<String, Double> e : shape.languageWeights().entrySet()) {
            total += e.getValue();
            cumulativeWeights[i++] = total;
        }
        List<SessionPlan> pilot = IntStream.range(0, MeanInputCalibration.PILOT_SESSIONS)
                .mapToObj(index -> plan(MeanInputCalibration.PILOT_SEED, index))
                .toList();
        this.toolOutputScale = MeanInputCalibration.toolOutputScale(shape, pilot);
    }

    /**
     * A generator for {@code shape}, calibrated so that its sessions meet the shape's mean input.
     *
     * @throws IllegalArgumentException when no tool-output size reaches the mean input (the message gives the range)
     */
    public static WorkloadGenerator of(WorkloadShape shape) {
        if (shape == null) throw new IllegalArgumentException("WorkloadShape is null");
        return new WorkloadGenerator(shape);
    }

    /** The shape this generator draws from. */
    public WorkloadShape shape() {
        return shape;
    }

    /** New tokens per turn of a median session at a median turn, solved to meet the shape's mean input. */
    public double medianToolOutputTokens() {
        return toolOutputScale;
    }

    /** Session {@code index} (from 0) of the workload seeded with {@code seed}, with id {@code gen-<seed>-<index>}. */
    public Session session(int index, long seed) {
        if (index < 0) throw new IllegalArgumentException("session index " + index + " < 0");
        SessionPlan plan = plan(seed, index);
        int[] input = new int[plan.turns()], reused = new int[plan.turns()];
        plan.unroll(shape, toolOutputScale, input, reused);
        String sessionId = "gen-" + Long.toUnsignedString(seed) + "-" + index;
        List<Turn> turns = new ArrayList<>(plan.turns());
        for (int k = 0; k < plan.turns(); k++) {
            turns.add(new Turn(sessionId, k, plan.language, input[k], reused[k], shape.sharedPrefixId(),
                    shape.sharedPrefixTokens(), plan.outputTokens[k], plan.toolTimeMs[k], List.of()));
        }
        return new Session(sessionId, plan.language, turns);
    }

    /** Sessions {@code 0 .. count-1} of the workload seeded with {@code seed}. */
    public List<Session> sessions(int count, long seed) {
        if (count < 0) throw new IllegalArgumentException("session count " + count + " < 0");
        List<Session> sessions = new ArrayList<>(count);
        for (int i = 0; i < count; i++) sessions.add(session(i, seed));
        return sessions;
    }

    /** The turns of {@link #sessions(int, long)}, session after session: the rows of a turn table. */
    public List<Turn> turns(int count, long seed) {
        List<Turn> turns = new ArrayList<>();
        for (Session s : sessions(count, seed)) turns.addAll(s.turns());
        return turns;
    }

    private SessionPlan plan(long seed, int index) {
        return SessionPlan.draw(shape, languages, cumulativeWeights, seed, index);
    }
}
