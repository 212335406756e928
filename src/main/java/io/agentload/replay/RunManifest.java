package io.agentload.replay;

import com.fasterxml.jackson.annotation.JsonValue;
import io.agentload.trajectory.WorkloadShape.ToolTimes;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a run folder's {@code run.json} holds, field for field: the format, when the run started and was resumed, the
 * versions and client it ran on, and what it ran: the hardware, the endpoint and the settings ({@link Run#manifest()}).
 * A simulated search records a {@link SimulatedSystem}, a {@link SimulatorEndpoint} and a {@link SimulatorConfig}; a
 * real-time replay or search a {@link StatedHardware}, an {@link HttpEndpoint} and an {@link EndpointConfig}. Secrets
 * are redacted before the file is written.
 *
 * @param format      {@code agentload-run/1}
 * @param startedAt   when the run was created (ISO-8601; the clock's zero of a real-time run)
 * @param versions    what ran it
 * @param client      the machine that ran it
 * @param hardware    the system under test; null when not given
 * @param endpoint    what served the requests; null when not given
 * @param config      the run's settings; null when not given
 * @param itlDetail   true when the request log keeps every inter-token gap; null in runs recorded before the field
 *                    existed, which kept every gap
 * @param resumedAt   when the run was resumed (ISO-8601), oldest first; null before the first resume
 */
public record RunManifest(String format, String startedAt, Versions versions, Client client, Hardware hardware,
                          EndpointInfo endpoint, Config config, Boolean itlDetail, List<String> resumedAt) {

    /** The format every new run folder is written in. */
    public static final String FORMAT = "agentload-run/1";

    public RunManifest {
        if (resumedAt != null) resumedAt = List.copyOf(resumedAt);
    }

    /** When the run was created. */
    public Instant started() {
        return Instant.parse(startedAt);
    }

    /** True when the request log keeps every inter-token gap ({@code itl_s}), not only their summary. */
    public boolean keepsEveryGap() {
        return itlDetail == null || itlDetail;
    }

    /** This manifest with one more resume. */
    RunManifest resumed(Instant at) {
        List<String> all = new ArrayList<>(resumedAt == null ? List.of() : resumedAt);
        all.add(at.toString());
        return new RunManifest(format, startedAt, versions, client, hardware, endpoint, config, itlDetail, all);
    }

    /**
     * What ran the run.
     *
     * @param agentload this library's version ({@code development build} outside a release jar)
     * @param java      {@code java.version}
     * @param os        {@code os.name os.arch}
     */
    public record Versions(String agentload, String java, String os) {
    }

    /**
     * The machine that ran the client.
     *
     * @param cpus processors available to the JVM
     */
    public record Client(int cpus) {
    }

    /** The system under test: {@link SimulatedSystem}, {@link StatedHardware} or {@link Fields}. */
    public sealed interface Hardware permits SimulatedSystem, StatedHardware, Fields {
    }

    /** What served the requests: {@link SimulatorEndpoint}, {@link HttpEndpoint} or {@link Fields}. */
    public sealed interface EndpointInfo permits SimulatorEndpoint, HttpEndpoint, Fields {
    }

    /** The run's settings: {@link SimulatorConfig}, {@link EndpointConfig} or {@link Fields}. */
    public sealed interface Config permits SimulatorConfig, EndpointConfig, Fields {
    }

    /**
     * The simulated system's profile.
     *
     * @param system         its name ({@code h200x8})
     * @param gpu            the GPU's name
     * @param gpus           GPUs
     * @param hbmBytesPerGpu HBM per GPU in bytes
     * @param tdpW           a GPU's TDP
     * @param idleW          a GPU's idle power
     * @param systemMaxW     the system's maximum power
     * @param powerBoundary  the boundary its power is modelled at
     * @param source         where the system's figures come from
     * @param gpuSource      where the GPU's figures come from
     */
    public record SimulatedSystem(String system, String gpu, int gpus, double hbmBytesPerGpu, double tdpW,
                                  double idleW, double systemMaxW, String powerBoundary, String source,
                                  String gpuSource) implements Hardware {
    }

    /**
     * The hardware behind an endpoint, as the user stated it: nothing guessed.
     *
     * @param gpus        GPUs serving the endpoint
     * @param powerSource the {@code --power} spec, or {@code none}
     */
    public record StatedHardware(int gpus, String powerSource) implements Hardware {
    }

    /**
     * The simulator as the endpoint.
     *
     * @param kind        {@code simulator}
     * @param model       the model's name
     * @param modelSource where the model's figures come from
     */
    public record SimulatorEndpoint(String kind, String model, String modelSource) implements EndpointInfo {

        static final String KIND = "simulator";
    }

    /**
     * An OpenAI-compatible endpoint: never the key, only the variable that held it.
     *
     * @param kind      {@code openai-compatible}
     * @param url       the request URL
     * @param model     the model served
     * @param api       {@code completions} or {@code chat}
     * @param apiKeyEnv the environment variable the key was read from; empty when none was sent
     */
    public record HttpEndpoint(String kind, String url, String model, String api, String apiKeyEnv)
            implements EndpointInfo {

        static final String KIND = "openai-compatible";
    }

    /**
     * A simulated search's settings.
     *
     * @param target              {@code simulator}
     * @param system              the system's name
     * @param model               the model's name
     * @param tensorParallel      GPUs per replica
     * @param replicas            replicas
     * @param prefixCaching       true when the prefix cache was on
     * @param maxBatchTokens      tokens per engine step
     * @param maxRunningSequences sequences per replica
     * @param memoryUtilisation   the share of HBM the engine takes
     * @param kvBlocksPerReplica  KV-cache blocks per replica
     * @param speculation         speculative decoding's settings
     * @param disaggregation      prefill/decode disaggregation's settings ({@code null} without)
     * @param efficiency          the cost model's efficiencies
     * @param trajectories        the trajectories' file, or how they were given in code
     * @param sessions            sessions replayed
     * @param tiers               the tiers, as labels joined by {@code ; }
     * @param seed                the seed
     * @param windowS             each trial's measurement window
     * @param warmUpMinS          the warm-up's minimum
     * @param warmUpMaxS          the warm-up's maximum
     * @param toolTimeScale       the tool times' multiplier
     * @param maxAgents           the largest N searched
     * @param toolTimes           where tool times came from ({@code ToolTimes.toString()}); null for recorded
     */
    public record SimulatorConfig(String target, String system, String model, Integer tensorParallel,
                                  Integer replicas, Boolean prefixCaching, Integer maxBatchTokens,
                                  Integer maxRunningSequences, Double memoryUtilisation, Integer kvBlocksPerReplica,
                                  String speculation, String disaggregation, String efficiency, String trajectories,
                                  Integer sessions, String tiers, Long seed, Double windowS, Double warmUpMinS,
                                  Double warmUpMaxS, Double toolTimeScale, Integer maxAgents, String toolTimes)
            implements Config {

        static final String TARGET = "simulator";
    }

    /**
     * A real-time replay's or search's settings: everything {@code Replay.fromRun} needs to resume it.
     *
     * @param target              {@code endpoint}
     * @param mode                {@code replay} or {@code bench}
     * @param trajectories        the trajectories' absolute path, or how they were given in code
     * @param sessions            sessions replayed
     * @param sessionsFingerprint a hash of every turn, to tell that a resume replays the same ones
     * @param agents              concurrent agents (a replay; null for a search)
     * @param tiers               the tiers, as {@code speed:ttft:share} joined by commas
     * @param seed                the seed
     * @param windowS             each trial's measurement window
     * @param warmUpMinS          the warm-up's minimum
     * @param warmUpMaxS          the warm-up's maximum
     * @param power               the {@code --power} spec, or {@code none}
     * @param toolTimeScale       the tool times' multiplier
     * @param gpus                GPUs for agents per GPU (a search; null for a replay)
     * @param maxAgents           the largest N searched (a search; null for a replay)
     * @param toolTimes           where tool times came from ({@code ToolTimes.toString()}); null for recorded
     */
    public record EndpointConfig(String target, String mode, String trajectories, Integer sessions,
                                 String sessionsFingerprint, Integer agents, String tiers, Long seed, Double windowS,
                                 Double warmUpMinS, Double warmUpMaxS, String power, Double toolTimeScale,
                                 Integer gpus, Integer maxAgents, String toolTimes) implements Config {

        static final String TARGET = "endpoint";
        static final String REPLAY = "replay";
        static final String BENCH = "bench";
    }

    /**
     * A section this version has no type for, field by field as the file holds it: one written by another version,
     * or given to {@link Run.Builder} as a map.
     *
     * @param fields the section's fields, in the file's order (nested objects as maps, arrays as lists)
     */
    public record Fields(@JsonValue Map<String, Object> fields) implements Hardware, EndpointInfo, Config {

        public Fields {
            fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        }
    }

    /** A tool-time source as {@code run.json} records it: null for recorded, so older folders read the same. */
    static String toolTimes(ToolTimes source) {
        return source.kind() == ToolTimes.Kind.RECORDED ? null : source.toString();
    }

    /** The tool-time source a {@code run.json} records ({@code null}: recorded). */
    static ToolTimes toolTimes(String recorded, Path file) {
        try {
            return recorded == null ? ToolTimes.RECORDED : ToolTimes.parse(recorded);
        } catch (IllegalArgumentException e) {
            throw new ReplayException(file + ": tool_times: " + e.getMessage(), e);
        }
    }
}
