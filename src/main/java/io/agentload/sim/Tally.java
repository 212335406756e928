package io.agentload.sim;

import java.util.IdentityHashMap;
import java.util.Map;

/** The engine's running totals, updated by its replicas, and its requests in flight. */
final class Tally {
    long submitted;
    long finished;
    long cancelled;
    long steps;
    long prefilledTokens;
    long cacheHitTokens;
    long outputTokens;
    long preemptions;
    double transferredBytes;
    double gpuJoules;
    double systemJoules;
    /**
     * The sequence of each request in the engine, so that a cancel finds it at once; null once one request object was
     * submitted twice while in flight (allowed, if odd), after which a cancel looks for it in every replica as before.
     */
    private Map<Engine.Request, Sequence> inFlight = new IdentityHashMap<>();

    void entered(Sequence s) {
        if (inFlight != null && inFlight.putIfAbsent(s.request, s) != null) inFlight = null;
    }

    void left(Sequence s) {
        if (inFlight != null) inFlight.remove(s.request);
    }

    /** Whether the requests in flight are indexed; if so, {@link #sequence} answers for each. */
    boolean indexed() {
        return inFlight != null;
    }

    /** The sequence of a request in the engine, or null. */
    Sequence sequence(Engine.Request request) {
        return inFlight.get(request);
    }
}
