package io.agentload.sim;

import org.jspecify.annotations.Nullable;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An iteration-level model of a continuous-batching serving system (vLLM-like) on a hardware profile: requests go in
 * with {@link #submit}, and each {@link #step} call completes what is due and plans the next steps, reporting tokens,
 * finished requests and preemptions to a {@link Listener}. The caller owns the clock: a virtual-time driver calls
 * {@code step} at each returned {@link Step#end()}, a real-time server sleeps until then. See the package
 * documentation for the model and where it is knowingly wrong.
 *
 * <pre>{@code
 * Engine engine = Engine.create(EngineConfig.of("h200x8", "llama-3.1-70b"));
 * engine.submit(new Engine.Request("r1", 30_000, hashes, 200), 0.0);
 * double idleAt = engine.drain(0.0, listener);
 * }</pre>
 *
 * <p>Not thread-safe: one driver thread calls it (a listener may call {@link #submit} from its callbacks).
 */
public final class Engine {

    /** Tokens per KV block (vLLM's default): a request's {@code blockHashes} cover blocks of this many tokens. */
    public static final int BLOCK_TOKENS = KvBlocks.BLOCK_TOKENS;

    /** Share of the rest of the system's maximum power drawn when every GPU idles; it rises linearly to 1 at full load. */
    static final double REST_IDLE_SHARE = 0.5;

    /**
     * One request. {@code blockHashes} are the chained hashes of the prompt's full blocks of
     * {@value KvBlocks#BLOCK_TOKENS} tokens (see {@code PromptLayout.blockHashes(16, salt)}), optionally continued over
     * the output's full blocks so that the generated tokens are cached too, as vLLM caches them. Chained means a hash
     * names its whole prefix: two chains that share a hash at a position share every hash before it (the prefix cache
     * relies on it). The array is not copied: do not change it after submitting.
     *
     * @param id           names the request in errors; the engine does not require it to be unique
     * @param promptTokens prompt length
     * @param outputTokens tokens to generate (forced length: end-of-sequence is ignored)
     * @param session      the conversation the request continues (an agent's session), which conversation-affinity
     *                     routing keeps on one worker; {@code null} when unknown
     */
    public record Request(String id, int promptTokens, long[] blockHashes, int outputTokens, @Nullable String session) {

        /** A request of no known conversation. */
        public Request(String id, int promptTokens, long[] blockHashes, int outputTokens) {
            this(id, promptTokens, blockHashes, outputTokens, null);
        }

        public Request {
            if (promptTokens < 1 || outputTokens < 1) {
                throw new IllegalArgumentException("request " + id + ": prompt and output need at least one token");
            }
            if (blockHashes == null) throw new IllegalArgumentException("request " + id + ": no block hashes");
            if (blockHashes.length > (promptTokens + outputTokens) / KvBlocks.BLOCK_TOKENS) {
                throw new IllegalArgumentException("request " + id + ": " + blockHashes.length
                        + " block hashes for " + (promptTokens + outputTokens) + " tokens");
            }
        }
    }

    /**
     * Token counts of a finished request, as an OpenAI-compatible server reports them in {@code usage}.
     *
     * @param cachedTokens prompt tokens served from the prefix cache at the request's first admission
     */
    public record Usage(int promptTokens, int cachedTokens, int outputTokens) {}

    /** Receives the engine's events; every time is the simulated moment the event happens. */
    public interface Listener {
        /** A listener that ignores everything. */
        Listener NONE = new Listener() {};

        /** {@code count} output tokens of a request became available (the first when its prefill completes). */
        default void tokens(Request request, int count, double time) {}

        /** A request produced its last token. */
        default void finished(Request request, Usage usage, double time) {}

        /** A request lost its KV cache to make room and will be recomputed. */
        default void preempted(Request request, double time) {}
    }

    /**
     * A listener that takes steady decoding in bulk, for drivers that need a request's token times only once it ends
     * (a virtual-time driver). With it, a replica steps its decoding requests together at a cost that does not grow
     * with their number, and reports the tokens of such a stretch late: at the request's finish (just before
     * {@link #finished}), at its preemption, when the stretch ends, or at {@link Engine#flushTokens}. Each token keeps
     * its own time and a request's token events stay in time order; first tokens and finishes come when they happen.
     * Tokens not yet reported when a request is cancelled are dropped. A plain {@link Listener} gets every token at
     * its step, as a real-time server needs to stream it; both see the same times.
     */
    public interface BulkListener extends Listener {
        /** One output token of {@code request} at each of {@code times[from]}, ..., {@code times[to - 1]} (ascending). */
        void tokens(Request request, double[] times, int from, int to);
    }

    /**
     * What the engine does from {@code start} on: call {@link #step} again at {@code end} (or after a submit).
     *
     * @param end          when the next step or KV transfer completes; +infinity when idle
     * @param busyReplicas replicas running a step
     * @param gpuWatts     the draw of all the system's GPUs from {@code start} until the next call
     * @param systemWatts  the same plus the rest of the node or rack
     */
    public record Step(double start, double end, int busyReplicas, int runningSequences, int waitingRequests,
                       double gpuWatts, double systemWatts) {
        /** Nothing queued or running: only a submit gives the engine work again. */
        public boolean idle() {
            return end == Double.POSITIVE_INFINITY;
        }
    }

    /**
     * Totals since the engine was created, with energy integrated up to the last {@link #step} call.
     *
     * @param cancelledRequests requests abandoned with {@link #cancel} before they finished
     * @param prefilledTokens   prompt (and recomputed) tokens computed by prefill, each once per admission
     * @param cacheHitTokens    tokens served from the prefix cache over all admissions
     * @param outputTokens      output tokens emitted
     * @param kvBlocksUsed      blocks held by requests now
     * @param kvBlocksCached    unreferenced blocks holding cached prefixes now
     * @param kvBlocksTotal     capacity of all replicas
     */
    public record Counters(long submittedRequests, long finishedRequests, long cancelledRequests, long steps,
                           long prefilledTokens, long cacheHitTokens, long outputTokens, long preemptions, long evictions,
                           double transferredBytes, long kvBlocksUsed, long kvBlocksCached, long kvBlocksTotal,
                           double time, double gpuEnergyJoules, double systemEnergyJoules) {
        /** Share of the KV cache held by requests (vLLM's {@code kv_cache_usage_perc}). */
        public double kvUsage() {
            return (double) kvBlocksUsed / kvBlocksTotal;
        }
    }

    private final EngineConfig config;
    private final List<Replica> replicas = new ArrayList<>();
    private final List<Replica> entry = new ArrayList<>();
    private final List<Replica> decode = new ArrayList<>();
    /**
     * The replicas by worker, in replica order: a worker's attention ranks start and end their steps together, so
     * their step state (busy, step end, cost, power) is one, read from the first rank.
     */
    private final List<Replica[]> workers = new ArrayList<>();
    /** With conversation affinity: each pool's worker of every conversation it has served. */
    private final Map<String, Replica> entryAffinity = new HashMap<>();
    private final Map<String, Replica> decodeAffinity = new HashMap<>();
    private final Tally tally = new Tally();
    /** Replicas with an event due, found by {@link #completeDue}. */
    private Replica[] due = new Replica[8];
    private final double idleWatts;
    private double now;

    private Engine(EngineConfig config) {
        this.config = config;
        CostModel cost = new CostModel(config);
        idleWatts = cost.idleWatts();
        EngineConfig.Disaggregation d = config.disaggregation();
        EngineConfig.Deployment deployment = config.deployment();
        if (deployment != null && deployment.disaggregated()) {
            addWorkers(entry, Replica.Role.PREFILL, config.pool(deployment.context()));
            addWorkers(decode, Replica.Role.DECODE, config.pool(deployment.generation()));
        } else if (deployment != null) {
            addWorkers(entry, Replica.Role.MIXED, config.pool(deployment.unified()));
        } else if (d == null) {
            for (int i = 0; i < config.replicas(); i++) entry.addAll(AttentionRanks.worker(Replica.Role.MIXED, config, cost, tally));
        } else {
            for (int i = 0; i < d.prefillReplicas(); i++) entry.addAll(AttentionRanks.worker(Replica.Role.PREFILL, config, cost, tally));
            for (int i = 0; i < d.decodeReplicas(); i++) decode.addAll(AttentionRanks.worker(Replica.Role.DECODE, config, cost, tally));
        }
        replicas.addAll(entry);
        replicas.addAll(decode);
        for (int i = 0; i < replicas.size(); ) {
            int n = replicas.get(i).ranks();
            workers.add(replicas.subList(i, i + n).toArray(new Replica[0]));
            i += n;
        }
        RunStarts starts = new RunStarts();
        for (int i = 0; i < replicas.size(); i++) replicas.get(i).blocks.countStartsIn(starts, i);
    }

    /** One pool's workers, each a replica of the pool's view of the configuration with its own cost model. */
    private void addWorkers(List<Replica> pool, Replica.Role role, EngineConfig workers) {
        CostModel cost = new CostModel(workers);
        for (int i = 0; i < workers.replicas(); i++) pool.addAll(AttentionRanks.worker(role, workers, cost, tally));
    }

    /** An idle engine at time 0. */
    public static Engine create(EngineConfig config) {
        return new Engine(config);
    }

    /** The configuration the engine runs. */
    public EngineConfig config() {
        return config;
    }

    /**
     * Queues a request arriving at {@code time} (not before the last step call). It is routed to a replica at once;
     * call {@link #step} at {@code time} for it to start on an idle one.
     *
     * @throws IllegalArgumentException naming the request if it is longer than the model's context or a replica's
     *                                  whole KV cache
     */
    public void submit(Request request, double time) {
        if (!(time >= now)) throw new IllegalArgumentException("request " + request.id() + " submitted at " + time
                + " s, before the engine's time " + now + " s");
        check(request);
        tally.submitted++;
        route(entry, entryAffinity, request).enqueue(entered(request));
    }

    private Sequence entered(Request request) {
        Sequence s = new Sequence(request);
        tally.entered(s);
        return s;
    }

    /**
     * {@link #submit} for a request whose first {@code primedTokens} prompt tokens a fleet mid-session would already
     * have cached: the replica the request is routed to caches them first, without cost and as its LRU cache allows
     * (docs/design.md, "Mid-session starts"), so the request finds them as a prefix hit. Returns the tokens primed
     * (whole blocks; 0 with prefix caching off). A trial primes each agent's first request this way; the real-time
     * server does it for a request carrying the simulator-only {@code X-Agentload-Primed-Tokens} header.
     */
    public int submitPrimed(Request request, double time, int primedTokens) {
        if (!(time >= now)) throw new IllegalArgumentException("request " + request.id() + " submitted at " + time
                + " s, before the engine's time " + now + " s");
        check(request);
        tally.submitted++;
        Replica replica = route(entry, entryAffinity, request);
        int primed = primedTokens > 0 ? replica.prime(request, primedTokens) * BLOCK_TOKENS : 0;
        replica.enqueue(entered(request));
        return primed;
    }

    /**
     * Throws what {@link #submit} would throw for a request that can never be served here, with a message naming the
     * request and the lengths: longer than the model's context, or than one replica's whole KV cache. It reads only the
     * configuration and the replicas' capacities, which never change, so any thread may call it (a server answers
     * HTTP 400 with the message; a virtual trial records the request refused).
     */
    public void check(Request request) {
        long tokens = (long) request.promptTokens() + request.outputTokens();
        ModelProfile model = config.model();
        if (tokens > model.maxContextTokens()) {
            throw new IllegalArgumentException(String.format("request %s: %,d prompt + %,d output = %,d tokens exceed"
                            + " %s's context of %,d tokens", request.id(), request.promptTokens(),
                    request.outputTokens(), tokens, model.name(), model.maxContextTokens()));
        }
        if (tokens > config.maxSequenceTokens()) {
            throw new IllegalArgumentException(String.format("request %s: %,d prompt + %,d output = %,d tokens exceed"
                            + " the deployment's max sequence of %,d tokens", request.id(), request.promptTokens(),
                    request.outputTokens(), tokens, config.maxSequenceTokens()));
        }
        Replica first = smallest();
        int needed = first.blocksNeeded(request), capacity = first.blocks.capacity();
        if (needed > capacity) {
            // What a sequence can reach once its sliding-window blocks are set aside: vLLM's "maximum model length".
            long longest = (long) (capacity - (needed - Replica.blocksFor((int) tokens))) * BLOCK_TOKENS;
            throw new IllegalArgumentException(String.format("request %s: %,d prompt + %,d output = %,d tokens need"
                            + " %,d KV blocks of %d tokens, but one replica's KV cache (%s on %s, TP%d) holds %,d"
                            + " blocks, at most %,d tokens for one sequence, and a sequence cannot span replicas (vLLM"
                            + " would not start with a context longer than its KV cache: give a replica more GPUs or"
                            + " HBM, an FP8 KV cache, or send shorter prompts)", request.id(), request.promptTokens(),
                    request.outputTokens(), tokens, needed, BLOCK_TOKENS, model.name(), config.system().name(),
                    first.gpus(), capacity, Math.max(0, longest)));
        }
    }

    /** The worker of least KV capacity: a request must fit each pool it passes through. */
    private Replica smallest() {
        Replica first = entry.get(0);
        if (!decode.isEmpty() && decode.get(0).blocks.capacity() < first.blocks.capacity()) first = decode.get(0);
        return first;
    }

    /**
     * Abandons a submitted request (its client went away): wherever it is, queued, running, mid-step or receiving
     * its KV cache, it produces no more events and releases its KV blocks at once (full blocks stay cached for
     * prefix reuse, as vLLM frees an aborted request's blocks). A step already in flight keeps its cost. Returns
     * false when the request is not in the engine (never submitted, already finished or already cancelled).
     */
    public boolean cancel(Request request) {
        if (tally.indexed()) {
            Sequence s = tally.sequence(request);
            if (s == null) return false;
            s.replica.cancel(s);
            tally.left(s);
            tally.cancelled++;
            return true;
        }
        for (Replica r : replicas) {
            if (r.cancel(request)) {
                tally.cancelled++;
                return true;
            }
        }
        return false;
    }

    /**
     * Advances the engine to {@code now}: completes every step and KV transfer due by then (reporting their events at
     * their own times), starts a step on every idle replica with work, and says when to call again.
     */
    public Step step(double now, Listener listener) {
        if (!(now >= this.now)) throw new IllegalArgumentException("step at " + now + " s, before " + this.now + " s");
        account(now);
        this.now = now;
        boolean lockstep = listener instanceof BulkListener;
        completeDue(now, listener, lockstep);
        for (Replica[] w : workers) w[0].plan(now, listener, lockstep); // a worker's first rank plans them all
        double end = Double.POSITIVE_INFINITY;
        int busy = 0, running = 0, waiting = 0;
        double gpuWatts = (config.system().gpus() - config.gpusUsed()) * idleWatts;
        double activity = 0;
        for (Replica[] w : workers) {
            Replica first = w[0];
            end = Math.min(end, nextEvent(w));
            if (first.busy()) busy += w.length;
            for (Replica r : w) {
                running += r.running();
                waiting += r.waiting();
            }
            // Each rank's share added in turn, as rank by rank: the same sums to the bit.
            double watts = first.watts() * first.gpus(), active = first.activity() * first.gpus();
            for (int i = 0; i < w.length; i++) {
                gpuWatts += watts;
                activity += active;
            }
        }
        return new Step(now, end, busy, running, waiting, gpuWatts, gpuWatts + restWatts(activity));
    }

    /** A worker's next event: its step's end, or with KV transfers (decode ranks) the earliest of its ranks'. */
    private static double nextEvent(Replica[] worker) {
        double t = worker[0].nextEvent();
        if (worker[0].role != Replica.Role.DECODE) return t;
        for (int i = 1; i < worker.length; i++) t = Math.min(t, worker[i].nextEvent());
        return t;
    }

    /**
     * Completes every event due by {@code now}, earliest first (of equal times, the last replica's first). Only steps
     * and transfers planned before this call can come due and completing one never brings another forward, so the
     * replicas due are found in one pass and only they are looked at again: a worker's ranks end their step together,
     * and rescanning every replica for each would cost ranks times replicas.
     */
    private void completeDue(double now, Listener listener, boolean lockstep) {
        int count = 0;
        for (Replica[] w : workers) {
            if (nextEvent(w) > now) continue;
            for (Replica r : w) {
                if (r.nextEvent() > now) continue;
                if (count == due.length) due = Arrays.copyOf(due, 2 * count);
                due[count++] = r;
            }
        }
        while (count > 0) {
            int first = -1;
            double firstAt = now;
            for (int i = 0; i < count; i++) {
                double t = due[i].nextEvent();
                if (t <= firstAt) {
                    first = i;
                    firstAt = t;
                }
            }
            if (first < 0) break;
            due[first].completeDue(now, this, listener, lockstep);
        }
        Arrays.fill(due, 0, count, null);
    }

    /** Steps until nothing is queued or running and returns that time (events reported as {@link #step} does). */
    public double drain(double now, Listener listener) {
        double t = now;
        for (Step s = step(t, listener); !s.idle(); s = step(t, listener)) t = s.end();
        return t;
    }

    /** Reports every token a {@link BulkListener} has not been given yet (of requests still decoding). */
    public void flushTokens(Listener listener) {
        for (Replica r : replicas) r.reportTokens(listener);
    }

    /** The totals so far. */
    public Counters counters() {
        long used = 0, cached = 0, total = 0, evictions = 0;
        for (Replica r : replicas) {
            used += r.blocks.referenced();
            cached += r.blocks.cached();
            total += r.blocks.capacity();
            evictions += r.blocks.evictions();
        }
        return new Counters(tally.submitted, tally.finished, tally.cancelled, tally.steps, tally.prefilledTokens,
                tally.cacheHitTokens, tally.outputTokens, tally.preemptions, evictions, tally.transferredBytes, used,
                cached, total, now, tally.gpuJoules, tally.systemJoules);
    }

    /** A prefilled request moves to a decode replica, where it waits for blocks and then its KV transfer. */
    void handOff(Sequence s) {
        route(decode, decodeAffinity, s.request).enqueue(s);
    }

    /**
     * Cache-aware routing as SGLang's router does it: the replica holding the longest cached prefix when that covers
     * at least half of the prompt, else the least loaded one. The prefix depth is the one admission would hit there,
     * found run by run as SGLang's radix tree matches it.
     */
    private Replica route(List<Replica> pool, Map<String, Replica> affinity, Request request) {
        if (pool.size() == 1) return pool.get(0);
        if (config.routing() == EngineConfig.Routing.CONVERSATION && request.session() != null) {
            return affinity.computeIfAbsent(request.session(), k -> cacheAware(pool, request));
        }
        return cacheAware(pool, request);
    }

    private Replica cacheAware(List<Replica> pool, Request request) {
        long[] chain = request.blockHashes();
        int usable = Math.min(chain.length, (request.promptTokens() - 1) / KvBlocks.BLOCK_TOKENS);
        int half = (usable + 1) / 2;
        Replica best = null;
        int bestDepth = 0;
        if (config.prefixCaching() && half > 0) {
            for (Replica r : pool) {
                int depth = r.blocks.cachedPrefix(chain, usable);
                if (depth < half) continue;
                if (best == null || depth > bestDepth || depth == bestDepth && r.load() < best.load()) {
                    best = r;
                    bestDepth = depth;
                }
            }
        }
        if (best != null) return best;
        for (Replica r : pool) if (best == null || r.load() < best.load()) best = r;
        return best;
    }

    /** Integrates GPU and system energy from the last call to {@code until}. */
    private void account(double until) {
        double dt = until - now;
        if (dt <= 0) return;
        double[] joulesAndActivity = new double[2];
        for (Replica[] w : workers) w[0].account(until, joulesAndActivity, w.length);
        double gpuJoules = joulesAndActivity[0] + (config.system().gpus() - config.gpusUsed()) * idleWatts * dt;
        tally.gpuJoules += gpuJoules;
        double meanActivity = joulesAndActivity[1] / config.system().gpus() / dt;
        tally.systemJoules += gpuJoules + restWatts(meanActivity * config.system().gpus()) * dt;
    }

    /** The rest of the system (CPUs, NICs, switches, fans) by the GPUs' summed activity. */
    private double restWatts(double gpuActivity) {
        double mean = gpuActivity / config.system().gpus();
        return config.system().otherMaxWatts() * (REST_IDLE_SHARE + (1 - REST_IDLE_SHARE) * mean);
    }
}
