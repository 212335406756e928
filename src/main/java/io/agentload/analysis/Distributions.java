package io.agentload.analysis;

import io.agentload.trajectory.Turn;
import org.knowm.xchart.XYChart;

import java.util.List;

/**
 * Per-turn distributions of a turn table against the published shape of coding-agent traffic. Published figures:
 * AA-AgentPerf's workload as published in June 2026 (docs/published-figures.md): inputs about 5K to 131K tokens with
 * mean about 27K; outputs median about 150 tokens, p95 about 2K.
 */
final class Distributions {

    static final double PUBLISHED_MIN_INPUT_TOKENS = 5_000;
    static final double PUBLISHED_MAX_INPUT_TOKENS = 131_072;
    static final double PUBLISHED_MEAN_INPUT_TOKENS = 27_000;
    static final double PUBLISHED_MEDIAN_OUTPUT_TOKENS = 150;
    static final double PUBLISHED_P95_OUTPUT_TOKENS = 2_000;

    private Distributions() {
    }

    static Figure<XYChart> inputLengths(List<Turn> turns, int binsPerDecade) {
        Histogram h = new Histogram("input lengths", turns.stream().mapToLong(Turn::inputTokens).toArray(),
                binsPerDecade, "tokens", "Input tokens per turn", "input tokens");
        return h.mark("published min ~5K", PUBLISHED_MIN_INPUT_TOKENS, Style.GREY, Style.DOTTED)
                .mark("published max ~131K", PUBLISHED_MAX_INPUT_TOKENS, Style.GREY, Style.DOTTED)
                .mark("published mean ~27K", PUBLISHED_MEAN_INPUT_TOKENS, Style.GREY, Style.DASHED)
                .mark("mean " + Style.tokens(h.mean()), h.mean(), Style.VERMILLION, Style.SOLID)
                .figure();
    }

    static Figure<XYChart> outputLengths(List<Turn> turns, int binsPerDecade) {
        Histogram h = new Histogram("output lengths", turns.stream().mapToLong(Turn::outputTokens).toArray(),
                binsPerDecade, "tokens", "Output tokens per turn", "output tokens");
        double median = h.percentile(0.5), p95 = h.percentile(0.95);
        return h.mark("published median ~150", PUBLISHED_MEDIAN_OUTPUT_TOKENS, Style.GREY, Style.DASHED)
                .mark("published p95 ~2K", PUBLISHED_P95_OUTPUT_TOKENS, Style.GREY, Style.DOTTED)
                .mark("median " + Style.tokens(median), median, Style.VERMILLION, Style.SOLID)
                .mark("p95 " + Style.tokens(p95), p95, Style.PURPLE, Style.SOLID)
                .figure();
    }

    static Figure<XYChart> toolTimes(List<Turn> turns, int binsPerDecade) {
        Histogram h = new Histogram("tool times", turns.stream().mapToLong(Turn::toolTimeMs).toArray(),
                binsPerDecade, "ms", "Tool time after each turn", "tool time (ms)");
        double median = h.percentile(0.5), p95 = h.percentile(0.95), mean = h.mean();
        return h.mark("median " + Style.milliseconds(median), median, Style.VERMILLION, Style.SOLID)
                .mark("mean " + Style.milliseconds(mean), mean, Style.GREEN, Style.SOLID)
                .mark("p95 " + Style.milliseconds(p95), p95, Style.PURPLE, Style.SOLID)
                .figure();
    }
}
