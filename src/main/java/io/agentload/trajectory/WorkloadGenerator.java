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
 * runs), because the real traces show exactly that: a tight body and rare values ten times larger. The harness
 * compacts once a prompt would pass the shape's compaction point ({@code compactionThreshold} of the limit).
 *
 * <h2>Subagents</h2>
 * When the shape's {@link WorkloadShape.Subagents#spawnsPerTurn()} is above 0, each turn of a session but its last
 * spawns a Poisson number of subagent sessions, with ids {@code <parent>/t<turn>.<j>}, that name the parent and the
 * turn they follow ({@link Turn#parentSessionId()}, {@link Turn#parentTurn()}). A subagent shares the parent's
 * shared prefix and language, opens with the subagents' task prompt and grows like any session. Its draws come from
 * streams of their own, so turning subagents on leaves every parent session as it was. The mean input is met by the
 * top-level sessions alone; {@link #sessions(int, long)} lists each parent followed by its subagents.
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
    /** The shape subagent sessions are drawn from: the subagents' turns and task prompt, the rest the parent's. */
    private final WorkloadShape subagentShape;

    /** Salts that give subagent counts and subagent sessions streams apart from the parents' (arbitrary constants). */
    private static final long SPAWN_SALT = 0x13198A2E03707344L, SUBAGENT_SALT = 0xA4093822299F31D0L;

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
        WorkloadShape.Subagents subagents = shape.subagents();
        this.subagentShape = shape.withSessionTurns(subagents.sessionTurns()).withMaxTurns(subagents.maxTurns())
                .withTaskPromptTokens(subagents.taskPromptTokens());
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
        return unrolled(plan(seed, index), shape, "gen-" + Long.toUnsignedString(seed) + "-" + index, "", -1);
    }

    /**
     * The subagent sessions that session {@code index} of {@code seed} spawns, in the order of the parent turns they
     * follow; none unless the shape's subagents spawn.
     */
    public List<Session> subagents(int index, long seed) {
        return shape.subagents().spawnsPerTurn() == 0 ? List.of() : subagents(session(index, seed), index, seed);
    }

    private List<Session> subagents(Session parent, int index, long seed) {
        double rate = shape.subagents().spawnsPerTurn();
        if (rate == 0) return List.of();
        SeededRandom spawns = new SeededRandom(seed ^ SPAWN_SALT, index);
        List<Session> subagents = new ArrayList<>();
        String[] language = {parent.language()};
        double[] weight = {1};
        for (int k = 0; k < parent.turns().size() - 1; k++) {
            for (int j = 0, n = poisson(rate, spawns); j < n; j++) {
                long stream = (long) index << 24 | (long) k << 8 | j;
                SessionPlan plan = SessionPlan.draw(subagentShape, language, weight, seed ^ SUBAGENT_SALT, stream);
                subagents.add(unrolled(plan, subagentShape, parent.sessionId() + "/t" + k + "." + j,
                        parent.sessionId(), k));
            }
        }
        return subagents;
    }

    /** A session of the plan's draws, its turns grown by this generator's tool-output scale. */
    private Session unrolled(SessionPlan plan, WorkloadShape from, String sessionId, String parent, int parentTurn) {
        int[] input = new int[plan.turns()], reused = new int[plan.turns()];
        plan.unroll(from, toolOutputScale, input, reused);
        List<Turn> turns = new ArrayList<>(plan.turns());
        for (int k = 0; k < plan.turns(); k++) {
            turns.add(new Turn(sessionId, k, plan.language, input[k], reused[k], from.sharedPrefixId(),
                    from.sharedPrefixTokens(), plan.outputTokens[k], plan.toolTimeMs[k], List.of(), parent, parentTurn,
                    Turn.impliedCompaction(k, reused[k])));
        }
        return new Session(sessionId, plan.language, turns);
    }

    /**
     * A Poisson count of mean {@code mean} (Knuth's product of uniforms: a few draws at the small means here). At
     * most 255 (a subagent's stream keeps 8 bits for it).
     */
    static int poisson(double mean, SeededRandom random) {
        double limit = StrictMath.exp(-mean), product = random.nextDouble();
        int n = 0;
        while (product > limit && n < 255) {
            n++;
            product *= random.nextDouble();
        }
        return n;
    }

    /** Sessions {@code 0 .. count-1} of the workload seeded with {@code seed}, each followed by its subagents. */
    public List<Session> sessions(int count, long seed) {
        if (count < 0) throw new IllegalArgumentException("session count " + count + " < 0");
        List<Session> sessions = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Session parent = session(i, seed);
            sessions.add(parent);
            sessions.addAll(subagents(parent, i, seed));
        }
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
