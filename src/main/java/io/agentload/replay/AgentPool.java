package io.agentload.replay;

import io.agentload.trajectory.Session;

import java.util.ArrayDeque;
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
 *   flight then are cut: a real-time driver reports them to {@link #completed} as {@link RequestRecord#CUT_AT_END}
 *   (a measured one that had begun streaming as {@link RequestRecord#CUT_AT_GRACE}), the simulator's driver drops them (unless it stops earlier, {@link #cutAtVerdict()}, and records them as
 *   {@link RequestRecord#CUT_AT_VERDICT});</li>
 *   <li>{@link #trial(PowerMeter)}: the result.</li>
 * </ol>
 * Warm-up ends at the first completion at which every agent has finished a turn (a failed one counts: a fault
 * must not hold the warm-up), the minimum warm-up has passed and {@code targetWarm} holds, or at the maximum
 * warm-up. In a primed trial ({@link #primeFirstTurns}) each agent's first request asks the target to hold its
 * context cached, as a fleet mid-session would, so no first turn is cold and the warm-up waits only until half of
 * the agents have finished a turn, or until the target is certainly behind that first burst
 * ({@link #judgeFirstBurstBy}; docs/design.md, "Mid-session starts"). A request's phase is fixed at its send time. Agents keep
 * sending after the window closes (cool-down), so the load stays constant until the last measured request ends.
 *
 * <p><b>Lanes.</b> An agent sends its top-level session's requests on lane {@code agent} (0 to agents - 1). When a
 * turn spawns subagent sessions ({@link Subagents}), each runs beside its parent on a lane of its own (numbered from
 * {@code agents} up, reused once free), starting when the spawning turn's response has ended; the parent's next turn
 * is due once its tool time is over and every subagent it spawned has returned (fork/join). A subagent's requests
 * are its agent's: recorded with the agent's number and judged with it, and the trial's N counts top-level agents
 * only. The pool moves every lane alike ({@link Lane}). Drivers key requests in flight and wake-ups by lane;
 * {@link #completed(int, RequestRecord, Wakes)} tells them which lanes are due next.
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
    /** Every lane by number: the agents' own (0 to agents - 1), then the subagents', null while free. */
    private final List<Lane> lanes = new ArrayList<>();
    private final boolean[] finishedTurn;
    private final Subagents subagents;
    private final ArrayDeque<Integer> freeLanes = new ArrayDeque<>();
    private boolean prime;
    private FirstBurst burst;
    private final List<RequestRecord> records = new ArrayList<>();
    private final GapCounts measuredGaps = new GapCounts();
    private boolean keepGaps = true;
    private boolean everyGapCounted = true;
    private int agentsFinished;
    private int pending;
    private double windowStart = Double.NaN;
    private boolean warmUpCut;
    private boolean cutAtVerdict;
    private TrialMetrics.WindowOpened windowOpened = TrialMetrics.WindowOpened.UNRECORDED;
    private TrialMetrics.CoolDownEnded coolDownEnded = TrialMetrics.CoolDownEnded.UNRECORDED;
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
        this.subagents = new Subagents(sessions);
        List<Session> frozen = subagents.topLevel();
        long trialSeed = Agent.mix(Agent.mix(plan.seed()) + trial);
        int[] order = Agent.shuffledOrder(frozen.size(), new SplittableRandom(trialSeed));
        for (int a = 0; a < agents; a++) {
            this.agents[a] = new Agent(a, frozen, order, Agent.mix(trialSeed + 0x9E3779B97F4A7C15L * (a + 1)));
            lanes.add(this.agents[a]);
        }
    }

    /** When agent {@code agent} sends its first request. */
    synchronized double firstSendTime(int agent) {
        return startTime + agents[agent].startDelay();
    }

    /**
     * Primes the trial: each agent's first request asks the target to hold cached the part of its prompt that existed
     * before that turn ({@link TurnRequest#primedTokens()}), and the warm-up no longer waits for every agent to finish
     * a turn and the cache to settle, only for half of the agents to finish one. Call before the first send.
     */
    synchronized void primeFirstTurns() {
        prime = true;
        for (Agent agent : agents) agent.primeNextRequest();
    }

    /**
     * In a primed trial, the warm-up also ends at the first look (a send, a completion or the driver's
     * {@link #done(double)}) at which the target is certainly behind the first burst by {@code tiers}: more agents
     * than the loosest share allows have a first request still running past the time it would have ended within the
     * loosest limits ({@link FirstBurst}), even if half of the agents have not finished a turn. The burst then
     * certainly fails every tier, and past capacity its queue is the closed loop's steady one, which waiting for half
     * of the agents would only wait out: about one response time, growing with the agents (docs/design.md,
     * "Mid-session starts"). Without priming it has no effect. Call before the first send.
     */
    synchronized void judgeFirstBurstBy(List<SloTier> tiers) {
        burst = new FirstBurst(tiers, agents.length);
    }

    /** The request lane {@code lane} sends at {@code now} (an agent's own lane, or a subagent's), or empty when the trial is over. */
    synchronized Optional<TurnRequest> send(int lane, double now) {
        if (done(now)) return Optional.empty();
        RequestRecord.Phase phase = Double.isNaN(windowStart) ? RequestRecord.Phase.WARM_UP
                : now < windowEnd() ? RequestRecord.Phase.MEASURED : RequestRecord.Phase.COOL_DOWN;
        TurnRequest request = lanes.get(lane).send(trial, lane, now, phase);
        if (phase != RequestRecord.Phase.COOL_DOWN) pending++;
        if (burst != null && lane < agents.length) burst.sent(lane, now, request.maxTokens());
        return Optional.of(request);
    }

    /** Receives the lanes a completion makes due, and when. */
    interface Wakes {
        /** Lane {@code lane} sends its next request at {@code time}. */
        void at(int lane, double time);

        /** Drops every wake: for a request the trial's end cut, whose agent sends nothing more. */
        Wakes NONE = (lane, time) -> { };
    }

    /**
     * A request sent on {@code lane} ended: keeps its record, tells {@code wakes} which lanes are due next (the
     * lane's own next turn, unless it waits for subagents or its subagent returned; the subagents its turn spawned;
     * the parent a returning subagent was the last to join), and passes the record to the sink (outside the pool's
     * lock, so a slow sink never holds up other agents). {@code wakes} is called under the pool's lock. The gaps of an
     * answered measured request are counted for the trial's ITL percentiles; unless the pool
     * {@link #keepGaps keeps gaps}, the record kept and passed on holds only their summary.
     */
    void completed(int lane, RequestRecord record, Wakes wakes) {
        synchronized (this) {
            if (record.measured() && record.answered()) {
                record.countInterTokenLatencies(measuredGaps);
                everyGapCounted &= record.interTokenLatenciesKept();
            }
            if (!keepGaps) record = record.withoutInterTokenLatencies();
            Lane sender = lane >= 0 && lane < lanes.size() ? lanes.get(lane) : null;
            TurnRequest request = sender == null ? null : sender.inFlight();
            if (request == null || record.trial() != trial || record.agent() != request.agent()
                    || request.turn().turn() != record.turn()
                    || !request.turn().sessionId().equals(record.sessionId()) || request.phase() != record.phase()) {
                throw new IllegalStateException("no request in flight on lane " + lane + " for " + record);
            }
            int a = request.agent();
            double now = record.endTime();
            openWindowIfDue(now);
            if (burst != null && lane < agents.length) burst.ended(lane);
            records.add(record);
            if (request.phase() != RequestRecord.Phase.COOL_DOWN) {
                pending--;
                lastPendingEnd = Math.max(lastPendingEnd, now);
            }
            if (!finishedTurn[a]) {
                finishedTurn[a] = true;
                agentsFinished++;
            }
            if (Double.isNaN(windowStart) && now - startTime >= plan.minWarmUpSeconds() && warmedUp()) {
                openWindow(now, prime ? TrialMetrics.WindowOpened.HALF_FIRST_TURNS
                        : TrialMetrics.WindowOpened.EVERY_FIRST_TURN);
            }
            advance(lane, now, wakes);
        }
        sink.accept(record);
    }

    /**
     * Whether the warm-up's conditions hold, the minimum aside: unprimed, every agent has finished a turn (its cold
     * first prefill is over) and the target is warm; primed, the cache starts warm and half of the agents have
     * finished a turn, so the burst of first requests sent together at the start has cleared (an agent in a long tool
     * call, or a long first answer, no longer holds the window).
     */
    private boolean warmedUp() {
        return prime ? 2 * agentsFinished >= agents.length : agentsFinished == agents.length && targetWarm.getAsBoolean();
    }

    /** Moves {@code lane} past its turn that ended at {@code now}: spawns its subagents, or makes it due. */
    private void advance(int lane, double now, Wakes wakes) {
        Lane sender = lanes.get(lane);
        Session session = sender.session();
        int turn = sender.turn();
        long salt = sender.salt();
        double next = sender.completed(now);
        List<Session> spawned = subagents.of(session.sessionId(), turn);
        if (spawned.isEmpty()) {
            resume(lane, next, now, wakes);
            return;
        }
        sender.openSubagents = spawned.size();
        sender.joinWake = next;
        for (Session child : spawned) wakes.at(openLane(new SubagentRun(sender.agent, lane, child, salt)), now);
    }

    /**
     * Lane {@code lane} is due at {@code next}; NaN means its subagent returned at {@code now}: the lane is freed and
     * its parent, when this was the last subagent it waits for, becomes due at its own time or now, whichever is later
     * (a parent subagent whose session had ended returns in turn).
     */
    private void resume(int lane, double next, double now, Wakes wakes) {
        if (!Double.isNaN(next)) {
            wakes.at(lane, next);
            return;
        }
        Lane returned = lanes.set(lane, null);
        freeLanes.push(lane);
        Lane parent = lanes.get(returned.parentLane);
        if (--parent.openSubagents == 0) resume(returned.parentLane, Math.max(parent.joinWake, now), now, wakes);
    }

    /** A lane for {@code run}: a free one, or a new one past the last. */
    private int openLane(SubagentRun run) {
        Integer free = freeLanes.poll();
        if (free != null) {
            lanes.set(free, run);
            return free;
        }
        lanes.add(run);
        return lanes.size() - 1;
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
        openWindowIfDue(now);
        boolean done = !Double.isNaN(windowStart) && now >= windowEnd() && (pending == 0 || graceOver(now));
        if (done) coolDownEndedBy(pending == 0 ? TrialMetrics.CoolDownEnded.ALL_ENDED : TrialMetrics.CoolDownEnded.GRACE);
        return done;
    }

    /**
     * Records why the cool-down ended, once: the first reason given is kept (a driver's, when it ends the trial
     * before {@link #done} would, or {@link #done}'s own).
     */
    synchronized void coolDownEndedBy(TrialMetrics.CoolDownEnded reason) {
        if (coolDownEnded == TrialMetrics.CoolDownEnded.UNRECORDED) coolDownEnded = reason;
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
     * The trial stops now, its verdict on every tier it was run for certain (see {@link VerdictWatch}):
     * the driver then reports each request in flight as {@value RequestRecord#CUT_AT_VERDICT}, and the trial is
     * marked cut.
     */
    synchronized void cutAtVerdict() {
        cutAtVerdict = true;
        coolDownEndedBy(TrialMetrics.CoolDownEnded.OPEN_TIERS_CERTAIN);
    }

    /** Whether {@link #cutAtVerdict} was called. */
    synchronized boolean isCutAtVerdict() {
        return cutAtVerdict;
    }

    /** The trial's number of agents (top-level; subagents run on lanes of their own). */
    int agents() {
        return agents.length;
    }

    /** When the measurement window closes, NaN while warming up. */
    synchronized double windowEnd() {
        return windowStart + plan.measurementSeconds();
    }

    /** When the measurement window opened, NaN while warming up. */
    synchronized double windowStart() {
        return windowStart;
    }

    /**
     * A count of the window's output tokens for a driver to feed: one that drops the tokens reported while the window
     * is not yet known at or before the latest it can open ({@code inTimeOrder}: the driver reports tokens and
     * completions in the order of their times, so the window, opened at the completion being reported, follows every
     * token reported before it) or else the earliest ({@link WindowTokens}).
     */
    WindowTokens windowTokens(boolean inTimeOrder) {
        return new WindowTokens(startTime + (inTimeOrder ? plan.maxWarmUpSeconds() : plan.minWarmUpSeconds()));
    }

    /**
     * The finished trial, with the window's mean power from {@code meter} and its output tokens from {@code tokens}
     * (opened here if the driver has not).
     */
    synchronized Trial trial(PowerMeter meter, WindowTokens tokens) {
        checkOver();
        openWhenKnown(tokens);
        return trial(meter, tokens.tokens());
    }

    /** Opens {@code tokens} on this trial's window once the window is known; does nothing before or once open. */
    synchronized void openWhenKnown(WindowTokens tokens) {
        if (!tokens.isOpen() && !Double.isNaN(windowStart)) tokens.open(windowStart, windowEnd());
    }

    /** The finished trial, with the window's mean power from {@code meter}; its output tokens counted from its records. */
    synchronized Trial trial(PowerMeter meter) {
        checkOver();
        return trial(meter, -1);
    }

    private Trial trial(PowerMeter meter, long windowOutputTokens) {
        double end = Math.max(windowEnd(), lastPendingEnd);
        return new Trial(trial, agents.length, startTime, windowStart, windowEnd(), end, warmUpCut, cutAtVerdict,
                records, meter.meanPower(windowStart, windowEnd()),
                everyGapCounted ? measuredGaps.percentiles() : null, windowOutputTokens, windowOpened, coolDownEnded);
    }

    private void checkOver() {
        if (Double.isNaN(windowStart) || pending > 0) {
            throw new IllegalStateException("trial " + trial + " is not over: " + pending + " requests pending");
        }
    }

    /**
     * Opens the window when the clock alone ends the warm-up: at the maximum warm-up (at exactly that time, and the
     * trial says so), or at the first look at which a primed trial's target is certainly behind its first burst
     * ({@link #judgeFirstBurstBy}).
     */
    private void openWindowIfDue(double now) {
        if (!Double.isNaN(windowStart)) return;
        if (now >= startTime + plan.maxWarmUpSeconds()) {
            openWindow(startTime + plan.maxWarmUpSeconds(), TrialMetrics.WindowOpened.MAX_WARM_UP);
            warmUpCut = true;
        } else if (now - startTime >= plan.minWarmUpSeconds() && burstBehind(now)) {
            openWindow(now, TrialMetrics.WindowOpened.FIRST_BURST_BEHIND);
        }
    }

    private void openWindow(double time, TrialMetrics.WindowOpened why) {
        windowStart = time;
        windowOpened = why;
    }

    private boolean burstBehind(double now) {
        return prime && burst != null && burst.behind(now);
    }
}
