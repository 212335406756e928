package io.agentload.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What an {@link SloSearch} found: per tier the largest number of agents served, agents per GPU and Agents per
 * Megawatt; and every trial it ran, which draw the SLO curves.
 *
 * @param tiers  one result per tier, in the search's order
 * @param trials every trial, in the order they ran
 * @param gpus   GPUs of the system under test
 */
public record SloResult(List<TierResult> tiers, List<TrialMetrics> trials, int gpus) {

    /** The file {@link #writeTo(Run)} writes the per-tier summary to. */
    public static final String SUMMARY = "summary.json";
    /** The file {@link #writeTo(Run)} writes the HTML report to. */
    public static final String REPORT = "report.html";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public SloResult {
        tiers = List.copyOf(tiers);
        trials = List.copyOf(trials);
    }

    /**
     * One tier's answer.
     *
     * @param tier              the tier
     * @param maxAgents         the largest N that passed below the smallest N that failed (0 if even the first failed)
     * @param capped            true when no trial failed: the system serves at least {@code maxAgents}
     * @param consistent        true when every trial passed at N &le; maxAgents and failed above it
     * @param agentsPerGpu      maxAgents over the system's GPUs
     * @param agentsPerMegawatt maxAgents over the mean power of the trial at maxAgents in MW; NaN without power
     * @param power             that trial's mean power and its boundary
     */
    public record TierResult(SloTier tier, int maxAgents, boolean capped, boolean consistent, double agentsPerGpu,
                             double agentsPerMegawatt, PowerMeter.Reading power) {

        static TierResult of(SloTier tier, int maxAgents, boolean capped, boolean consistent, int gpus,
                             PowerMeter.Reading power) {
            double perMw = maxAgents == 0 ? 0 : maxAgents / (power.meanWatts() / 1e6);
            return new TierResult(tier, maxAgents, capped, consistent, (double) maxAgents / gpus, perMw, power);
        }
    }

    /** Every trial judged by every tier: one row per (trial, tier), as {@code trials.parquet} holds it. */
    public Table trialsTable() {
        return TrialsTable.of(trials, tiers.stream().map(TierResult::tier).toList());
    }

    /**
     * The per-tier summary as JSON (what {@code agentload bench --json} prints): {@code min_output_tps},
     * {@code max_ttft_s}, {@code percentile_of_agents}, {@code max_agents}, {@code capped}, {@code consistent},
     * {@code agents_per_gpu}, {@code agents_per_mw}, {@code mean_power_w}, {@code power_boundary}; unknown figures
     * are null.
     */
    public String summaryJson() {
        try {
            return JSON.writeValueAsString(summaryNode()) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write the summary as JSON", e);
        }
    }

    /** The summary as a JSON tree, for drivers that add what they know (the real-time replay's faults and lag). */
    ObjectNode summaryNode() {
        ObjectNode root = JSON.createObjectNode();
        root.put("gpus", gpus);
        root.put("trials", trials.size());
        ArrayNode array = root.putArray("tiers");
        for (TierResult t : tiers) {
            ObjectNode o = array.addObject();
            number(o, "min_output_tps", t.tier().minOutputTokensPerSecond());
            number(o, "max_ttft_s", t.tier().maxTtftSeconds());
            number(o, "percentile_of_agents", t.tier().percentileOfAgents());
            o.put("max_agents", t.maxAgents());
            o.put("capped", t.capped());
            o.put("consistent", t.consistent());
            number(o, "agents_per_gpu", t.agentsPerGpu());
            number(o, "agents_per_mw", t.agentsPerMegawatt());
            number(o, "mean_power_w", t.power().meanWatts());
            if (t.power().present()) o.put("power_boundary", t.power().boundary());
            else o.putNull("power_boundary");
        }
        return root;
    }

    /** Puts a finite number (an integral one as an integer), or null. */
    static void number(ObjectNode o, String field, double value) {
        if (Double.isFinite(value)) {
            if (value == Math.rint(value) && Math.abs(value) < 1e15) o.put(field, (long) value);
            else o.put(field, value);
        } else {
            o.putNull(field);
        }
    }

    /** A self-contained HTML page: the tier table, the trials and the SLO curves as embedded PNG charts. */
    public String reportHtml() {
        return HtmlReport.of(this);
    }

    /** Writes {@code trials.parquet}, {@code summary.json} and {@code report.html} into {@code run}. */
    public void writeTo(Run run) {
        run.writeTable(TrialsTable.FILE, trialsTable());
        run.writeText(SUMMARY, summaryJson());
        run.writeText(REPORT, reportHtml());
    }

    /**
     * The result a finished search wrote into {@code run}: the tiers of {@code summary.json} and every trial, rebuilt
     * from {@code trials.parquet} and the recorded requests, so that analyses of a run folder see what the search
     * saw. A run without {@code summary.json} has not finished its search: resume it with {@link SloSearch#run(Run)}.
     */
    public static SloResult read(Run run) {
        Path file = run.dir().resolve(SUMMARY);
        if (!run.has(SUMMARY)) {
            throw new ReplayException(file + " does not exist: the search in " + run.dir()
                    + " has not finished; resume it with SloSearch.run(Run.resume(dir))");
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new ReplayException(file + ": " + e.getMessage(), e);
        }
        int gpus = (int) number(root, "gpus", file);
        JsonNode array = root.path("tiers");
        if (!array.isArray()) throw new ReplayException(file + ": expected an array \"tiers\"");
        List<TierResult> tiers = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            JsonNode t = array.get(i);
            String where = file + " tiers[" + i + "]";
            try {
                SloTier tier = new SloTier(number(t, "min_output_tps", where), number(t, "max_ttft_s", where),
                        number(t, "percentile_of_agents", where));
                double watts = optionalNumber(t, "mean_power_w");
                PowerMeter.Reading power = Double.isNaN(watts) ? PowerMeter.Reading.NONE
                        : new PowerMeter.Reading(watts, t.path("power_boundary").asText(""));
                tiers.add(new TierResult(tier, (int) number(t, "max_agents", where), bool(t, "capped", where),
                        bool(t, "consistent", where), number(t, "agents_per_gpu", where),
                        optionalNumber(t, "agents_per_mw"), power));
            } catch (IllegalArgumentException e) {
                throw new ReplayException(where + ": " + e.getMessage(), e);
            }
        }
        List<TrialMetrics> trials = TrialsTable.load(run, run.records());
        return new SloResult(tiers, trials, gpus);
    }

    private static double number(JsonNode node, String field, Object where) {
        JsonNode v = node.path(field);
        if (!v.isNumber()) throw new ReplayException(where + ": field " + field + " is not a number: " + v);
        return v.asDouble();
    }

    private static double optionalNumber(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isNumber() ? v.asDouble() : Double.NaN;
    }

    private static boolean bool(JsonNode node, String field, Object where) {
        JsonNode v = node.path(field);
        if (!v.isBoolean()) throw new ReplayException(where + ": field " + field + " is not true or false: " + v);
        return v.asBoolean();
    }
}
