package io.agentload.cli;

import io.agentload.sim.EngineConfig;
import io.agentload.sim.SimServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code agentload serve}: the simulator behind an OpenAI-compatible HTTP API in real time, until SIGINT or SIGTERM.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve a simulated system in real time behind vLLM's OpenAI-compatible API: POST /v1/completions, " +
                "POST /v1/chat/completions (streaming or not), GET /v1/models, GET /health. Prints the base URL when " +
                "ready and runs until interrupted (SIGINT or SIGTERM).")
final class ServeCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--system", required = true, paramLabel = "NAME",
            description = "a built-in system: h100x8, h200x8, b200x8, mi300x8, mi355x8, gb200-nvl72, gb300-nvl72")
    String system;

    @Option(names = "--model", required = true, paramLabel = "NAME",
            description = "a built-in model: llama-3.1-8b, llama-3.1-70b, gpt-oss-120b, deepseek-v3")
    String model;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to bind (default: ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--port", defaultValue = "8000", description = "port, 0 for any free one (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--prefix-cache", arity = "1", paramLabel = "on|off", converter = OnOff.class,
            description = "prefix caching (default: on, but off for DeepSeek V4 on Hopper, as its engines ran there; "
                    + "docs/simulator.md, Launch engines)")
    Boolean prefixCache;

    @Option(names = "--first-token-log", paramLabel = "FILE",
            description = "append a JSON line per request: arrival, first-token write and last write instants")
    Path firstTokenLog;

    @Option(names = "--served-model-name", paramLabel = "NAME", description = "the model name clients send (default: --model)")
    String servedModelName;

    @Option(names = "--tensor-parallel", paramLabel = "N", description = "GPUs per replica (default: 8, one replica per NVLink node)")
    Integer tensorParallel;

    @Option(names = "--replicas", paramLabel = "N", description = "serving replicas (default: as many as fit)")
    Integer replicas;

    @Option(names = "--max-batch-tokens", paramLabel = "N", description = "token budget per step (default: 8192)")
    Integer maxBatchTokens;

    @Option(names = "--max-running-sequences", paramLabel = "N", description = "sequences per replica (default: 1024)")
    Integer maxRunningSequences;

    /** Starts the server, prints its URL and waits for the JVM's shutdown, which closes it. */
    @Override
    public Integer call() throws UnknownHostException, InterruptedException {
        EngineConfig config = EngineConfig.of(system, model);
        if (tensorParallel != null) config = config.withTensorParallel(tensorParallel);
        if (replicas != null) config = config.withReplicas(replicas);
        if (maxBatchTokens != null) config = config.withMaxBatchTokens(maxBatchTokens);
        if (maxRunningSequences != null) config = config.withMaxRunningSequences(maxRunningSequences);
        if (prefixCache != null) config = config.withPrefixCaching(prefixCache);
        SimServer.Builder builder = SimServer.builder(config).host(host).port(port).firstTokenLog(firstTokenLog);
        if (servedModelName != null) builder.modelName(servedModelName);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String warning = exposure(InetAddress.getByName(host));
        if (warning != null) {
            err.println("agentload serve: warning: " + warning);
            err.flush();
        }
        SimServer server = builder.build().start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "agentload-serve-shutdown"));
        out.printf("agentload serve: %s on %s (%d x TP%d%s) at %s%n", server.modelName(), config.system().name(),
                config.replicas(), config.tensorParallel(), config.prefixCaching() ? "" : ", no prefix cache", server.baseUrl());
        out.flush();
        stopped.await();
        return 0;
    }

    /** Why binding {@code address} deserves a warning, or null for a loopback address. */
    static String exposure(InetAddress address) {
        if (address.isLoopbackAddress()) return null;
        return "listening on " + address.getHostAddress() + ", which other machines may reach; the simulated server"
                + " has no authentication";
    }

    /** {@code on} or {@code off}. */
    static final class OnOff implements CommandLine.ITypeConverter<Boolean> {
        /** {@code on} is true, {@code off} false, case aside; anything else is a usage error. */
        @Override
        public Boolean convert(String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "on" -> true;
                case "off" -> false;
                default -> throw new CommandLine.TypeConversionException("expected on or off, not '" + value + "'");
            };
        }
    }
}
