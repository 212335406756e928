package io.agentload.sim;

import io.agentload.trajectory.PromptLayout;
import io.agentload.trajectory.Session;
import io.agentload.trajectory.Turn;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * A minimal closed-loop virtual-time driver for tests and benchmarks: each agent replays a session turn by turn,
 * waiting its tool time between turns, against one engine. The real driver lives elsewhere; this one only needs to
 * exercise the engine as a driver would.
 */
public final class SimLoop {

    /**
     * What a run measured.
     *
     * @param ttfts   seconds from submit to first token, per finished request, in finishing order
     * @param itls    mean seconds between tokens after the first, per finished request with more than one token
     */
    public record Result(List<Double> ttfts, List<Double> itls, long finished, double end, Engine.Counters counters) {
        public double meanTtft() {
            return ttfts.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        }

        public double meanItl() {
            return itls.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        }

        public double outputTokensPerSecond() {
            return counters.outputTokens() / end;
        }
    }

    private SimLoop() {}

    /**
     * Agentic-shaped sessions: a shared 8K-token system prompt, a first prompt of 12-20K tokens, each turn adding the
     * previous output and 500-3,000 tokens of tool output, outputs around 150 tokens with a long tail, 1-8 s of tool
     * time.
     */
    public static List<Session> agenticSessions(int count, int turns, long seed) {
        Random random = new Random(seed);
        List<Session> sessions = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            String id = "s" + s;
            List<Turn> list = new ArrayList<>();
            int input = 12_000 + random.nextInt(8_000);
            int reused = 0;
            for (int t = 0; t < turns; t++) {
                int output = (int) Math.min(4_000, Math.round(150 * Math.exp(random.nextGaussian())));
                output = Math.max(1, output);
                list.add(new Turn(id, t, "java", input, reused, "harness", 8_000, output,
                        1_000 + random.nextInt(7_000), List.of()));
                reused = input + output;
                input = reused + 500 + random.nextInt(2_500);
            }
            sessions.add(new Session(id, "java", list));
        }
        return sessions;
    }

    /** Runs {@code agents} agents (agent i replays session i mod count, salt from i and the replay) from time 0 until {@code horizon}. */
    public static Result run(Engine engine, List<Session> sessions, int agents, double horizon) {
        List<List<PromptLayout>> layouts = sessions.stream().map(PromptLayout::of).toList();
        PriorityQueue<double[]> wakeups = new PriorityQueue<>((a, b) -> Double.compare(a[0], b[0]));
        int[] nextTurn = new int[agents];
        int[] replays = new int[agents];
        Random random = new Random(agents);
        for (int a = 0; a < agents; a++) wakeups.add(new double[] {random.nextDouble() * 5, a});
        Map<Engine.Request, double[]> live = new HashMap<>();
        List<Double> ttfts = new ArrayList<>();
        List<Double> itls = new ArrayList<>();
        long[] finished = {0};
        Engine.Listener listener = new Engine.Listener() {
            @Override
            public void tokens(Engine.Request r, int count, double time) {
                double[] state = live.get(r); // submit time, first token time, agent
                if (Double.isNaN(state[1])) {
                    state[1] = time;
                    ttfts.add(time - state[0]);
                }
            }

            @Override
            public void finished(Engine.Request r, Engine.Usage usage, double time) {
                double[] state = live.remove(r);
                finished[0]++;
                if (usage.outputTokens() > 1) itls.add((time - state[1]) / (usage.outputTokens() - 1));
                int agent = (int) state[2];
                Session s = sessions.get(agent % sessions.size());
                Turn done = s.turns().get(nextTurn[agent] - 1);
                if (nextTurn[agent] == s.turns().size()) {
                    nextTurn[agent] = 0;
                    replays[agent]++; // a new salt, so a replay does not hit its own earlier cache
                }
                wakeups.add(new double[] {time + done.toolTimeMs() / 1000.0, agent});
            }
        };
        Engine.Step step = engine.step(0, listener);
        double now = 0;
        while (true) {
            double agentAt = wakeups.isEmpty() ? Double.POSITIVE_INFINITY : wakeups.peek()[0];
            double next = Math.min(agentAt, step.end());
            if (next > horizon) break;
            now = next;
            while (!wakeups.isEmpty() && wakeups.peek()[0] <= now) {
                int agent = (int) wakeups.poll()[1];
                int sessionIndex = agent % sessions.size();
                Session s = sessions.get(sessionIndex);
                int k = nextTurn[agent]++;
                Turn turn = s.turns().get(k);
                Engine.Request r = new Engine.Request(s.sessionId() + "/" + k + "/a" + agent, turn.inputTokens(),
                        layouts.get(sessionIndex).get(k).blockHashesWithOutput(KvBlocks.BLOCK_TOKENS, agent + ((long) replays[agent] << 32)), turn.outputTokens());
                live.put(r, new double[] {now, Double.NaN, agent});
                engine.submit(r, now);
            }
            step = engine.step(now, listener);
        }
        return new Result(ttfts, itls, finished[0], now, engine.counters());
    }
}
