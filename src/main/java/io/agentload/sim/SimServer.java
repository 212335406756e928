package io.agentload.sim;

import io.agentload.internal.MonotonicClock;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * The simulator's engine behind vLLM's OpenAI-compatible HTTP API, in real time: point any OpenAI client or benchmark
 * at {@link #baseUrl()} and it sees the simulated system's TTFT, output speed and prefix caching.
 *
 * <pre>{@code
 * SimServer server = SimServer.builder(EngineConfig.of("h200x8", "llama-3.1-70b")).port(0).build().start();
 * String url = server.baseUrl();   // http://127.0.0.1:PORT/v1, served model "llama-3.1-70b"
 * server.close();
 * }</pre>
 *
 * <p>Endpoints: {@code POST /v1/completions} (prompt as text, as token ids, or a list of one of those),
 * {@code POST /v1/chat/completions}, both streaming (SSE, {@code data: [DONE]}) or not, with
 * {@code stream_options.include_usage} and {@code usage.prompt_tokens_details.cached_tokens}; {@code GET /v1/models};
 * {@code GET /health}. Text is tokenized with o200k_base; chat messages go through a fixed template
 * ({@code ChatTemplate}). Prompts are hashed into 16-token blocks, so a client that repeats a prompt's leading token
 * ids gets exactly those full blocks from the prefix cache.
 *
 * <p>End of sequence: the simulated model never stops early. Every request produces exactly its
 * {@code max_tokens} (or vLLM's default: 16 for completions, the context left after the prompt for chat) and
 * finishes with {@code finish_reason: "length"}, as if {@code ignore_eos} were always set; {@code ignore_eos} and
 * {@code min_tokens} are accepted and checked, and change nothing. {@code stop} sequences are ignored.
 *
 * <p>Timing: one engine thread completes each step at its simulated end (waking within microseconds) and hands each
 * request that step's tokens as one SSE event, written and sent at once; a client that disconnects has its request
 * cancelled in the engine. The optional first-token log ({@code FirstTokenLog}) records per request when it arrived
 * and when its first token and last write left the server, so a client can check its measurements.
 */
public final class SimServer implements AutoCloseable {
    /** How long {@link #close()} lets dropped connections write their last log lines. */
    private static final long CLOSE_WAIT_NANOS = 2_000_000_000L;

    private final EngineConfig config;
    private final String host;
    private final int requestedPort;
    private final Path firstTokenLog;
    private final String modelName;
    private final Set<HttpConnection> connections = ConcurrentHashMap.newKeySet();
    private ServerSocket socket;
    private EngineLoop loop;
    private FirstTokenLog log;
    private volatile boolean closed;
    private Engine.Counters finalCounters;

    private SimServer(Builder b) {
        this.config = b.config;
        this.host = b.host;
        this.requestedPort = b.port;
        this.firstTokenLog = b.firstTokenLog;
        this.modelName = b.modelName != null ? b.modelName : b.config.model().name();
    }

    /** A server for {@code config} on 127.0.0.1:8000 (vLLM's port), serving the model under its profile name. */
    public static Builder builder(EngineConfig config) {
        return new Builder(config);
    }

    /**
     * Binds the address and starts serving; returns this server.
     *
     * @throws UncheckedIOException naming the address when it cannot be bound (port in use, unknown host), or the
     *                              first-token log when it cannot be opened
     */
    public synchronized SimServer start() {
        if (socket != null) throw new IllegalStateException("the server is already started");
        // Load the tokenizer, the JSON parser and the reply code now, not inside the first request's TTFT.
        ApiRequest warm = ApiRequest.parse("{\"messages\":[{\"role\":\"user\",\"content\":\"warm up\"}]}"
                .getBytes(StandardCharsets.US_ASCII), true);
        new ReplyFormat(warm, "warm-up", 0, modelName).events(new ChunkBuffer(), 0, 1, new Engine.Usage(1, 0, 1));
        Engine engine = Engine.create(config);
        MonotonicClock clock = MonotonicClock.startingNow();
        log = firstTokenLog == null ? null : FirstTokenLog.open(firstTokenLog, clock);
        ServerSocket listening = null;
        try {
            listening = new ServerSocket();
            listening.setReuseAddress(true);
            // A deep backlog: hundreds of agents may connect at once.
            listening.bind(new InetSocketAddress(InetAddress.getByName(host), requestedPort), 4096);
        } catch (IOException e) {
            if (log != null) log.close();
            close(listening);
            throw new UncheckedIOException("cannot listen on " + host + ":" + requestedPort + ": " + e.getMessage(), e);
        }
        socket = listening;
        loop = new EngineLoop(engine, clock);
        loop.start();
        OpenAiApi api = new OpenAiApi(loop, engine, modelName, clock, log);
        Thread.ofPlatform().name("agentload-accept").daemon().start(() -> accept(api));
        return this;
    }

    private void accept(OpenAiApi api) {
        while (!closed) {
            Socket client;
            try {
                client = socket.accept();
            } catch (IOException e) {
                // Closed (the loop ends), a connection reset before it was accepted, or out of file descriptors.
                if (!closed) LockSupport.parkNanos(1_000_000);
                continue;
            }
            try {
                HttpConnection connection = new HttpConnection(client, api);
                connections.add(connection);
                if (closed) connection.close();
                Thread.ofVirtual().name("agentload-http").start(() -> {
                    try {
                        connection.run();
                    } finally {
                        connections.remove(connection);
                    }
                });
            } catch (IOException e) {
                close(client);
            }
        }
    }

    private static void close(Closeable socket) {
        if (socket == null) return;
        try {
            socket.close();
        } catch (IOException e) {
            // Nothing more to release.
        }
    }

    /** The port the server listens on (the one chosen when the builder asked for 0). */
    public int port() {
        return started().getLocalPort();
    }

    /** The OpenAI base URL, {@code http://HOST:PORT/v1}. */
    public String baseUrl() {
        InetAddress address = started().getInetAddress();
        String name = address instanceof Inet6Address ? "[" + address.getHostAddress() + "]" : address.getHostAddress();
        return "http://" + name + ":" + port() + "/v1";
    }

    /** The model name clients must send (or leave out). */
    public String modelName() {
        return modelName;
    }

    /** The engine's totals now (after {@link #close()}, at the close). */
    public Engine.Counters counters() {
        started();
        synchronized (this) {
            if (finalCounters != null) return finalCounters;
        }
        return loop.call(Engine::counters);
    }

    /** Stops accepting, drops every connection (their requests are cancelled) and stops the engine. */
    @Override
    public synchronized void close() {
        if (socket == null || closed) return;
        closed = true;
        close(socket);
        for (HttpConnection c : connections) c.close();
        finalCounters = loop.call(Engine::counters);
        loop.close();
        long deadline = System.nanoTime() + CLOSE_WAIT_NANOS;
        while (!connections.isEmpty() && System.nanoTime() < deadline) LockSupport.parkNanos(1_000_000);
        if (log != null) log.close();
    }

    private ServerSocket started() {
        if (socket == null) throw new IllegalStateException("the server is not started");
        return socket;
    }

    /** How to serve: the engine, the address, the served model name and the first-token log. */
    public static final class Builder {
        private final EngineConfig config;
        private String host = "127.0.0.1";
        private int port = 8000;
        private Path firstTokenLog;
        private String modelName;

        private Builder(EngineConfig config) {
            if (config == null) throw new IllegalArgumentException("no engine configuration");
            this.config = config;
        }

        /** The address to bind: 127.0.0.1 by default; anything else exposes the server beyond this machine. */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** The port: 8000 by default, 0 for any free one ({@link SimServer#port()} tells which). */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) throw new IllegalArgumentException("port " + port + " is out of range");
            this.port = port;
            return this;
        }

        /** Appends a line per request to this JSONL file (see the class documentation). */
        public Builder firstTokenLog(Path path) {
            this.firstTokenLog = path;
            return this;
        }

        /** The model name the API serves (vLLM's {@code --served-model-name}); the model profile's name by default. */
        public Builder modelName(String name) {
            if (name == null || name.isBlank()) throw new IllegalArgumentException("the served model name is empty");
            this.modelName = name;
            return this;
        }

        /** A server with these settings, not yet listening ({@link SimServer#start()} binds it). */
        public SimServer build() {
            return new SimServer(this);
        }
    }
}
