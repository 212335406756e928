package io.agentload.power;

import okhttp3.HttpUrl;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Where power readings come from, parsed from a {@code --power} spec by {@link Power#source(String)}:
 * <ul>
 *   <li>{@code nvidia-smi} or {@code nvidia-smi=/path/to/nvidia-smi}: every GPU's {@code power.draw.average},
 *       GPU boundary, measured;</li>
 *   <li>{@code dcgm=http://host:9400/metrics}: a dcgm-exporter, GPU boundary, measured (energy counter preferred);</li>
 *   <li>{@code redfish=https://bmc/redfish/v1/Chassis/1/Power} (or {@code .../EnvironmentMetrics},
 *       {@code .../PowerSubsystem}): a BMC, node boundary, measured; {@code redfish@rack=URL} for a rack manager or
 *       power shelf. Credentials come from {@code AGENTLOAD_REDFISH_TOKEN}, or {@code AGENTLOAD_REDFISH_USER} and
 *       {@code AGENTLOAD_REDFISH_PASSWORD}, never from the URL, and appear in no output. A BMC's self-signed
 *       certificate must be trusted by the JVM ({@code -Djavax.net.ssl.trustStore=...}): certificates are never
 *       skipped;</li>
 *   <li>{@code constant=WATTS[:gpu|node|rack]}: a stated figure, node boundary unless named, not measured;</li>
 *   <li>{@code model}: the simulator's power model, fed through {@link PowerSampler#modelFeed()}, reported at the
 *       GPU and node boundaries, not measured; {@code model@rack} for a rack-scale system (an NVL72), whose
 *       system-wide figure covers the rack.</li>
 * </ul>
 * A source's {@link #toString()} is its spec, safe to print and to store in {@code run.json}.
 */
public final class PowerSource {

    static final String NVIDIA_SMI = "nvidia-smi";
    static final String DCGM = "dcgm";
    static final String REDFISH = "redfish";
    static final String CONSTANT = "constant";
    static final String MODEL = "model";

    /** How long one poll may take before it counts as failed. */
    static final Duration POLL_TIMEOUT = Duration.ofSeconds(5);

    private static final Set<String> MEASURED = Set.of(NVIDIA_SMI, DCGM, REDFISH);
    private static final String FORMS = "nvidia-smi[=PATH], dcgm=URL, redfish[@rack]=URL, constant=WATTS[:BOUNDARY] or model[@rack]";

    private final String kind;
    private final String spec;
    private final Boundary boundary;
    private final Duration defaultInterval;
    private final Supplier<Poller> poller;

    /** What a source reads: a kind of meter, a stated figure or the simulator's model. */
    public enum Kind {
        /** Every GPU's {@code power.draw.average} from {@code nvidia-smi}, measured. */
        NVIDIA_SMI(PowerSource.NVIDIA_SMI),
        /** A dcgm-exporter's GPU power or energy counters, measured. */
        DCGM(PowerSource.DCGM),
        /** A BMC or rack manager over Redfish, measured. */
        REDFISH(PowerSource.REDFISH),
        /** A stated figure, not measured. */
        CONSTANT(PowerSource.CONSTANT),
        /** The simulator's power model, not measured. */
        MODEL(PowerSource.MODEL);

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** The name a {@code --power} spec and {@code power.parquet}'s {@code source} column use. */
        public String label() {
            return label;
        }

        static Kind of(String label) {
            for (Kind k : values()) if (k.label.equals(label)) return k;
            throw new IllegalArgumentException("unknown power source kind " + label);
        }
    }

    private PowerSource(String kind, String spec, Boundary boundary, Duration defaultInterval, Supplier<Poller> poller) {
        this.kind = kind;
        this.spec = spec;
        this.boundary = boundary;
        this.defaultInterval = defaultInterval;
        this.poller = poller;
    }

    static PowerSource parse(String spec, Map<String, String> env) {
        Objects.requireNonNull(spec, "power source spec");
        String s = spec.strip();
        int eq = s.indexOf('=');
        String head = eq < 0 ? s : s.substring(0, eq);
        String value = eq < 0 ? null : s.substring(eq + 1).strip();
        int at = head.indexOf('@');
        String kind = (at < 0 ? head : head.substring(0, at)).strip();
        Boundary named = at < 0 ? null : Boundary.of(head.substring(at + 1));
        Duration fast = Duration.ofMillis(200);
        switch (kind) {
            case NVIDIA_SMI -> {
                noBoundary(kind, named);
                String binary = value == null || value.isEmpty() ? NVIDIA_SMI : value;
                return new PowerSource(kind, value == null ? kind : kind + "=" + binary, Boundary.GPU, fast,
                        () -> new NvidiaSmiPoller(binary, POLL_TIMEOUT));
            }
            case DCGM -> {
                noBoundary(kind, named);
                HttpUrl url = url(kind, value);
                return new PowerSource(kind, kind + "=" + url, Boundary.GPU, fast, () -> new DcgmPoller(url, POLL_TIMEOUT));
            }
            case REDFISH -> {
                HttpUrl url = url(kind, value);
                Boundary b = named == null ? Boundary.NODE : named;
                HttpGet.checkRedfish(env);
                // BMC sensors refresh about once a second; polling faster only loads the BMC
                return new PowerSource(kind, kind + (named == null ? "" : "@" + b.label()) + "=" + url, b,
                        Duration.ofSeconds(1), () -> new RedfishPoller(url, POLL_TIMEOUT, env));
            }
            case CONSTANT -> {
                noBoundary(kind, named);
                if (value == null || value.isEmpty()) throw new PowerException("power source constant needs =WATTS[:BOUNDARY]");
                int colon = value.indexOf(':');
                Boundary b = colon < 0 ? Boundary.NODE : Boundary.of(value.substring(colon + 1));
                double watts = watts(colon < 0 ? value : value.substring(0, colon));
                return new PowerSource(kind, kind + "=" + value, b, fast, () -> new ConstantPoller(watts));
            }
            case MODEL -> {
                if (value != null) throw new PowerException("power source model takes no value (got '" + value + "')");
                if (named == Boundary.GPU) {
                    throw new PowerException("power source model reports the GPUs anyway; name its system boundary, "
                            + "'@node' or '@rack'");
                }
                Boundary b = named == null ? Boundary.NODE : named;
                return new PowerSource(kind, named == null ? kind : kind + "@" + b.label(), b, fast, null);
            }
            default -> throw new PowerException("unknown power source '" + kind + "' (expected " + FORMS + ")");
        }
    }

    private static void noBoundary(String kind, Boundary named) {
        if (named != null) throw new PowerException("power source " + kind + " has a fixed boundary; '@" + named.label() + "' is not allowed");
    }

    private static HttpUrl url(String kind, String value) {
        if (value == null || value.isEmpty()) throw new PowerException("power source " + kind + " needs =URL");
        HttpUrl url = HttpUrl.parse(value);
        if (url == null) throw new PowerException("power source " + kind + ": '" + value + "' is not an http(s) URL");
        if (!url.username().isEmpty() || !url.password().isEmpty()) {
            HttpUrl bare = url.newBuilder().username("").password("").build();
            String instead = kind.equals(REDFISH) ? "; set " + HttpGet.REDFISH_TOKEN + ", or " + HttpGet.REDFISH_USER
                    + " and " + HttpGet.REDFISH_PASSWORD : "";
            throw new PowerException("power source " + kind + ": " + bare + " must not carry credentials in the URL" + instead);
        }
        return url;
    }

    private static double watts(String text) {
        try {
            double w = Double.parseDouble(text.strip());
            if (w > 0 && Double.isFinite(w)) return w;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new PowerException("power source constant: '" + text + "' is not a positive number of watts");
    }

    /** Whether samples of this kind of source are measured, as opposed to modelled or stated. */
    static boolean measuredKind(String kind) {
        return MEASURED.contains(kind);
    }

    /** The kind of source. */
    public Kind kind() {
        return Kind.of(kind);
    }

    /** What this source's readings include (the simulator's model reports {@link Boundary#GPU} as well). */
    public Boundary boundary() {
        return boundary;
    }

    /** Whether this source measures power, rather than modelling or stating it. */
    public boolean measured() {
        return measuredKind(kind);
    }

    /** The polling interval this source is sampled at unless told otherwise: 200 ms, 1 s for Redfish. */
    public Duration defaultInterval() {
        return defaultInterval;
    }

    /** A sampler of this source, to be configured and started. */
    public PowerSampler.Builder sampler() {
        return PowerSampler.builder(this);
    }

    /** A new poller, or null for the model, which is fed rather than polled. */
    Poller openPoller() {
        return poller == null ? null : poller.get();
    }

    @Override
    public String toString() {
        return spec;
    }
}
