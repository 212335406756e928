package io.agentload.replay;

import io.agentload.internal.ParquetOutput;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.agentload.internal.ParquetInput.doubleOrNaN;

/**
 * {@code agents.parquet}: one row per (trial, agent) of a search, the agent's figures over its measured requests
 * ({@link TrialMetrics.AgentMetrics}): all that a tier's verdict on a trial needs. A simulated search that keeps the
 * requests' rows of only the trials it reports rebuilds the others from it and {@code trials.parquet}
 * (docs/run-folder.md, "Size of a big search"). An agent's speed is null when it had no multi-token output, its TTFT
 * infinite when a request of it failed.
 */
final class AgentsFile {

    static final String FILE = "agents.parquet";

    private static final MessageType SCHEMA = MessageTypeParser.parseMessageType("""
            message agent {
              required int32 trial;
              required int32 agent;
              required int32 requests;
              required int32 failed_requests;
              required int64 output_tokens;
              optional double output_tps;
              optional double ttft_s;
              required boolean judged;
            }
            """);

    private AgentsFile() {
    }

    /** Writes every agent of {@code trials} to the run folder, atomically. */
    static void write(Run run, List<TrialMetrics> trials) {
        List<int[]> rows = new ArrayList<>();
        for (int t = 0; t < trials.size(); t++) {
            for (int a = 0; a < trials.get(t).agentMetrics().size(); a++) rows.add(new int[]{t, a});
        }
        ParquetFiles.write(run.dir().resolve(FILE), SCHEMA, Map.of(),
                ParquetOutput.Settings.of(CompressionCodecName.ZSTD).withByteStreamSplit(true),
                rows.size(), (row, out) -> {
                    int[] at = rows.get(row);
                    TrialMetrics m = trials.get(at[0]);
                    TrialMetrics.AgentMetrics a = m.agentMetrics().get(at[1]);
                    out.int32(0, m.trial());
                    out.int32(1, a.agent());
                    out.int32(2, a.requests());
                    out.int32(3, a.failedRequests());
                    out.int64(4, a.outputTokens());
                    out.float64OrNull(5, a.outputTokensPerSecond());
                    out.float64OrNull(6, a.ttft());
                    out.bool(7, a.judged());
                });
    }

    /** Every agent recorded in the run folder, by trial, in agent order; empty without the file. */
    static Map<Integer, List<TrialMetrics.AgentMetrics>> read(Run run) {
        Map<Integer, List<TrialMetrics.AgentMetrics>> byTrial = new HashMap<>();
        if (!run.has(FILE)) return byTrial;
        ParquetFiles.read(run.dir().resolve(FILE), (row, g) -> byTrial
                .computeIfAbsent(g.getInteger("trial", 0), k -> new ArrayList<>())
                .add(new TrialMetrics.AgentMetrics(g.getInteger("agent", 0), g.getInteger("requests", 0),
                        g.getInteger("failed_requests", 0), g.getLong("output_tokens", 0),
                        doubleOrNaN(g, "output_tps"), doubleOrNaN(g, "ttft_s"), g.getBoolean("judged", 0))));
        return byTrial;
    }
}
