package io.agentload.trajectory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import static java.util.Collections.unmodifiableSortedMap;

/**
 * Every parameter of the synthetic coding-agent workload: what {@link WorkloadGenerator} draws sessions from.
 * {@link #codingAgent()} is the published shape of AA-AgentPerf's OpenCode trajectories with the agent's rhythm
 * (long-tailed tool times, compaction before the window, subagents); {@link #aaAgentPerf()} is that shape without the
 * rhythm, as the AA traces record it. A notebook copies one and changes what it needs with the {@code with*} methods,
 * e.g. {@code WorkloadShape.codingAgent().withMeanInputTokens(40_000).withMaxTurns(100)}.
 *
 * <p>Token counts are per model call. Distributions are log-normal ({@link LogNormal}), or a mixture of two
 * ({@link Mixture}), because request sizes, tool outputs and tool times in the real traces are spread over orders of
 * magnitude with a long right tail. Values drawn from them are rounded and clamped to the limits below.
 *
 * <p>Where the defaults come from ("AA" is Artificial Analysis; "AA traces" are the 8 real replay traces of
 * {@code ArtificialAnalysis/aa-agentperf-local}, 168 model calls, Apache-2.0):
 *
 * @param meanInputTokens         mean of {@code input_tokens} over all turns of the top-level sessions, the figure
 *                                buyers quote. Default 27,000: AA-AgentPerf's published mean. The generator meets it
 *                                by solving for the typical tool output per turn (see {@link WorkloadGenerator});
 *                                subagent sessions are shorter and lower the mean over all sessions.
 * @param contextLimitTokens      the largest prompt; a turn that would exceed it compacts the context instead.
 *                                Default 131,072: AA-AgentPerf's published maximum input (~131K, a 128 Ki context).
 *                                {@link #withScaledContextLimit} scales the sessions with a longer limit.
 * @param sharedPrefixId          id of the system prompt and tool definitions every session starts with. Default
 *                                {@code "coding-agent"}: one harness, so all sessions share that prefix in cache.
 * @param sharedPrefixTokens      length of that prefix. Default 4,800: with the shortest task prompts, turn 0 starts
 *                                near the ~5K minimum input AA-AgentPerf publishes for OpenCode (the AA traces'
 *                                OpenClaw sessions start at 6.2K to 6.9K recorded tokens, task included).
 * @param taskPromptTokens        the first user message (issue text and repository hints) after the prefix. Default
 *                                median 1,200, sigma 0.5: turn-0 inputs of about 5K to 9K.
 * @param sessionTurns            model calls per session, rounded and clamped to {@code [1, maxTurns]}. Default
 *                                median 20, sigma 0.85: the AA traces' session lengths (5 to 40 calls, median 20.5,
 *                                log-sd 0.86).
 * @param maxTurns                the longest session. Default 200: AA-AgentPerf's published "up to ~200 turns".
 * @param toolOutputSigmaAcrossSessions log-sd of a session's typical tool output (some tasks read whole files,
 *                                others run short commands). Default 1.2: the log-sd between the AA traces'
 *                                per-session geometric means of new tokens per turn.
 * @param toolOutputSigmaWithinSession log-sd of new tokens (tool results, harness messages) from turn to turn within
 *                                a session. Default 1.3: the AA traces' within-session log-sd.
 * @param maxToolOutputTokens     cap on new tokens per turn. Default 12,800: OpenCode truncates a tool result to
 *                                50 KB (its {@code Truncate.output}), about 12,800 tokens at 4 bytes a token.
 * @param outputTokens            tokens generated per call: a body of tool calls and edits and a tail of long
 *                                reasoning bursts, drawn independently per turn (in the AA traces none of the 11
 *                                outputs above 300 tokens directly follows another). Default body median 134,
 *                                sigma 0.8 (the AA traces' log-sd of outputs, 0.84), tail share 10%, tail median
 *                                2,000, sigma 0.6: overall median ~150 and p95 ~2K as AA-AgentPerf publishes (its
 *                                traces ran with reasoning on; the public AA traces store no reasoning, median 73).
 * @param maxOutputTokens         cap on output tokens per call. Default 32,000: OpenCode's {@code OUTPUT_TOKEN_MAX}.
 * @param toolTimeMs              time between a call's last token and the next call (tool execution and harness);
 *                                0 after a session's last turn. Default {@link #longTailToolTimeMs()}: quick
 *                                commands fitted to SWE-agent's recorded {@code execution_time} and a 10% tail of
 *                                builds and tests (median ~0.3 s, p90 ~1.5 s, p99 ~29 s; sources there).
 *                                {@link #aaAgentPerf()} uses {@link #aaTracesToolTimeMs()}, the fit to the AA
 *                                traces' simulated delays (median ~124 ms, p90 ~210 ms), which have no long tail.
 * @param compactionSummaryTokens the summary that replaces the context when it would exceed the limit. Default
 *                                median 2,000, sigma 0.4: OpenCode's compaction asks for what was done, what is in
 *                                progress, which files and what comes next; an assumption, no trace records it.
 * @param languageWeights         relative frequency of each session's primary language (any positive weights;
 *                                they need not sum to 1). Default: pull requests opened per language on GitHub in
 *                                2022 Q3 (GH Archive via GitHut 2.0, {@code madnight/githut}
 *                                {@code src/data/gh-pull-request.json}, its newest quarter) for 15 languages, as a
 *                                proxy for where issue-resolving agents work; AA's own mix is not published.
 * @param compactionThreshold     the share of {@code contextLimitTokens} past which the harness compacts instead of
 *                                growing the prompt. Default {@link #CLAUDE_CODE_COMPACTION_THRESHOLD}, 0.835:
 *                                harnesses compact before the window is full. {@link #aaAgentPerf()} uses 1.0:
 *                                AA-AgentPerf's published maximum input (~131K) is its context limit, so its harness
 *                                runs the window full. Claude Code at the window less min(max output, 20K) less 13K, about 0.835 of 200K
 *                                (anthropics/claude-code issue 31806), Codex CLI at 0.9 of the window (openai/codex
 *                                pull request 5292, {@code auto_compact_token_limit}), OpenCode at the window less
 *                                min(output limit, 32K), about 0.76 of 128K ({@code SessionCompaction.isOverflow} in
 *                                sst/opencode); {@link #CLAUDE_CODE_COMPACTION_THRESHOLD} and
 *                                {@link #CODEX_COMPACTION_THRESHOLD} name two.
 * @param subagents               the subagent sessions a turn spawns (fork/join, as Claude Code's Task tool does).
 *                                Default {@code Subagents.spawning(}{@link #SUBAGENTS_PER_TURN}{@code )}, one
 *                                subagent after one turn in 20: an assumption, as no public per-turn spawn rate was
 *                                found (the AgentX "with-subagents" corpus, SemiAnalysis cc-traces-weka as replayed
 *                                by ai-dynamo/aiperf, records them and is the data to fit it to).
 *                                {@link #aaAgentPerf()} uses {@link Subagents#NONE}: the AA traces have none.
 */
