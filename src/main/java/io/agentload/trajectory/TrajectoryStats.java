package io.agentload.trajectory;

import io.agentload.internal.ExactPercentiles;
import tech.tablesaw.api.Table;
import tech.tablesaw.api.NumericColumn;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The summary statistics of a turn table that buyers quote: sessions, turns, input and output token distributions,
 * the share of input tokens reused from the previous turn, turns per session, the language mix, tool times, subagent
 * sessions and compactions.
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
 * @param toolTimeMs            distribution of tool time between calls over all turns, in milliseconds (the last
 *                              turn of a session has none, so counts as 0)
 * @param subagentSessions      sessions that a parent session spawned ({@link Session#subagent()})
 * @param compactions           turns that compact the context ({@link Turn#compaction()})
 */
public record TrajectoryStats(
        int sessions,
        int turns,
        Distribution inputTokens,
        Distribution outputTokens,
        double reusedTokenShare,
        Distribution turnsPerSession,
        Map<String, Integer> sessionsPerLanguage,
        Distribution toolTimeMs,
        int subagentSessions,
        int compactions) {

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
        for (String column : new String[] {Trajectories.SESSION_ID, Trajectories.TURN, Trajectories.LANGUAGE,
                Trajectories.INPUT_TOKENS, Trajectories.REUSED_TOKENS, Trajectories.OUTPUT_TOKENS,
                Trajectories.TOOL_TIME_MS}) {
            if (!turns.containsColumn(column)) {
                throw new TrajectoryException("table " + turns.name() + ": missing column " + column);
            }
        }
        NumericColumn<?> input = turns.numberColumn(Trajectories.INPUT_TOKENS);
        NumericColumn<?> reused = turns.numberColumn(Trajectories.REUSED_TOKENS);
        NumericColumn<?> output = turns.numberColumn(Trajectories.OUTPUT_TOKENS);

        Map<String, Integer> turnCounts = new LinkedHashMap<>();
        Map<String, String> languageOf = new LinkedHashMap<>();
        Set<String> subagents = new HashSet<>();
        var sessionIds = turns.stringColumn(Trajectories.SESSION_ID);
        var languages = turns.stringColumn(Trajectories.LANGUAGE);
        var parents = turns.containsColumn(Trajectories.PARENT_SESSION_ID)
                ? turns.stringColumn(Trajectories.PARENT_SESSION_ID) : null;
        var marks = turns.containsColumn(Trajectories.COMPACTION)
                ? turns.booleanColumn(Trajectories.COMPACTION) : null;
        NumericColumn<?> turnIndex = turns.numberColumn(Trajectories.TURN);
        int compactions = 0;
        for (int row = 0; row < turns.rowCount(); row++) {
            String id = sessionIds.get(row);
            turnCounts.merge(id, 1, Integer::sum);
            languageOf.putIfAbsent(id, languages.get(row));
            if (parents != null && !parents.get(row).isEmpty()) subagents.add(id);
            boolean compacts = marks != null ? Boolean.TRUE.equals(marks.get(row))
                    : Turn.impliedCompaction((int) turnIndex.getDouble(row), (int) reused.getDouble(row));
            if (compacts) compactions++;
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
                byCount,
                Distribution.of(turns.numberColumn(Trajectories.TOOL_TIME_MS).asDoubleArray()),
                subagents.size(),
                compactions);
    }
}
