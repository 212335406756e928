package io.agentload.replay;

import io.agentload.trajectory.Session;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The agents of one trial and the trial's phases: the part the virtual-time and the real-time drivers share. A
 * driver owns the clock and the transport; it calls this pool and never decides phases itself:
 * <ol>
 *   <li>{@link #firstSendTime(int)}: when each agent sends its first request;</li>
 *   <li>{@link #send(int, double)} when an agent is due: the request to send now, or nothing when the trial is
 *   over;</li>
 *   <li>{@link #completed(RequestRecord)} when a request ended (ok or failed), with the record built from the
 *   request's {@link TurnRequest#record()}: returns when that agent is due again;</li>
 *   <li>{@link #done(double)} after each event: the trial is over once the window has closed and every request
 *   sent before its end has completed (or, in real time, a grace after the window has run out); requests still in
 *   flight then are cut: a real-time driver reports them to {@link #completed} as {@link RequestRecord#CUT_AT_END},
 *   the simulator's driver drops them (unless it stops earlier, {@link #cutAtVerdict()}, and records them as
 *   {@link RequestRecord#CUT_AT_VERDICT});</li>
 *   <li>{@link #trial(PowerMeter)}: the result.</li>
 * </ol>
 * Warm-up ends at the first completion at which every agent has finished a turn (a failed one counts: a fault
 * must not hold the warm-up), the minimum warm-up has passed and {@code targetWarm} holds, or at the maximum
 * warm-up. A request's phase is fixed at its send time. Agents keep
 * sending after the window closes (cool-down), so the load stays constant until the last measured request ends.
 *
 * <p>Thread-safe: a real-time driver may report completions from many threads.
 */
final class AgentPool {

    private final TrialPlan plan;
    private final int trial;
    private final double startTime;
    private final BooleanSupplier targetWarm;
    private final Consumer<RequestRecord> sink;
    private final Agent[] agents;
    private final boolean[] finishedTurn;
    private final TurnRequest[] inFlight;
    private final List<RequestRecord> records = new ArrayList<>();
    private final GapCounts measuredGaps = new GapCounts();
    private boolean keepGaps = true;
    private boolean everyGapCounted = true;
    private int agentsFinished;
    private int pending;
    private double windowStart = Double.NaN;
    private boolean warmUpCut;
    private boolean cutAtVerdict;
    private double lastPendingEnd = Double.NEGATIVE_INFINITY;
    private double coolDownGrace = Double.POSITIVE_INFINITY;

    /**
     * @param sessions   the sessions agents replay
     * @param plan       seed, warm-up bounds and window length
     * @param trial      the trial's number
     * @param agents     concurrent agents
     * @param startTime  the trial's start on the run's clock
     * @param targetWarm whether the target's caches are warm (always true for a real endpoint)
     * @param sink       receives every record as it completes
     */
    AgentPool(List<Session> sessions, TrialPlan plan, int trial, int agents, double startTime,
              BooleanSupplier targetWarm, Consumer<RequestRecord> sink) {
        if (sessions.isEmpty()) throw new ReplayException("no sessions to replay");
        if (agents < 1) throw new IllegalArgumentException("trial " + trial + ": " + agents + " agents");
        this.plan = plan;
        this.trial = trial;
        this.startTime = startTime;
        this.targetWarm = targetWarm;
        this.sink = sink;
        this.agents = new Agent[agents];
        this.finishedTurn = new boolean[agents];
        this.inFlight = new TurnRequest[agents];
        List<Session> frozen = List.copyOf(sessions);
        long trialSeed = Agent.mix(Agent.mix(plan.seed()) + trial);
        int[] order = Agent.shuffledOrder(frozen.size(), new SplittableRandom(trialSeed));
        for (int a = 0; a < agents; a++) {
            this.agents[a] = new Agent(a, frozen, order, Agent.mix(trialSeed + 0x9E3779B97F4A7C15L * (a + 1)));
        }
    }

    /** When agent {@code agent} sends its first request. */
    synchronized double firstSendTime(int agent) {
        return startTime + agents[agent].startDelay();
    }

    /** The request agent {@code agent} sends at {@code now}, or empty when the trial is over. */
    synchronized Optional<TurnRequest> send(int agent, double now) {
        if (done(now)) return Optional.empty();
        RequestRecord.Phase phase = Double.isNaN(windowStart) ? RequestRecord.Phase.WARM_UP
                : now < windowEnd() ? RequestRecord.Phase.MEASURED : RequestRecord.Phase.COOL_DOWN;
        TurnRequest request = agents[agent].send(trial, now, phase);
        inFlight[agent] = request;
        if (phase != RequestRecord.Phase.COOL_DOWN) pending++;
        return Optional.of(request);
    }

    /**
     * A request ended: keeps its record, passes it to the sink (outside the pool's lock, so a slow sink never holds
     * up other agents) and returns when its agent is due again. The gaps of a successful measured request are
     * counted for the trial's ITL percentiles; unless the pool {@link #keepGaps keeps gaps}, the record kept and
     * passed on holds only their summary.
     */
    double completed(RequestRecord record) {
        double wake;
        synchronized (this) {
            if (record.measured() && record.ok()) {
                record.countInterTokenLatencies(measuredGaps);
                everyGapCounted &= record.interTokenLatenciesKept();
            }
            if (!keepGaps) record = record.withoutInterTokenLatencies();
            int a = record.agent();
            TurnRequest request = a >= 0 && a < agents.length ? inFlight[a] : null;
            if (request == null || record.trial() != trial || request.turn().turn() != record.turn()
                    || !request.turn().sessionId().equals(record.sessionId()) || request.phase() != record.phase()) {
                throw new IllegalStateException("no request in flight for " + record);
            }
            inFlight[a] = null;
            double now = record.endTime();
            forceWindowAtMaxWarmUp(now);
            records.add(record);
            if (request.phase() != RequestRecord.Phase.COOL_DOWN) {
                pending--;
                lastPendingEnd = Math.max(lastPendingEnd, now);
            }
            if (!finishedTurn[a]) {
                finishedTurn[a] = true;
                agentsFinished++;
            }
            if (Double.isNaN(windowStart) && agentsFinished == agents.length
                    && now - startTime >= plan.minWarmUpSeconds() && targetWarm.getAsBoolean()) {
                windowStart = now;
            }
            wake = agents[a].completed(now);
        }
        sink.accept(record);
        return wake;
    }

    /**
     * Whether records keep every inter-token gap (default) or only their summary: otherwise one float per output
     * token of every request until the trial is placed, a third of the live heap of 10,000 agents on the rack.
     */
    synchronized void keepGaps(boolean keep) {
        keepGaps = keep;
    }

    /**
     * True once the window has closed and every request sent before its end has completed, or the cool-down grace
     * has run out ({@link #endCoolDownAfter}): then the driver ends the requests still in flight and reports them
     * to {@link #completed} as cut, before it asks for the {@link #trial}.
     */
    synchronized boolean done(double now) {
        forceWindowAtMaxWarmUp(now);
        return !Double.isNaN(windowStart) && now >= windowEnd() && (pending == 0 || graceOver(now));
    }

    /**
     * Ends the cool-down {@code seconds} after the window closes even if requests sent before its end are still in
     * flight, so that no hung request holds the trial (real time; in virtual time every request ends). Default:
     * never.
     */
    synchronized void endCoolDownAfter(double seconds) {
        if (!(seconds >= 0)) throw new IllegalArgumentException("cool-down grace " + seconds + " s is negative");
        coolDownGrace = seconds;
    }

    private boolean graceOver(double now) {
        return now >= windowEnd() + coolDownGrace;
    }

    /**
     * The trial stops now, its verdict on every tier it was run for certainly a failure (see {@link VerdictWatch}):
     * the driver then reports each request in flight as {@value RequestRecord#CUT_AT_VERDICT}, and the trial is
     * marked cut.
     */
    synchronized void cutAtVerdict() {
        cutAtVerdict = true;
    }

    /** When the measurement window closes, NaN while warming up. */
    synchronized double windowEnd() {
        return windowStart + plan.measurementSeconds();
    }

    /** The finished trial, with the window's mean power from {@code meter}. */
    synchronized Trial trial(PowerMeter meter) {
        if (Double.isNaN(windowStart) || pending > 0) {
            throw new IllegalStateException("trial " + trial + " is not over: " + pending + " requests pending");
        }
        double end = Math.max(windowEnd(), lastPendingEnd);
        return new Trial(trial, agents.length, startTime, windowStart, windowEnd(), end, warmUpCut, cutAtVerdict,
                records, meter.meanPower(windowStart, windowEnd()),
                everyGapCounted ? measuredGaps.percentiles() : null);
    }

    private void forceWindowAtMaxWarmUp(double now) {
        if (Double.isNaN(windowStart) && now >= startTime + plan.maxWarmUpSeconds()) {
            windowStart = startTime + plan.maxWarmUpSeconds();
            warmUpCut = true;
        }
    }
}
