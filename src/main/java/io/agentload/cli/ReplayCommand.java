package io.agentload.cli;

import io.agentload.endpoint.Endpoint;
import io.agentload.power.Power;
import io.agentload.power.PowerException;
import io.agentload.power.PowerSummary;
import io.agentload.replay.Run;
import io.agentload.replay.RunManifest;
import io.agentload.replay.Replay;
import io.agentload.replay.ReplayResult;
import io.agentload.replay.RequestRecord;
import io.agentload.replay.SloTier;
import io.agentload.replay.TrialMetrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code agentload replay}: N agents replaying trajectories against an endpoint in real time, one fixed concurrency,
 * recorded in a run folder; {@code --resume RUNDIR} continues one whose process was killed.
 */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Replay agent trajectories against an OpenAI-compatible endpoint in real time " +
                "at one fixed concurrency: closed-loop agents with their recorded tool times, " +
                "token-id prompts with exact prefix reuse, a warm-up, then a measurement window. " +
                "Every request is recorded in RUNDIR as it completes. Faults (refused, HTTP " +
                "errors, timeouts, cut or malformed streams, missing usage) are recorded and " +
                "counted, and never stop the run. A killed run keeps every completed request; " +
                "--resume RUNDIR continues it.")
final class ReplayCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--resume", paramLabel = "RUNDIR",
            description = "continue the replay recorded in RUNDIR (its run.json gives every other setting)")
    Path resume;

    @Mixin
    EndpointOptions endpoint;

    @Mixin
    TimeoutOptions timeouts;

    @Option(names = "--agents", paramLabel = "N", description = "concurrent agents")
    Integer agents;

    @Option(names = "--trajectories", paramLabel = "FILE", description = "the turn table agents replay: .parquet, .jsonl or .csv")
    Path trajectories;

    @Option(names = {"-o", "--output"}, paramLabel = "RUNDIR", description = "the run folder to create")
    Path output;

    @Option(names = {"--window", "--duration"}, paramLabel = "DURATION", defaultValue = CliDefaults.WINDOW,
            converter = DurationConverter.class,
            description = "the measurement window, e.g. 10m or 90s (default: ${DEFAULT-VALUE})")
    Duration window;

    @Option(names = "--warmup", paramLabel = "DURATION", defaultValue = "0s", converter = DurationConverter.class,
            description = "the shortest warm-up; it lasts at least until every agent has finished a turn "
                    + "(against agentload serve, which is primed, until half of them have, or until it is certainly "
                    + "behind their first requests) (default: ${DEFAULT-VALUE})")
    Duration warmUp;

    @Option(names = "--max-warmup", paramLabel = "DURATION", defaultValue = "10m", converter = DurationConverter.class,
            description = "the longest warm-up (default: ${DEFAULT-VALUE})")
    Duration maxWarmUp;

    @Option(names = "--power", paramLabel = "SPEC", description = "measure power: nvidia-smi[=PATH], dcgm=URL, "
            + "redfish[@rack]=URL (node boundary) or constant=WATTS[:gpu|node|rack]; default: none, so Agents per MW "
            + "is not reported")
    String power;

    @Option(names = "--tiers", paramLabel = "SPEC", defaultValue = CliDefaults.TIERS, converter = TiersConverter.class,
            description = "tiers judging the window: 20,60,100, SPEED:MAX_TTFT_S[:SHARE] or aa (default: ${DEFAULT-VALUE})")
    List<SloTier> tiers;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Mixin
    ToolTimeOption toolTime;

    @Option(names = "--itl-detail", description = "keep every request's inter-token gaps, in memory and in "
            + "requests.parquet (itl_s), not only their count, mean, p50, p90, p99 and max")
    boolean itlDetail;

    @Option(names = "--json", description = "print summary.json instead of text")
    boolean json;

    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "draw a progress bar on standard error (default: on)")
    boolean progress;

    /** The options a resumed replay takes: every other setting comes from the run folder. */
    private static final List<String> WHEN_RESUMING = Stream.concat(Stream.of("--resume", "--json", "--progress"),
            TimeoutOptions.NAMES.stream()).toList();

    @Override
    public Integer call() throws Exception {
        ReplayResult result;
        Path dir = resume != null ? resume : output;
        if (resume != null) {
            CliChecks.onlyWhenResuming(spec, resume, WHEN_RESUMING);
            RunManifest manifest = Run.open(resume).manifest();
            if (!(manifest.config() instanceof RunManifest.EndpointConfig c && "replay".equals(c.mode())
                    && manifest.endpoint() instanceof RunManifest.HttpEndpoint recorded)) {
                throw new ParameterException(spec.commandLine(), resume + " does not hold a replay (its run.json "
                        + "config.mode is " + mode(manifest) + ")");
            }
            try (Endpoint e = EndpointOptions.fromRun(recorded, timeouts)) {
                result = withProgress(timeouts.applyTo(Replay.fromRun(resume, e))).resume(resume);
            }
        } else {
            if (endpoint.url == null || endpoint.model == null || agents == null || trajectories == null || output == null) {
                throw new ParameterException(spec.commandLine(), "a new run needs --endpoint URL, --model NAME, "
                        + "--agents N, --trajectories FILE and -o RUNDIR (or --resume RUNDIR)");
            }
            if (agents < 1) throw new ParameterException(spec.commandLine(), "--agents must be positive, not " + agents);
            if (!Files.exists(trajectories)) {
                throw new ParameterException(spec.commandLine(), "--trajectories: " + trajectories + " does not exist");
            }
            try (Endpoint e = endpoint(endpoint)) {
                Replay replay;
                try {
                    replay = Replay.against(e).withTrajectories(trajectories).withAgents(agents).withWindow(window)
                            .withWarmUp(warmUp, maxWarmUp).withSeed(seed).withTiers(tiers).withItlDetail(itlDetail)
                            .withToolTimes(toolTime.toolTimes);
                    replay = timeouts.applyTo(replay);
                    if (power != null) replay = replay.withPower(Power.source(power));
                } catch (IllegalArgumentException | PowerException bad) {
                    throw new ParameterException(spec.commandLine(), bad.getMessage());
                }
                result = withProgress(replay).run(output);
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) out.print(Files.readString(dir.resolve(Run.SUMMARY)));
        else print(out, dir, result);
        out.flush();
        return 0;
    }

    /** The mode a run folder's config names, quoted, or nothing. */
    static String mode(RunManifest manifest) {
        return manifest.config() instanceof RunManifest.EndpointConfig c && c.mode() != null ? "\"" + c.mode() + "\""
                : "";
    }

    private Endpoint endpoint(EndpointOptions options) {
        try {
            return options.build(timeouts);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private Replay withProgress(Replay replay) {
        return progress ? replay.withProgress(spec.commandLine().getErr()) : replay;
    }

    private static void print(PrintWriter out, Path dir, ReplayResult r) {
        TrialMetrics m = r.trial();
        out.printf(Locale.ROOT, "%s: trial %d, %,d agents, %.0f s window after %.1f s of warm-up%s, then %.1f s of "
                        + "cool-down%n", dir, m.trial(), m.agents(), m.windowSeconds(), m.windowStart() - m.startTime(),
                m.warmUpCut() ? " (cut at its maximum)" : "", m.endTime() - m.windowEnd());
        String faults = r.requestsByStatus().entrySet().stream()
                .filter(e -> !e.getKey().equals(RequestRecord.OK) && !e.getKey().equals(RequestRecord.CUT_AT_GRACE))
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
        long graceCut = r.requestsByStatus().getOrDefault(RequestRecord.CUT_AT_GRACE, 0L);
        out.printf(Locale.ROOT, "  requests   %,d ok, %,d failed%s%s; %,d measured (%,d failed)%n",
                r.requestsByStatus().getOrDefault(RequestRecord.OK, 0L), r.failedRequests(),
                faults.isEmpty() ? "" : " (" + faults + ")",
                graceCut == 0 ? "" : String.format(Locale.ROOT, ", %,d cut_at_grace (judged on what they received)", graceCut),
                m.measuredRequests(), m.failedRequests());
        out.printf(Locale.ROOT, "  TTFT       p50 %s  p90 %s  p99 %s%n", s(m.ttft().p50()), s(m.ttft().p90()), s(m.ttft().p99()));
        out.printf(Locale.ROOT, "  E2E        p50 %s  p90 %s  p99 %s%n", s(m.e2eLatency().p50()), s(m.e2eLatency().p90()),
                s(m.e2eLatency().p99()));
        out.printf(Locale.ROOT, "  ITL        p50 %s  p90 %s  p99 %s%n", s(m.interTokenLatency().p50()),
                s(m.interTokenLatency().p90()), s(m.interTokenLatency().p99()));
        out.printf(Locale.ROOT, "  output     %,.0f tok/s, %.2f req/s; cached tokens %s%n", m.outputTokensPerSecond(),
                m.requestsPerSecond(), Double.isNaN(m.cachedTokenRatio()) ? "not reported"
                        : String.format(Locale.ROOT, "%.1f%%", 100 * m.cachedTokenRatio()));
        if (r.sendLag().isPresent()) {
            ReplayResult.SendLag lag = r.sendLag().get();
            out.printf(Locale.ROOT, "  send lag   p50 %.2f ms, p99 %.2f ms, max %.2f ms; %,d sends in the window later "
                            + "than %d ms%s%n", 1e3 * lag.p50Seconds(), 1e3 * lag.p99Seconds(), 1e3 * lag.maxSeconds(), lag.lateMeasuredSends(),
                    ReplayResult.SendLag.LATE.toMillis(), lag.lateMeasuredSends() > 0 ? " (the client machine is overloaded)" : "");
        }
        if (r.power().isPresent()) {
            PowerSummary p = r.power().get();
            out.printf(Locale.ROOT, "  power      %,.0f W mean (%s), %,.1f kJ, coverage %.1f%%%s; %,.0f agents per MW%n",
                    p.meanWatts(), p.label(), p.energyJoules() / 1e3, 100 * p.coverage(),
                    p.lowCoverage() ? " (low: too few readings)" : "", r.agentsPerMegawatt());
        } else {
            out.printf("  power      not measured (--power SPEC), so no Agents per MW%n");
        }
        for (TrialMetrics.TierCheck c : r.tiers()) {
            out.printf(Locale.ROOT, "  tier       %-40s %s (%d of %d agents)%n", c.tier().label(),
                    c.passed() ? "pass" : "fail", c.agentsPassing(), c.agentsJudged());
        }
    }

    private static String s(double seconds) {
        return Double.isNaN(seconds) ? "-" : String.format(Locale.ROOT, "%.3f s", seconds);
    }
}
