package io.agentload.replay;

import io.agentload.internal.ExactPercentiles;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * One request of a replay, the same for virtual-time and real-time runs: who sent it, when each phase of the call
 * happened, what the server counted, and how it ended. One row of {@code requests.parquet}.
 *
 * <p><b>Times</b> are seconds (double) on the run's clock: seconds since the run started for a real-time run, virtual
 * seconds for a simulated one, one timeline for every trial of the run (the clock power samples use too). A double
 * keeps sub-nanosecond resolution over a day. A phase that never happened (no first byte from a refused connection)
 * is {@code NaN}.
 *
 * <p><b>Token counts</b> are the server's {@code usage}: {@code prompt_tokens}, {@code completion_tokens} and
 * {@code prompt_tokens_details.cached_tokens}; {@code cachedTokens} is -1 when the server did not report it.
 *
 * <p><b>Status</b> is {@value #OK} or the reason a request failed: {@code refused}, {@code http_<code>} (e.g.
 * {@code http_429}), {@code timeout}, {@code stream_cut}, {@code malformed_sse}, {@code missing_usage}; the detail
 * says what happened and names the request.
 *
 * @param trial               the trial the request belongs to (numbered from 0 within the run)
 * @param agent               the agent that sent it (0 to agents - 1 within its trial)
 * @param sessionId           the replayed session
 * @param turn                the session's turn
 * @param salt                the replay salt of this (agent, session) replay: it makes the session's tokens unique
 * @param phase               warm-up, measured or cool-down, decided when the agent is dispatched: in real time a
 *                            moment before {@code sendTime} (at most the send lag), so a request sent at a
 *                            window's edge may carry the phase of the instant just before it
 * @param sendTime            when the request was handed to the network (or submitted to the simulator)
 * @param writtenTime         when the client had written the whole request to the connection, its upload done (the
 *                            send time in virtual time, where nothing is uploaded; NaN when it was never written
 *                            whole, or in files recorded before this column existed)
 * @param firstByteTime       when the first byte of the response arrived
 * @param firstTokenTime      when the first output token arrived
 * @param lastTokenTime       when the last output token arrived
 * @param endTime             when the response ended or the failure was observed
 * @param inputTokens         prompt tokens
 * @param cachedTokens        prompt tokens served from the prefix cache, -1 when not reported
 * @param outputTokens        tokens generated
 * @param status              {@value #OK} or a failure reason
 * @param errorDetail         what went wrong, naming the request; empty when ok
 * @param interTokenLatencies gaps in seconds between successive token-bearing chunks; empty when not recorded or not
 *                            kept (trials and run folders keep them only when asked: {@code --itl-detail},
 *                            {@code Simulation.withItlDetail}, {@code Replay.withItlDetail},
 *                            {@link Run.Builder#itlDetail})
 * @param itl                 the gaps' count, mean, percentiles and maximum: computed from the gaps when they are
 *                            given (null), or as read from a file that kept only this summary
 * @param parentSessionId     for a subagent's request, the session whose turn spawned the subagent (replayed by the
 *                            same agent, docs/design.md "Subagents and compaction"); empty for a top-level session's
 * @param parentTurn          for a subagent's request, the parent's turn that spawned it; -1 for a top-level session's
 */
public record RequestRecord(
        int trial,
        int agent,
        String sessionId,
        int turn,
        long salt,
        Phase phase,
        double sendTime,
        double writtenTime,
        double firstByteTime,
        double firstTokenTime,
        double lastTokenTime,
        double endTime,
        int inputTokens,
        int cachedTokens,
        int outputTokens,
        String status,
        String errorDetail,
        float[] interTokenLatencies,
        ItlSummary itl,
        String parentSessionId,
        int parentTurn) {

    /** The gaps of a record that has none at hand: one array for all. */
    private static final float[] NO_GAPS = new float[0];

    /** The status of a request that succeeded. */
    public static final String OK = "ok";

    /**
     * The status of a request still in flight when a real-time trial's cool-down grace ran out: recorded with what it
     * had received by then, and counted as failed.
     */
    public static final String CUT_AT_END = "cut_at_end";

    /**
     * The status of a measured request that had produced its first token but was still streaming when a real-time
     * trial's cool-down grace ran out: recorded with the tokens and token times received by then, its end the cut.
     * Not a failure: it is judged on what it received ({@link #answered()}), its TTFT exact and its output speed
     * taken over the time from its first token to the cut.
     */
    public static final String CUT_AT_GRACE = "cut_at_grace";

    /**
     * The status of a request still in flight when a virtual-time trial stopped because its verdict on every tier it
     * was run for was already certain (a failure that no pending request could turn): recorded with what it had
     * received by then, and counted as failed, which cannot change that verdict.
     */
    public static final String CUT_AT_VERDICT = "cut_at_verdict";

    /** Where a request falls in its trial, decided by its send time. */
    public enum Phase {
        /** Sent before the measurement window: agents ramping up and caches warming. */
        WARM_UP,
        /** Sent inside the measurement window: the requests every metric is computed from. */
        MEASURED,
        /** Sent after the window while measured requests finish, so the load stays constant until they do. */
        COOL_DOWN;

        /** The phase's name in files: {@code warm_up}, {@code measured}, {@code cool_down}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The phase with this {@link #label()}. */
        public static Phase ofLabel(String label) {
            for (Phase p : values()) {
                if (p.label().equals(label)) return p;
            }
            throw new IllegalArgumentException("unknown phase '" + label + "' (expected warm_up, measured or cool_down)");
        }
    }

    /**
     * A request's inter-token gaps in brief, in seconds and single precision like the gaps themselves: what
     * {@code requests.parquet} always keeps of them ({@code itl_count, itl_mean_s, itl_p50_s, itl_p90_s, itl_p99_s,
     * itl_max_s}). Percentiles are exact ({@link ExactPercentiles}); every figure but the count is NaN without gaps.
     *
     * @param count how many gaps the request had (output chunks after the first)
     * @param mean  their mean: the request's time per output chunk after the first
     * @param p50   their median
     * @param p90   their 90th percentile
     * @param p99   their 99th percentile
     * @param max   the longest gap: the request's worst stall
     */
    public record ItlSummary(int count, float mean, float p50, float p90, float p99, float max) {

        /** The summary of no gaps. */
        public static final ItlSummary EMPTY = new ItlSummary(0, Float.NaN, Float.NaN, Float.NaN, Float.NaN, Float.NaN);

        public ItlSummary {
            if (count < 0) throw new IllegalArgumentException("negative gap count " + count);
        }

        /** The summary of {@code gaps}. */
        public static ItlSummary of(float[] gaps) {
            if (gaps.length == 0) return EMPTY;
            double sum = 0;
            for (float gap : gaps) sum += gap;
            // Selected in single precision: widening keeps the order, and the percentiles are computed in double.
            double[] p = ExactPercentiles.select(gaps.clone(), 0.5, 0.9, 0.99, 1);
            return new ItlSummary(gaps.length, (float) (sum / gaps.length), (float) p[0], (float) p[1], (float) p[2],
                    (float) p[3]);
        }
    }

    public RequestRecord {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(status, "status");
        errorDetail = errorDetail == null ? "" : errorDetail;
        parentSessionId = parentSessionId == null ? "" : parentSessionId;
        interTokenLatencies = interTokenLatencies == null || interTokenLatencies.length == 0 ? NO_GAPS
                : interTokenLatencies.clone();
        if (itl == null) {
            itl = ItlSummary.of(interTokenLatencies);
        } else if (interTokenLatencies.length > 0 && itl.count() != interTokenLatencies.length) {
            throw new IllegalArgumentException(interTokenLatencies.length + " gaps but a summary of " + itl.count()
                    + " for " + describe(sessionId, turn, agent));
        }
        if (status.isEmpty()) throw new IllegalArgumentException("empty status for " + describe(sessionId, turn, agent));
        if (inputTokens < 0 || outputTokens < 0 || cachedTokens < -1) {
            throw new IllegalArgumentException("negative token count for " + describe(sessionId, turn, agent));
        }
    }

    /** A builder for drivers and tests. */
    public static Builder builder() {
        return new Builder();
    }

    /** Gaps in seconds between successive token-bearing chunks (a copy); empty when not recorded or not kept. */
    @Override
    public float[] interTokenLatencies() {
        return interTokenLatencies.clone();
    }

    /** Copies the gaps kept to {@code into} from {@code at}; returns where the next record's go. */
    int copyInterTokenLatencies(float[] into, int at) {
        System.arraycopy(interTokenLatencies, 0, into, at, interTokenLatencies.length);
        return at + interTokenLatencies.length;
    }

    /** Adds the gaps kept to {@code counts}. */
    void countInterTokenLatencies(GapCounts counts) {
        counts.add(interTokenLatencies, 0, interTokenLatencies.length);
    }

    /** How many inter-token gaps the request had, whether or not they were kept. */
    public int interTokenLatencyCount() {
        return itl.count();
    }

    /** True when every gap is at hand ({@link #interTokenLatencies()}), not only their {@link #itl() summary}. */
    public boolean interTokenLatenciesKept() {
        return interTokenLatencies.length == itl.count();
    }

    /** The same record without the gaps themselves, keeping their summary: what a run folder keeps by default. */
    public RequestRecord withoutInterTokenLatencies() {
        if (interTokenLatencies.length == 0) return this;
        return new RequestRecord(trial, agent, sessionId, turn, salt, phase, sendTime, writtenTime, firstByteTime,
                firstTokenTime, lastTokenTime, endTime, inputTokens, cachedTokens, outputTokens, status, errorDetail,
                null, itl, parentSessionId, parentTurn);
    }

    /** The same record with every time moved by {@code seconds}: a trial run on its own clock placed on the run's. */
    RequestRecord shifted(double seconds) {
        return new RequestRecord(trial, agent, sessionId, turn, salt, phase, sendTime + seconds, writtenTime + seconds,
                firstByteTime + seconds, firstTokenTime + seconds, lastTokenTime + seconds, endTime + seconds,
                inputTokens, cachedTokens, outputTokens, status, errorDetail, interTokenLatencies, itl, parentSessionId,
                parentTurn);
    }

    /** True when the request succeeded. */
    public boolean ok() {
        return OK.equals(status);
    }

    /**
     * True when the request has a TTFT and an output speed to judge: it succeeded, or it was cut at the cool-down
     * grace after its first token ({@link #CUT_AT_GRACE}).
     */
    public boolean answered() {
        return ok() || cutAtGrace();
    }

    private boolean cutAtGrace() {
        return CUT_AT_GRACE.equals(status);
    }

    /** True when the request was sent inside its trial's measurement window. */
    public boolean measured() {
        return phase == Phase.MEASURED;
    }

    /**
     * The id the real-time driver sends as the request's {@code X-Request-Id} header: trial, agent, replay salt (hex)
     * and turn, e.g. {@code 3-12-9f3c0a1b2c3d4e5f-7}. Unique within a run, so records can be joined with a server's
     * own request log (vLLM's, or {@code agentload serve}'s first-token log).
     */
    public String requestId() {
        return trial + "-" + agent + "-" + Long.toHexString(salt) + "-" + turn;
    }

    /**
     * Time to first token: first token minus send, in seconds (docs/run-folder.md, "Metrics (from measured requests)").
     */
    public double ttft() {
        return firstTokenTime - sendTime;
    }

    /**
     * The request's upload: written minus send, in seconds. Part of TTFT (a server starts on a request once it has read
     * it whole): large prompts over a slow link show here, and so would a client slow to write.
     */
    public double uploadTime() {
        return writtenTime - sendTime;
    }

    /** Time to first byte of the response, in seconds. */
    public double timeToFirstByte() {
        return firstByteTime - sendTime;
    }

    /**
     * Last token minus first token, in seconds; for a request {@linkplain #CUT_AT_GRACE cut at the grace}, the cut
     * (its end) minus first token, so that a stream silent before the cut is slow by as much.
     */
    public double generationTime() {
        return (cutAtGrace() ? endTime : lastTokenTime) - firstTokenTime;
    }

    /**
     * Output speed: (output tokens - 1) / {@link #generationTime()}, in tokens per second. NaN with fewer than two
     * output tokens (unless cut at the grace: one token then is 0 tok/s); infinite when every token arrived at once.
     */
    public double outputTokensPerSecond() {
        return outputTokens < (cutAtGrace() ? 1 : 2) ? Double.NaN : (outputTokens - 1) / generationTime();
    }

    /** End-to-end latency: end of the response minus send, in seconds. */
    public double e2eLatency() {
        return endTime - sendTime;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RequestRecord r
                && trial == r.trial && agent == r.agent && sessionId.equals(r.sessionId) && turn == r.turn
                && salt == r.salt && phase == r.phase
                && Double.compare(sendTime, r.sendTime) == 0
                && Double.compare(writtenTime, r.writtenTime) == 0
                && Double.compare(firstByteTime, r.firstByteTime) == 0
                && Double.compare(firstTokenTime, r.firstTokenTime) == 0
                && Double.compare(lastTokenTime, r.lastTokenTime) == 0
                && Double.compare(endTime, r.endTime) == 0
                && inputTokens == r.inputTokens && cachedTokens == r.cachedTokens && outputTokens == r.outputTokens
                && status.equals(r.status) && errorDetail.equals(r.errorDetail)
                && Arrays.equals(interTokenLatencies, r.interTokenLatencies) && itl.equals(r.itl);
    }

    @Override
    public int hashCode() {
        return Objects.hash(trial, agent, sessionId, turn, salt, phase, sendTime, endTime, outputTokens, status);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "RequestRecord[trial %d, agent %d, session %s turn %d, %s, sent %.6f s, "
                        + "ttft %.6f s, %d in (%d cached), %d out, %s%s]",
                trial, agent, sessionId, turn, phase.label(), sendTime, ttft(), inputTokens, cachedTokens,
                outputTokens, status, errorDetail.isEmpty() ? "" : ": " + errorDetail);
    }

    private static String describe(String sessionId, int turn, int agent) {
        return "session " + sessionId + " turn " + turn + " agent " + agent;
    }

    /** Builds a {@link RequestRecord}; unset times are NaN, unset cached tokens -1, unset status {@value #OK}. */
    public static final class Builder {
        private int trial;
        private int agent;
        private String sessionId = "";
        private int turn;
        private long salt;
        private Phase phase = Phase.MEASURED;
        private double sendTime = Double.NaN;
        private double writtenTime = Double.NaN;
        private double firstByteTime = Double.NaN;
        private double firstTokenTime = Double.NaN;
        private double lastTokenTime = Double.NaN;
        private double endTime = Double.NaN;
        private int inputTokens;
        private int cachedTokens = -1;
        private int outputTokens;
        private String status = OK;
        private String errorDetail = "";
        private float[] interTokenLatencies = new float[0];
        private ItlSummary itl;
        private String parentSessionId = "";
        private int parentTurn = -1;

        private Builder() {
        }

        /** The trial and agent that sent the request. */
        public Builder trial(int trial, int agent) {
            this.trial = trial;
            this.agent = agent;
            return this;
        }

        /** The replayed session, turn and replay salt. */
        public Builder turn(String sessionId, int turn, long salt) {
            this.sessionId = sessionId;
            this.turn = turn;
            this.salt = salt;
            return this;
        }

        /** For a subagent's request, the session and turn that spawned the subagent ("" and -1: none). */
        public Builder parent(String sessionId, int turn) {
            this.parentSessionId = sessionId;
            this.parentTurn = turn;
            return this;
        }

        /** The request's phase in its trial. */
        public Builder phase(Phase phase) {
            this.phase = phase;
            return this;
        }

        /** When the request was sent. */
        public Builder sendTime(double t) {
            this.sendTime = t;
            return this;
        }

        /** When the whole request had been written to the connection. */
        public Builder writtenTime(double t) {
            this.writtenTime = t;
            return this;
        }

        /** When the first byte of the response arrived. */
        public Builder firstByteTime(double t) {
            this.firstByteTime = t;
            return this;
        }

        /** When the first and the last output token arrived. */
        public Builder tokenTimes(double first, double last) {
            this.firstTokenTime = first;
            this.lastTokenTime = last;
            return this;
        }

        /** When the response ended or the failure was observed. */
        public Builder endTime(double t) {
            this.endTime = t;
            return this;
        }

        /** The server's token counts; {@code cached} -1 when not reported. */
        public Builder tokens(int input, int cached, int output) {
            this.inputTokens = input;
            this.cachedTokens = cached;
            this.outputTokens = output;
            return this;
        }

        /** A failure reason and its detail. */
        public Builder failed(String status, String detail) {
            this.status = status;
            this.errorDetail = detail;
            return this;
        }

        /** Gaps in seconds between successive token-bearing chunks; their summary is computed from them. */
        public Builder interTokenLatencies(float... gaps) {
            this.interTokenLatencies = gaps;
            this.itl = null;
            return this;
        }

        /** The summary of gaps that were not kept, as a file recorded it. */
        public Builder itl(ItlSummary summary) {
            this.interTokenLatencies = new float[0];
            this.itl = Objects.requireNonNull(summary, "summary");
            return this;
        }

        /** The record. */
        public RequestRecord build() {
            return new RequestRecord(trial, agent, sessionId, turn, salt, phase, sendTime, writtenTime,
                    firstByteTime, firstTokenTime, lastTokenTime, endTime, inputTokens, cachedTokens, outputTokens,
                    status, errorDetail, interTokenLatencies, itl, parentSessionId, parentTurn);
        }
    }
}
