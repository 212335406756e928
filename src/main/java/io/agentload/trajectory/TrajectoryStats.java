package io.agentload.trajectory;

import io.agentload.internal.ExactPercentiles;
import tech.tablesaw.api.Table;
import tech.tablesaw.api.NumericColumn;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The summary statistics of a turn table that buyers quote: sessions, turns, input and output token distributions,
 * the share of input tokens reused from the previous turn, turns per session and the language mix.
 *
 * <pre>{@code
 * TrajectoryStats stats = TrajectoryStats.of(Trajectories.read("data/coding-agent-sample.parquet"));
 * stats.inputTokens().mean();   // about 27,000 for coding-agent traffic
 * }</pre>
 *
 * <p>Percentiles are exact: sorted values with linear interpolation between closest ranks (numpy's default, R-7).
 *
 * @param sessions              distinct sessions
 * @param turns                 rows (model calls)
 * @param inputTokens           distribution of prompt lengths over all turns
 * @param outputTokens          distribution of output lengths over all turns
 * @param reusedTokenShare      reused input tokens / all input tokens
 * @param turnsPerSession       distribution of session lengths
 * @param sessionsPerLanguage   sessions per language, most common first
 */
public record TrajectoryStats(
        int sessions,
        int turns,
        Distribution inputTokens,
        Distribution outputTokens,
        double reusedTokenShare,
        Distribution turnsPerSession,
        Map<String, Integer> sessionsPerLanguage) {

    /**
     * Min, mean, percentiles and max of one quantity.
     */
    public record Distribution(double min, double mean, double p50, double p90, double p99, double max) {

        static Distribution of(double[] values) {
            if (values.length == 0) return new Distribution(0, 0, 0, 0, 0, 0);
            double[] sorted = values.clone();
            Arrays.sort(sorted);
            return new Distribution(sorted[0], Arrays.stream(sorted).average().orElse(0),
                    ExactPercentiles.ofSorted(sorted, 0.5), ExactPercentiles.ofSorted(sorted, 0.9),
                    ExactPercentiles.ofSorted(sorted, 0.99), sorted[sorted.length - 1]);
        }
    }

    public TrajectoryStats {
        sessionsPerLanguage = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(sessionsPerLanguage));
    }

    /** Computes the statistics of a turn table (as {@link Trajectories#read(String)} returns it). */
    public static TrajectoryStats of(Table turns) {
        for (String column : new String[] {Trajectories.SESSION_ID, Trajectories.LANGUAGE,
                Trajectories.INPUT_TOKENS, Trajectories.REUSED_TOKENS, Trajectories.OUTPUT_TOKENS}) {
            if (!turns.containsColumn(column)) {
                throw new TrajectoryException("table " + turns.name() + ": missing column " + column);
            }
        }
        NumericColumn<?> input = turns.numberColumn(Trajectories.INPUT_TOKENS);
        NumericColumn<?> reused = turns.numberColumn(Trajectories.REUSED_TOKENS);
        NumericColumn<?> output = turns.numberColumn(Trajectories.OUTPUT_TOKENS);

        Map<String, Integer> turnCounts = new LinkedHashMap<>();
        Map<String, String> languageOf = new LinkedHashMap<>();
        var sessionIds = turns.stringColumn(Trajectories.SESSION_ID);
        var languages = turns.stringColumn(Trajectories.LANGUAGE);
        for (int row = 0; row < turns.rowCount(); row++) {
            String id = sessionIds.get(row);
            turnCounts.merge(id, 1, Integer::sum);
            languageOf.putIfAbsent(id, languages.get(row));
        }
        Map<String, Integer> perLanguage = new TreeMap<>();
        languageOf.values().forEach(language -> perLanguage.merge(language, 1, Integer::sum));
        Map<String, Integer> byCount = new LinkedHashMap<>();
        perLanguage.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .forEach(e -> byCount.put(e.getKey(), e.getValue()));

        double inputSum = input.sum();
        return new TrajectoryStats(
                turnCounts.size(),
                turns.rowCount(),
                Distribution.of(input.asDoubleArray()),
                Distribution.of(output.asDoubleArray()),
                inputSum == 0 ? 0 : reused.sum() / inputSum,
                Distribution.of(turnCounts.values().stream().mapToDouble(Integer::doubleValue).toArray()),
                byCount);
    }
}
