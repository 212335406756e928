package io.agentload.sim;

import java.util.concurrent.LinkedBlockingQueue;

/**
 * One request between the HTTP handler waiting for it and the engine thread running it. The engine thread collects
 * what a step gives the request and publishes it, after the step, as one {@link Event}; the handler takes events in
 * order. Tokens of different steps are never merged, even when a late engine thread completes several steps at once.
 */
final class Generation {

    /**
     * What one engine step gave the request, or the end of an abandoned request.
     *
     * @param tokens    output tokens the step produced
     * @param time      the engine time they appeared at, in seconds
     * @param usage     the request's counts when it finished with these tokens, else null
     * @param abandoned the request was given up (its client went away or the server stopped): nothing follows
     */
    record Event(int tokens, double time, Engine.Usage usage, boolean abandoned) {}

    private static final Event ABANDONED = new Event(0, Double.NaN, null, true);

    final Engine.Request request;
    /** Leading prompt tokens to cache before the request runs ({@link Engine#submitPrimed}); 0: none. */
    final int primedTokens;
    private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private volatile boolean abandoned;

    // Written by the engine thread only.
    private int pendingTokens;
    private double pendingTime = Double.NaN;
    private Engine.Usage pendingUsage;
    /** Some of this step's events are waiting for {@link #publish}. */
    boolean touched;
    /** Tokens were published before: the next event is not the request's first. */
    boolean started;

    Generation(Engine.Request request) {
        this(request, 0);
    }

    Generation(Engine.Request request, int primedTokens) {
        this.request = request;
        this.primedTokens = primedTokens;
    }

    /** Engine thread: the request got {@code count} tokens at {@code time}. */
    void tokens(int count, double time) {
        if (time != pendingTime) publish();
        pendingTokens += count;
        pendingTime = time;
    }

    /** Engine thread: the request finished at {@code time} (with the tokens reported for the same time). */
    void finished(Engine.Usage usage, double time) {
        if (time != pendingTime) publish();
        pendingUsage = usage;
        pendingTime = time;
    }

    /** Engine thread: hands what was collected to the handler as one event. */
    void publish() {
        if (pendingTokens > 0 || pendingUsage != null) events.add(new Event(pendingTokens, pendingTime, pendingUsage, false));
        if (pendingTokens > 0) started = true;
        pendingTokens = 0;
        pendingUsage = null;
        pendingTime = Double.NaN;
    }

    /** Any thread: gives the request up; the handler's next {@link #take} ends it. */
    void abandon() {
        abandoned = true;
        events.add(ABANDONED);
    }

    boolean abandoned() {
        return abandoned;
    }

    /** Handler thread: the next event, waiting for it. */
    Event take() throws InterruptedException {
        return events.take();
    }
}