public record WorkloadShape(
        int meanInputTokens,
        int contextLimitTokens,
        String sharedPrefixId,
        int sharedPrefixTokens,
        LogNormal taskPromptTokens,
        LogNormal sessionTurns,
        int maxTurns,
        double toolOutputSigmaAcrossSessions,
        double toolOutputSigmaWithinSession,
        int maxToolOutputTokens,
        Mixture outputTokens,
        int maxOutputTokens,
        Mixture toolTimeMs,
        LogNormal compactionSummaryTokens,
        SortedMap<String, Double> languageWeights,
        double compactionThreshold,
        Subagents subagents) {

    /**
     * A log-normal distribution by its median and the standard deviation of its natural logarithm: a value is
     * {@code median * exp(sigma * z)} for a standard normal {@code z}.
     */
    public record LogNormal(double median, double sigma) {

        public LogNormal {
            if (!(median > 0) || !Double.isFinite(median)) {
                throw new IllegalArgumentException("LogNormal median must be positive and finite, was " + median);
            }
            if (!(sigma >= 0) || !Double.isFinite(sigma)) {
                throw new IllegalArgumentException("LogNormal sigma must be finite and >= 0, was " + sigma);
            }
        }

        /** The value at standard normal deviate {@code z}. */
        public double at(double z) {
            return median * StrictMath.exp(sigma * z);
        }
    }

    /** Claude Code's auto-compaction point on a 200K window: (200K - 20K - 13K) / 200K (see compactionThreshold). */
    public static final double CLAUDE_CODE_COMPACTION_THRESHOLD = 0.835;
    /** Codex CLI's default auto-compaction point: 90% of the window (see compactionThreshold). */
    public static final double CODEX_COMPACTION_THRESHOLD = 0.9;
    /** {@link #codingAgent()}'s mean subagents spawned per turn, an assumption (see subagents). */
    public static final double SUBAGENTS_PER_TURN = 0.05;

    /**
     * How a turn spawns subagent sessions: after each turn but the last, a Poisson number of subagents with mean
     * {@code spawnsPerTurn} starts; each is a session of its own that shares the parent's harness prefix (the
     * AgentX traces record a subagent's system and tool tokens equal to its parent's, and AIPerf's AgentX FAQ says
     * prefixes are shared across a session's subagents), opens with a delegation prompt, and runs turns grown like
     * the parent's (same tool output, output lengths, tool times and compaction). They run while the parent waits,
     * and the parent's next turn waits for all of them, as Claude Code's Task tool and AIPerf's SPAWN/JOIN replay do.
     *
     * @param spawnsPerTurn    mean subagents started after a turn; 0 turns subagents off
     * @param sessionTurns     model calls per subagent session. {@link #spawning} uses median 8, sigma 0.7: an
     *                         assumption (a subagent explores or edits a few files and reports), no public figure
     * @param maxTurns         the longest subagent session. {@link #spawning} uses 50
     * @param taskPromptTokens the parent's instructions that open a subagent session, after the shared prefix.
     *                         {@link #spawning} uses median 600, sigma 0.5: an assumption
     */
    public record Subagents(double spawnsPerTurn, LogNormal sessionTurns, int maxTurns, LogNormal taskPromptTokens) {

        /** No subagents. */
        public static final Subagents NONE = spawning(0);

        public Subagents {
            if (!(spawnsPerTurn >= 0 && spawnsPerTurn <= 8)) {
                throw new IllegalArgumentException("Subagents.spawnsPerTurn must be in [0, 8], was " + spawnsPerTurn);
            }
            if (sessionTurns == null || taskPromptTokens == null) {
                throw new IllegalArgumentException("Subagents distribution is null");
            }
            if (maxTurns <= 0) {
                throw new IllegalArgumentException("Subagents.maxTurns must be positive, was " + maxTurns);
            }
        }

        /** The documented subagent shape at another rate. */
        public static Subagents spawning(double spawnsPerTurn) {
            return new Subagents(spawnsPerTurn, new LogNormal(8, 0.7), 50, new LogNormal(600, 0.5));
        }
    }

    /**
     * Tool times with the long tail of coding-agent tool calls, for {@code withToolTimeMs}: a body of quick commands,
     * median 280 ms and sigma 0.65 (a fit to SWE-agent's recorded {@code execution_time}, 40 steps of its public
     * demonstration trajectories: geometric mean 0.28 s, log-sd 0.65), and 10% test, build and install runs, median
     * 8 s and sigma 1.0 (8 s is the mean of the agentic tool-call latency example in the conversation-replay guide
     * of kubernetes-sigs/inference-perf; the sigma puts the tail's 99th percentile, 82 s, under Claude Code's
     * 2-minute default Bash timeout, {@code utils/timeouts.ts}). Overall median about 0.3 s, 90th percentile about
     * 1.5 s, 99th about 29 s, mean about 1.6 s. The share and the tail are assumptions anchored on those figures: no
     * public trace of tool durations with real builds and tests was found.
     */
    public static Mixture longTailToolTimeMs() {
        return new Mixture(new LogNormal(280, 0.65), 0.10, new LogNormal(8_000, 1.0));
    }

    /**
     * Tool times as the AA traces record them, {@link #aaAgentPerf()}'s: a body median 123 ms, sigma 0.32 (quick
     * commands), tail share 5.4%, tail median 1,373 ms, sigma 0.63: a fit to the AA traces'
     * {@code simulated_tool_delay_ms_after} (53/214/4,312 ms min/mean/max; the fit's mean is 213 ms). SWE-agent's
     * recorded {@code execution_time} is similar (median 240 ms, max 2 s over 40 steps); neither has real builds.
     */
    public static Mixture aaTracesToolTimeMs() {
        return new Mixture(new LogNormal(123, 0.32), 0.054, new LogNormal(1_373, 0.63));
    }

    /**
     * Where tool times come from, as {@code --tool-time} names them: {@code recorded} (as the trajectory holds them;
     * for a generated workload, {@link #aaTracesToolTimeMs()}, the fit to the recorded AA traces),
     * {@code generated} (drawn from {@link #longTailToolTimeMs()}) or {@code fixed:DURATION} (every tool call takes
     * that long). Nothing follows a session's last call, so its tool time stays 0.
     *
     * @param kind  which of the three
     * @param fixed the duration of every tool call for {@link Kind#FIXED}, else zero
     */
    public record ToolTimes(Kind kind, java.time.Duration fixed) {

        /** The three sources. */
        public enum Kind { RECORDED, GENERATED, FIXED }

        /** Tool times as recorded (for a generated workload, as the AA traces record them). */
        public static final ToolTimes RECORDED = new ToolTimes(Kind.RECORDED, java.time.Duration.ZERO);
        /** Tool times drawn from {@link #longTailToolTimeMs()}. */
        public static final ToolTimes GENERATED = new ToolTimes(Kind.GENERATED, java.time.Duration.ZERO);

        /** Salt of the stream that redraws a session's tool times (an arbitrary constant). */
        private static final long SALT = 0x082EFA98EC4E6C89L;

        public ToolTimes {
            if (kind == null || fixed == null) throw new IllegalArgumentException("ToolTimes kind or duration is null");
            if (fixed.isNegative()) throw new IllegalArgumentException("fixed tool time " + fixed + " < 0");
            if (kind != Kind.FIXED && !fixed.isZero()) {
                throw new IllegalArgumentException("a duration is for fixed tool times only, not " + kind);
            }
        }

        /** Every tool call takes {@code duration} (milliseconds are kept, finer parts dropped). */
        public static ToolTimes fixed(java.time.Duration duration) {
            return new ToolTimes(Kind.FIXED,
                    duration == null ? null : java.time.Duration.ofMillis(duration.toMillis()));
        }

        /** {@code shape} with its tool times from this source. */
        public WorkloadShape applyTo(WorkloadShape shape) {
            return switch (kind) {
                case RECORDED -> shape.withToolTimeMs(aaTracesToolTimeMs());
                case GENERATED -> shape.withToolTimeMs(longTailToolTimeMs());
                case FIXED -> {
                    // a log-normal of sigma 0 is its median; the smallest positive median rounds to 0 ms
                    LogNormal constant = new LogNormal(Math.max(fixed.toMillis(), Double.MIN_NORMAL), 0);
                    yield shape.withToolTimeMs(new Mixture(constant, 0, constant));
                }
            };
        }

        /**
         * The sessions with every turn's tool time from this source; generated ones are drawn from a stream of
         * {@code seed} and the session's position in the list, so the same sessions and seed give the same times.
         */
        public List<Session> applyTo(List<Session> sessions, long seed) {
            if (kind == Kind.RECORDED) return List.copyOf(sessions);
            Mixture generated = longTailToolTimeMs();
            List<Session> out = new ArrayList<>(sessions.size());
            for (int i = 0; i < sessions.size(); i++) {
                Session s = sessions.get(i);
                SeededRandom random = new SeededRandom(seed ^ SALT, i);
                List<Turn> turns = new ArrayList<>(s.turns().size());
                for (Turn t : s.turns()) {
                    long ms = t.turn() == s.turns().size() - 1 ? 0 : kind == Kind.FIXED ? fixed.toMillis()
                            : SessionPlan.clamp(SessionPlan.mixture(generated, random), 0, Long.MAX_VALUE);
                    turns.add(t.withToolTimeMs(ms));
                }
                out.add(new Session(s.sessionId(), s.language(), turns));
            }
            return List.copyOf(out);
        }

        @Override
        public String toString() {
            return kind == Kind.FIXED ? "fixed:" + fixed.toMillis() + "ms" : kind.name().toLowerCase(Locale.ROOT);
        }

        /**
         * The source {@link #toString()} names ({@code recorded}, {@code generated} or {@code fixed:<N>ms}), as a
         * run folder records it; the command line also takes other durations ({@code fixed:2.5s}).
         *
         * @throws IllegalArgumentException for any other text
         */
        public static ToolTimes parse(String text) {
            String s = text.strip().toLowerCase(Locale.ROOT);
            if (s.equals("recorded")) return RECORDED;
            if (s.equals("generated")) return GENERATED;
            if (s.matches("fixed:[0-9]{1,15}ms")) {
                return fixed(java.time.Duration.ofMillis(Long.parseLong(s.substring(6, s.length() - 2))));
            }
            throw new IllegalArgumentException("'" + text + "' is not a tool-time source (recorded, generated or "
                    + "fixed:<N>ms)");
        }
    }

    /** A value drawn from {@code tail} with probability {@code tailShare}, else from {@code body}. */
    public record Mixture(LogNormal body, double tailShare, LogNormal tail) {

        public Mixture {
            if (body == null || tail == null) throw new IllegalArgumentException("Mixture component is null");
            if (!(tailShare >= 0 && tailShare <= 1)) {
                throw new IllegalArgumentException("Mixture tailShare must be in [0, 1], was " + tailShare);
            }
        }
    }

    public WorkloadShape {
        positive("meanInputTokens", meanInputTokens);
        positive("contextLimitTokens", contextLimitTokens);
        positive("maxTurns", maxTurns);
        positive("maxToolOutputTokens", maxToolOutputTokens);
        positive("maxOutputTokens", maxOutputTokens);
        if (sharedPrefixTokens < 0 || sharedPrefixTokens >= contextLimitTokens) {
            throw new IllegalArgumentException("WorkloadShape.sharedPrefixTokens " + sharedPrefixTokens
                    + " must be in [0, contextLimitTokens " + contextLimitTokens + ")");
        }
        sigma("toolOutputSigmaAcrossSessions", toolOutputSigmaAcrossSessions);
        sigma("toolOutputSigmaWithinSession", toolOutputSigmaWithinSession);
        present("sharedPrefixId", sharedPrefixId);
        present("taskPromptTokens", taskPromptTokens);
        present("sessionTurns", sessionTurns);
        present("outputTokens", outputTokens);
        present("toolTimeMs", toolTimeMs);
        present("compactionSummaryTokens", compactionSummaryTokens);
        present("languageWeights", languageWeights);
        present("subagents", subagents);
        if (!(compactionThreshold > 0 && compactionThreshold <= 1)) {
            throw new IllegalArgumentException("WorkloadShape.compactionThreshold must be in (0, 1], was "
                    + compactionThreshold);
        }
        if (sharedPrefixTokens >= compactionThreshold * contextLimitTokens) {
            throw new IllegalArgumentException("WorkloadShape.sharedPrefixTokens " + sharedPrefixTokens
                    + " must be below the compaction point " + compactionThreshold + " x " + contextLimitTokens);
        }
        TreeMap<String, Double> weights = new TreeMap<>();
        for (Map.Entry<String, Double> e : languageWeights.entrySet()) {
            Double w = e.getValue();
            if (e.getKey() == null || e.getKey().isBlank() || w == null || !(w > 0) || !Double.isFinite(w)) {
                throw new IllegalArgumentException("WorkloadShape.languageWeights: language '" + e.getKey()
                        + "' has weight " + w + "; weights must be positive");
            }
            weights.put(e.getKey(), w);
        }
        if (weights.isEmpty()) throw new IllegalArgumentException("WorkloadShape.languageWeights is empty");
        languageWeights = unmodifiableSortedMap(weights);
    }

    /**
     * The published shape of AA-AgentPerf's coding-agent workload with the agent's rhythm: tool times with the long
     * tail of builds and tests, compaction at Claude Code's point, subagents at {@link #SUBAGENTS_PER_TURN} per turn.
     * Each default's source is on its parameter. {@code agentload generate --sessions 300 --seed 42} makes the
     * shipped {@code data/coding-agent-sample.parquet} from it.
     */
    public static WorkloadShape codingAgent() {
        return aaAgentPerf().withToolTimeMs(longTailToolTimeMs())
                .withCompactionThreshold(CLAUDE_CODE_COMPACTION_THRESHOLD)
                .withSubagents(Subagents.spawning(SUBAGENTS_PER_TURN));
    }

    /**
     * The published shape of AA-AgentPerf's coding-agent workload as its traces record it, without the rhythm
     * {@link #codingAgent()} adds: tool times {@link #aaTracesToolTimeMs()}, the window run full (threshold 1.0), no
     * subagents. The sample shipped before the rhythm was {@code generate --sessions 300 --seed 42 --tool-time
     * recorded --compaction-threshold 1 --subagents 0}, this shape's 300 sessions of seed 42.
     */
    public static WorkloadShape aaAgentPerf() {
        TreeMap<String, Double> languages = new TreeMap<>();
        languages.put("python", 123_399.0);
        languages.put("java", 81_045.0);
        languages.put("c++", 75_516.0);
        languages.put("go", 71_121.0);
        languages.put("javascript", 68_390.0);
        languages.put("typescript", 57_075.0);
        languages.put("php", 37_089.0);
        languages.put("ruby", 36_443.0);
        languages.put("c", 31_452.0);
        languages.put("c#", 26_794.0);
        languages.put("scala", 18_386.0);
        languages.put("shell", 17_776.0);
        languages.put("kotlin", 10_102.0);
        languages.put("rust", 9_808.0);
        languages.put("swift", 6_522.0);
        return new WorkloadShape(
                27_000,
                131_072,
                "coding-agent",
                4_800,
                new LogNormal(1_200, 0.5),
                new LogNormal(20, 0.85),
                200,
                1.2,
                1.3,
                12_800,
                new Mixture(new LogNormal(134, 0.8), 0.10, new LogNormal(2_000, 0.6)),
                32_000,
                aaTracesToolTimeMs(),
                new LogNormal(2_000, 0.4),
                languages,
                1.0,
                Subagents.NONE);
    }

    /** A copy with another mean input over all turns; the typical tool output is solved again to meet it. */
    public WorkloadShape withMeanInputTokens(int meanInputTokens) {
        return new WorkloadShape(meanInputTokens, contextLimitTokens, sharedPrefixId, sharedPrefixTokens,
                taskPromptTokens, sessionTurns, maxTurns, toolOutputSigmaAcrossSessions, toolOutputSigmaWithinSession,
                maxToolOutputTokens, outputTokens, maxOutputTokens, toolTimeMs, compactionSummaryTokens,
                languageWeights, compactionThreshold, subagents);
    }

    /**
     * A copy with another context limit (largest prompt before compaction) and nothing else changed: sessions as long
     * as before, so a longer limit mostly compacts less. {@link #withScaledContextLimit} lengthens them to fill it.
     */
    public WorkloadShape withContextLimitTokens(int contextLimitTokens) {
        return new WorkloadShape(meanInputTokens, contextLimitTokens, sharedPrefixId, sharedPrefixTokens,
                taskPromptTokens, sessionTurns, maxTurns, toolOutputSigmaAcrossSessions, toolOutputSigmaWithinSession,
                maxToolOutputTokens, outputTokens, maxOutputTokens, toolTimeMs, compactionSummaryTokens,
                languageWeights, compactionThreshold, subagents);
    }

    /**
     * A copy for a longer (or shorter) context window, with the sessions scaled to fill it as this shape fills its
     * own. With {@code s = contextLimitTokens / contextLimitTokens()}: the median session length and the longest
     * session are multiplied by {@code s}, and so is the mean input's growth past the first prompt (shared prefix
     * plus median task prompt), the part that more turns lengthen. Everything per turn stays: output lengths, tool
     * times, the shared prefix, task prompts, compaction summaries, and new tokens per turn (the solved tool output
     * comes out within 10%: fewer sessions compact). Contexts grow by the same tokens per turn for {@code s} times
     * as many turns, so sessions reach {@code s} times the context. For example
     * {@code codingAgent().withScaledContextLimit(1_048_576)}: median 160 turns, up to 1,600, mean input
     * 6,000 + 8 x 21,000 = 174,000. This shape's own limit returns this shape unchanged.
     *
     * @throws IllegalArgumentException when the limit is not positive or does not exceed the shared prefix
     */
    public WorkloadShape withScaledContextLimit(int contextLimitTokens) {
        if (contextLimitTokens == this.contextLimitTokens) return this;
        positive("contextLimitTokens", contextLimitTokens);
        double s = (double) contextLimitTokens / this.contextLimitTokens;
        double firstPrompt = sharedPrefixTokens + taskPromptTokens.median();
        long meanInput = Math.round(firstPrompt + (meanInputTokens - firstPrompt) * s);
        return new WorkloadShape((int) Math.max(1, meanInput), contextLimitTokens,
                sharedPrefixId, sharedPrefixTokens, taskPromptTokens,
                new LogNormal(sessionTurns.median() * s, sessionTurns.sigma()), (int) Math.max(1, Math.round(maxTurns * s)),
                toolOutputSigmaAcrossSessions, toolOutputSigmaWithinSession, maxToolOutputTokens, outputTokens,
                maxOutputTokens, toolTimeMs, compactionSummaryTokens,
                languageWeights, compactionThreshold, subagents);
    }

    /** A copy with another shared prefix (system prompt and tool definitions) id and length. */
    public WorkloadShape withSharedPrefix(String sharedPrefixId, int sharedPrefixTokens) {
        return new WorkloadShape(meanInputTokens, contextLimitTokens, sharedPrefixId, sharedPrefixTokens,
                taskPromptTokens, sessionTurns, maxTurns, toolOutputSigmaAcrossSessions, toolOutputSigmaWithinSession,
                maxToolOutputTokens, outputTokens, maxOutputTokens, toolTimeMs, compactionSummaryTokens,
                languageWeights, compactionThreshold, subagents);
    }

    /** A copy with another distribution of the first user message's length. */
    public WorkloadShape withTaskPromptTokens(LogNormal taskPromptTokens) {
        return new WorkloadShape(meanInputTokens, contextLimitTokens, sharedPrefixId, sharedPrefixTokens,
                taskPromptTokens, sessionTurns, maxTurns, toolOutputSigmaAcrossSessions, toolOutputSigmaWithinSession,
                maxToolOutputTokens, outputTokens, maxOutputTokens, toolTimeMs, compactionSummaryTokens,
                languageWeights, compactionThreshold, subagents);
    }

    /** A copy with another distribution of model calls per session. */
    public WorkloadShape withSessionTurns(LogNormal sessionTurns) {
        return new WorkloadShape(meanInputTokens, contextLimitTokens, sharedPrefixId, sharedPrefixTokens,
                taskPromptTokens, sessionTurns, maxTurns, toolOutputSigmaAcrossSessions, toolOutputSigmaWithinSession,
                maxToolOutputTokens, outputTokens, maxOutputTokens, toolTimeMs, compactionSummaryTokens,
                languageWeights, compactionThreshold, subagents);
    }

    /** A copy with another longest session. */
    public WorkloadShape withMaxTurns(int maxTurns) {
        return new WorkloadShape(meanInputTokens, contextLimitTokens, sharedPrefixId, sharedPrefixTokens,
                taskPromptTokens, sessionTurns, maxTurns, toolOutputSigmaAcrossSessions, toolOutputSigmaWithinSession,
                maxToolOutputTokens, outputTokens, maxOutputTokens, toolTimeMs, compactionSummaryTokens,
                languageWeights, compactionThreshold, subagents);
    }

    /** A copy with other spreads of tool output: between sessions and from turn to turn within one. */
    public WorkloadShape withToolOutputSigmas(double acrossSessions, double withinSession) {
        return new WorkloadShape(meanInputTokens, contextLimitTokens, sharedPrefixId, sharedPrefixTokens,
                taskPromptTokens, sessionTurns, maxTurns, acrossSessions, withinSession,
                maxToolOutputTokens, outputTokens, maxOutputTokens, toolTimeMs, compactionSummaryTokens,
                languageWeights, compactionThreshold, subagents);
    }

    /** A copy with another cap on new tokens per turn. */
    public WorkloadShape withMaxToolOutputTokens(int maxToolOutputTokens) {
        return new WorkloadShape(meanInputTokens, contextLimitTokens, sharedPrefixId, sharedPrefixTokens,
                taskPromptTokens, sessionTurns, maxTurns, toolOutputSigmaAcrossSessions, toolOutputSigmaWithinSession,
                maxToolOutputTokens, outputTokens, maxOutputTokens, toolTimeMs, compactionSummaryTokens,
                languageWeights, compactionThreshold, subagents);
    }

    /** A copy with another distribution of output tokens per call. */
    public WorkloadShape withOutputTokens(Mixture outputTokens) {
        return new WorkloadShape(meanInputTokens, contextLimitTokens, sharedPrefixId, sharedPrefixTokens,
                taskPromptTokens, sessionTurns, maxTurns, toolOutputSigmaAcrossSessions, toolOutputSigmaWithinSession,
                maxToolOutputTokens, outputTokens, maxOutputTokens, toolTimeMs, compactionSummaryTokens,
                languageWeights, compactionThreshold, subagents);
    }

    /** A copy with another cap on output tokens per call. */
    public WorkloadShape withMaxOutputTokens(int maxOutputTokens) {
        return new WorkloadShape(meanInputTokens, contextLimitTokens, sharedPrefixId, sharedPrefixTokens,
                taskPromptTokens, sessionTurns, maxTurns, toolOutputSigmaAcrossSessions, toolOutputSigmaWithinSession,
                maxToolOutputTokens, outputTokens, maxOutputTokens, toolTimeMs, compactionSummaryTokens,
                languageWeights, compactionThreshold, subagents);
    }

    /** A copy with another distribution of tool time between calls, in milliseconds. */
    public WorkloadShape withToolTimeMs(Mixture toolTimeMs) {
        return new WorkloadShape(meanInputTokens, contextLimitTokens, sharedPrefixId, sharedPrefixTokens,
                taskPromptTokens, sessionTurns, maxTurns, toolOutputSigmaAcrossSessions, toolOutputSigmaWithinSession,
                maxToolOutputTokens, outputTokens, maxOutputTokens, toolTimeMs, compactionSummaryTokens,
                languageWeights, compactionThreshold, subagents);
    }

    /** A copy with another distribution of compaction summary lengths. */
    public WorkloadShape withCompactionSummaryTokens(LogNormal compactionSummaryTokens) {
        return new WorkloadShape(meanInputTokens, contextLimitTokens, sharedPrefixId, sharedPrefixTokens,
                taskPromptTokens, sessionTurns, maxTurns, toolOutputSigmaAcrossSessions, toolOutputSigmaWithinSession,
                maxToolOutputTokens, outputTokens, maxOutputTokens, toolTimeMs, compactionSummaryTokens,
                languageWeights, compactionThreshold, subagents);
    }

    /**
     * A copy that compacts once a prompt would pass {@code threshold} of the context limit, e.g.
     * {@link #CLAUDE_CODE_COMPACTION_THRESHOLD}; the typical tool output is solved again to keep the mean input.
     */
    public WorkloadShape withCompactionThreshold(double threshold) {
        return new WorkloadShape(meanInputTokens, contextLimitTokens, sharedPrefixId, sharedPrefixTokens,
                taskPromptTokens, sessionTurns, maxTurns, toolOutputSigmaAcrossSessions, toolOutputSigmaWithinSession,
                maxToolOutputTokens, outputTokens, maxOutputTokens, toolTimeMs, compactionSummaryTokens,
                languageWeights, threshold, subagents);
    }

    /** A copy whose turns spawn subagents, e.g. {@code withSubagents(Subagents.spawning(0.05))}. */
    public WorkloadShape withSubagents(Subagents subagents) {
        return new WorkloadShape(meanInputTokens, contextLimitTokens, sharedPrefixId, sharedPrefixTokens,
                taskPromptTokens, sessionTurns, maxTurns, toolOutputSigmaAcrossSessions, toolOutputSigmaWithinSession,
                maxToolOutputTokens, outputTokens, maxOutputTokens, toolTimeMs, compactionSummaryTokens,
                languageWeights, compactionThreshold, subagents);
    }

    /** The prompt length past which the harness compacts. */
    long compactionPointTokens() {
        return (long) Math.floor(compactionThreshold * contextLimitTokens);
    }

    /** A copy with other language weights, e.g. {@code Map.of("python", 3.0, "rust", 1.0)}. */
    public WorkloadShape withLanguageWeights(Map<String, Double> languageWeights) {
        return new WorkloadShape(meanInputTokens, contextLimitTokens, sharedPrefixId, sharedPrefixTokens,
                taskPromptTokens, sessionTurns, maxTurns, toolOutputSigmaAcrossSessions, toolOutputSigmaWithinSession,
                maxToolOutputTokens, outputTokens, maxOutputTokens, toolTimeMs, compactionSummaryTokens,
                languageWeights == null ? null : new TreeMap<>(languageWeights), compactionThreshold, subagents);
    }

    private static void positive(String field, int value) {
        if (value <= 0) throw new IllegalArgumentException("WorkloadShape." + field + " must be positive, was " + value);
    }

    private static void sigma(String field, double value) {
        if (!(value >= 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException("WorkloadShape." + field + " must be a finite sigma >= 0, was " + value);
        }
    }

    private static void present(String field, Object value) {
        if (value == null) throw new IllegalArgumentException("WorkloadShape." + field + " is null");
    }
}
