package io.agentload.sim;

/** The engine's running totals, updated by its replicas. */
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
}
