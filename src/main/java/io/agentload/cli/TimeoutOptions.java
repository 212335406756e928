package io.agentload.cli;

import io.agentload.endpoint.Endpoint;
import io.agentload.replay.Replay;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.List;

/**
 * The client's timeouts against an endpoint, and how long a trial's cool-down waits for requests still in flight,
 * shared by {@code replay} and {@code bench --endpoint}. Unset, each is the library's default (documented on
 * {@link Endpoint.Builder} and {@link Replay#withCoolDownGrace}). They govern when the client gives up waiting, not what
 * it sends, so a resumed run may change them.
 */
final class TimeoutOptions {

    /** The options' names, which a resumed run accepts. */
    static final List<String> NAMES = List.of("--first-token-timeout", "--stall-timeout", "--request-timeout",
            "--cool-down-grace");

    @Option(names = "--first-token-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "longest wait from a request's send to its first output, e.g. 2m (default 5m: a long "
                    + "prefill in a queue is legitimate)")
    @Nullable Duration firstToken;

    @Option(names = "--stall-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "longest silence of a stream once its output has begun (default 30s; a healthy server "
                    + "pauses well under a second)")
    @Nullable Duration stall;

    @Option(names = "--request-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "longest a request may take from send to the end of its stream (default 30m)")
    @Nullable Duration request;

    @Option(names = "--cool-down-grace", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "longest wait after a measurement window for the requests sent before its end; those still "
                    + "streaming are recorded as cut_at_grace and judged on the tokens received, those without a "
                    + "first token as cut_at_end (failed) (default: the most lenient tier's TTFT plus 300 tokens at "
                    + "the slowest tier's speed, 21s for the default tiers, at most 10m)")
    @Nullable Duration coolDownGrace;

    /** The builder with every timeout that was given. */
    Endpoint.Builder applyTo(Endpoint.Builder b) {
        if (firstToken != null) b.firstTokenTimeout(firstToken);
        if (stall != null) b.stallTimeout(stall);
        if (request != null) b.totalTimeout(request);
        return b;
    }

    /** The replay with the cool-down grace, if one was given. */
    Replay applyTo(Replay replay) {
        return coolDownGrace == null ? replay : replay.withCoolDownGrace(coolDownGrace);
    }
}
