package io.agentload.endpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import okhttp3.Call;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * An OpenAI-compatible inference endpoint (vLLM, SGLang, TensorRT-LLM, NIM...) that replays agent turns as streamed
 * completions with exact prompt lengths, exact prefix reuse and honest timing.
 *
 * <pre>{@code
 * Endpoint endpoint = Endpoint.builder().baseUrl("http://localhost:8000/v1").model("Qwen/Qwen3-8B").build();
 * CompletionResult r = endpoint.send(EndpointRequest.of(layout, salt, 200)).join();
 * r.ttftSeconds(); r.outputTokensPerSecond(); r.cachedTokens();
 * }</pre>
 *
 * <p>Each {@link #send} is one HTTP/1.1 request, streamed with {@code stream_options: {include_usage: true}}, sent from
 * a thread of its own (a platform thread, which the kernel runs when it is due) and read, once the response headers
 * have come, on a virtual thread. Nothing in the client limits or queues requests: the sending thread executes its call
 * itself (OkHttp's dispatcher and its limits are not involved), the send time is stamped on it just before, and each
 * agent ({@link EndpointRequest#agentId()}) keeps its own keep-alive connection for its next turn (for 4 s, closed by
 * the client before a server's idle timeout can close it under a new request: {@link Builder#keepAlive}), so the send
 * time is when the request really leaves (a client-side queue hidden from TTFT is a known pitfall of other load
 * generators); sockets have Nagle's algorithm off, so no part of a body waits in the kernel for the server's delayed
 * acknowledgement. Read and write timeouts are off; a first-token, a stall and a total timeout, run by one watchdog
 * thread, cancel stalled calls instead, and the request is recorded as a {@link CompletionResult#TIMEOUT} with what
 * it had received.
 *
 * <p>Two APIs: {@link Api#COMPLETIONS} (the default) sends token ids, {@link Api#CHAT} sends text of the same length
 * in o200k_base tokens for endpoints that take only text. The API key comes from an environment variable and never
 * appears in results, details or {@link #toString()}.
 */
public final class Endpoint implements AutoCloseable {

    /** Which OpenAI API the prompts go to. */
    public enum Api {
        /** {@code POST /v1/completions} with {@code prompt} as a list of token ids: exact tokens, exact reuse. */
        COMPLETIONS("completions"),
        /** {@code POST /v1/chat/completions} with words built to the token budget, for text-only endpoints. */
        CHAT("chat/completions");

        private final String path;

        Api(String path) {
            this.path = path;
        }
    }

    /**
     * How long an idle connection is kept for its agent's next turn unless {@link Builder#keepAlive} says otherwise.
     */
    public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(4);

    /**
     * The longest silence of a stream once its first output has come, unless {@link Builder#stallTimeout} says
     * otherwise. Between two chunks of one stream a healthy server is silent for a step, or a few while chunked prefill
     * of other requests or a preemption holds decoding: well under a second on vLLM and SGLang. Half a minute without a
     * byte is a fault (a stuck worker, a dropped link, a preempted node), and even the slowest tier's agent (20 tok/s)
     * would have had 600 tokens in that time. Before the first output the first-token timeout applies instead, since
     * a long prefill in a queue is legitimate there.
     */
    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(30);

    private static final Duration MODELS_TIMEOUT = Duration.ofSeconds(30);
    private static final int SEND_THREADS = 256;
    private static final ObjectMapper MODEL_LIST = new ObjectMapper();

    private final HttpUrl url;
    private final HttpUrl modelsUrl;
    private final Api api;
    private final BodyOptions options;
    private final String authorization;
    private final String apiKeySource;
    private final String apiKeyVariable;
    private final ExchangeSettings settings;
    private final OkHttpClient client;
    /** Each agent's client: its own connection pool and call registry, sharing everything else with {@link #client}. */
    private final ConcurrentHashMap<String, OkHttpClient> agentClients = new ConcurrentHashMap<>();
    private final Duration keepAlive;
    private final ExecutorService sendThreads;
    private final ExecutorService streamThreads;
    private final ScheduledThreadPoolExecutor watchdog;
    private volatile boolean closed;

    private Endpoint(Builder b, HttpUrl url, HttpUrl modelsUrl, String apiKey) {
        this.url = url;
        this.modelsUrl = modelsUrl;
        this.api = b.api;
        this.options = new BodyOptions(b.model, b.temperature, b.ignoreEos, b.minTokens, b.tokenIds);
        this.authorization = apiKey.isEmpty() ? "" : "Bearer " + apiKey;
        this.apiKeySource = apiKey.isEmpty() ? "no API key" : "API key from $" + b.apiKeyVariable;
        this.apiKeyVariable = apiKey.isEmpty() ? "" : b.apiKeyVariable;
        this.watchdog = new ScheduledThreadPoolExecutor(1, r -> Thread.ofPlatform().daemon()
                .name("agentload-endpoint-watchdog").unstarted(r));
        watchdog.setRemoveOnCancelPolicy(true);
        this.streamThreads = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("agentload-stream-", 0).factory());
        this.sendThreads = sendPool(streamThreads);
        this.client = new OkHttpClient.Builder()
                .connectionPool(new ConnectionPool(b.maxIdleConnections, b.keepAlive.toNanos(), TimeUnit.NANOSECONDS))
                .socketFactory(new NoDelaySockets())
                .protocols(List.of(Protocol.HTTP_1_1))
                .followRedirects(false) // a redirect would measure another server than the one named, maybe another host
                .followSslRedirects(false)
                .connectTimeout(b.connectTimeout)
                .readTimeout(Duration.ZERO)
                .writeTimeout(Duration.ZERO)
                .callTimeout(Duration.ZERO)
                .eventListenerFactory(Exchange.LISTENERS)
                .build();
        this.keepAlive = b.keepAlive;
        this.settings = new ExchangeSettings(displayUrl(url), apiKey, watchdog, b.firstTokenTimeout, b.stallTimeout,
                b.totalTimeout, () -> closed, streamThreads);
    }

    /**
     * Where requests are sent: platform threads, up to {@value #SEND_THREADS} at once (each is busy from the send until
     * the response headers, usually a few milliseconds), then virtual threads. The kernel runs a platform thread as
     * soon as it is due, where a virtual thread waits for its carrier behind the chunk reads of other streams (on one
     * core, a step's burst): with 500 agents on one core, 4-16% of sends left more than 5 ms late on virtual threads,
     * 0.1-0.6% on platform threads (docs/replay-accuracy.md). Streams are read on virtual threads, thousands at once.
     */
    private static ExecutorService sendPool(ExecutorService fallback) {
        return new ThreadPoolExecutor(0, SEND_THREADS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                Thread.ofPlatform().daemon().name("agentload-send-", 0).factory(), (task, pool) -> {
                    if (pool.isShutdown()) throw new RejectedExecutionException("the endpoint is closed");
                    fallback.execute(task);
                });
    }

    /** A builder; {@link Builder#baseUrl} and {@link Builder#model} are required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Sends one turn and streams its completion. Never blocks and never fails: every fault (refused, HTTP error,
     * timeout, cut or malformed stream, missing usage) completes the future normally with a result whose status
     * names it; only a fault of the client itself (a prompt it cannot build) fails it. Cancelling the future cancels
     * the request. The future completes on the thread that read the stream, so dependent stages run there, after the
     * connection is back in the pool.
     *
     * <p>The request is sent from a thread of its own (a platform thread while fewer than {@value #SEND_THREADS} are
     * sending), which hands the stream to a virtual thread once the response headers have come. On the sending
     * thread, the body's exact length is computed (one pass over the prompt's ids) before the send time is read;
     * writing the body to the connection happens after it, inside TTFT, as it does for any client. The time from this
     * call to the send time is the caller's: {@link CompletionResult#sendNanos()} tells it.
     */
    public CompletableFuture<CompletionResult> send(EndpointRequest request) {
        Objects.requireNonNull(request, "request");
        Exchange exchange = new Exchange(request, settings);
        try {
            sendThreads.execute(() -> exchange.run(() -> call(request, exchange)));
        } catch (RejectedExecutionException e) {
            exchange.refuse("the endpoint is closed");
        }
        return exchange.result();
    }

    /**
     * Ends a request {@link #send} returned, if it is still running, and completes its future with what it had
     * received: status {@link CompletionResult#CANCELLED}, the output chunks that had come and {@code why} in the
     * detail. Where cancelling the future leaves no result, this keeps the partial one (a replay records a request
     * that its trial's end cut off). Returns at once; the future completes when the call has let go.
     *
     * @throws IllegalArgumentException for a future that this endpoint's {@link #send} did not return
     */
    public void stop(CompletableFuture<CompletionResult> request, String why) {
        if (!(request instanceof Exchange.Result r)) {
            throw new IllegalArgumentException("not a request of this endpoint: " + request);
        }
        r.exchange().stop(Objects.requireNonNull(why, "why"));
    }

    /**
     * What a request {@link #send} returned has received so far, read while it streams: when it was sent (its TTFT
     * counts from then, which a busy client reaches after the call), when its first output chunk came
     * ({@link CompletionResult#NOT_REACHED} before either) and how many output chunks have come. A replay's cool-down
     * ends once the requests it waits for have streamed enough (docs/design.md, "Bounded cool-down").
     *
     * @throws IllegalArgumentException for a future that this endpoint's {@link #send} did not return
     */
    public Progress progress(CompletableFuture<CompletionResult> request) {
        if (!(request instanceof Exchange.Result r)) {
            throw new IllegalArgumentException("not a request of this endpoint: " + request);
        }
        return r.exchange().progress();
    }

    /**
     * A request's stream so far ({@link #progress}).
     *
     * @param sendNanos       when the request was sent, on {@link System#nanoTime()}, or
     *                        {@link CompletionResult#NOT_REACHED} while its thread has not yet sent it
     * @param firstTokenNanos when the first output chunk arrived, on {@link System#nanoTime()}, or
     *                        {@link CompletionResult#NOT_REACHED}
     * @param outputChunks    output chunks received
     */
    public record Progress(long sendNanos, long firstTokenNanos, int outputChunks) {
    }

    /** The HTTP call of one request, its body streamed from the prompt's layout. */
    private Call call(EndpointRequest request, Exchange exchange) {
        PromptTokens tokens = new PromptTokens(request.layout(), request.salt(), options.tokenIds());
        PromptBody body = api == Api.CHAT
                ? new ChatBody(options, tokens, request.outputTokens())
                : new CompletionsBody(options, tokens, request.outputTokens());
        Request.Builder http = new Request.Builder().url(url).post(body)
                .header("Accept", "text/event-stream")
                .header("Accept-Encoding", "identity") // a compressed stream would hold chunks back
                .tag(Exchange.class, exchange);
        if (!authorization.isEmpty()) http.header("Authorization", authorization);
        if (!request.requestId().isEmpty()) http.header("X-Request-Id", request.requestId());
        if (request.primedTokens() > 0) {
            http.header(EndpointRequest.PRIMED_TOKENS_HEADER, Integer.toString(request.primedTokens()));
        }
        return clientOf(request.agentId()).newCall(http.build());
    }

    /**
     * The agent's own client, made at its first turn: its connection is kept for it alone, as an agent process keeps
     * its own, so a turn after a tool time finds it (not one another agent took meanwhile, nor none, when more agents
     * than usual were streaming at once: both would open a connection inside the turn's TTFT), and no turn waits on a
     * lock or a search that other agents' calls hold. Requests that name no agent share one pool.
     */
    private OkHttpClient clientOf(String agentId) {
        if (agentId.isEmpty()) return client;
        return agentClients.computeIfAbsent(agentId, id -> client.newBuilder()
                .connectionPool(new ConnectionPool(1, keepAlive.toNanos(), TimeUnit.NANOSECONDS))
                .dispatcher(new Dispatcher())
                .build());
    }

    /**
     * The models the server lists at {@code GET /v1/models}, in its order. Waits at most 30 s.
     *
     * @throws EndpointException naming the request when the server cannot be reached, answers with an error, or
     *                           answers with something other than an OpenAI model list
     */
    public List<String> models() {
        return modelList(false);
    }

    /**
     * Checks, before a long run, that the server is up and serves {@link #model()}: throws an
     * {@link EndpointException} naming the request when it cannot be reached or answers with an error (an API key it
     * refuses, say), or naming the models it serves when {@link #model()} is not one of them. A server without
     * {@code /v1/models} (HTTP 404) passes: its first requests will tell.
     */
    public void checkModel() {
        List<String> served = modelList(true);
        if (served != null && !served.contains(options.model())) {
            throw new EndpointException("GET " + displayUrl(modelsUrl) + ": the server serves " + served + ", not '"
                    + options.model() + "'; name one of those as the model");
        }
    }

    /**
     * Whether the server is agentload's own simulator ({@code agentload serve}): its {@code /v1/models} names
     * {@code agentload} as the owner of the model. Only then may a replay send its simulator-only requests
     * ({@link EndpointRequest#primedTokens()}); a server without the route or another owner is a real one.
     */
    public boolean simulated() {
        JsonNode data = modelData(true);
        if (data == null) return false;
        for (JsonNode m : data) {
            if (m.path("id").asText().equals(options.model()) && m.path("owned_by").asText().equals("agentload")) {
                return true;
            }
        }
        return false;
    }

    /** The listed models; null for a server without the route when {@code absentPasses}. */
    private List<String> modelList(boolean absentPasses) {
        JsonNode data = modelData(absentPasses);
        if (data == null) return null;
        List<String> ids = new ArrayList<>();
        for (JsonNode m : data) {
            if (m.path("id").isTextual()) ids.add(m.path("id").asText());
        }
        return List.copyOf(ids);
    }

    /** The model cards the server lists; null for a server without the route when {@code absentPasses}. */
    private JsonNode modelData(boolean absentPasses) {
        String what = "GET " + displayUrl(modelsUrl);
        Request.Builder get = new Request.Builder().url(modelsUrl).get();
        if (!authorization.isEmpty()) get.header("Authorization", authorization);
        String body;
        try (Response response = client.newBuilder().readTimeout(MODELS_TIMEOUT).callTimeout(MODELS_TIMEOUT).build()
                .newCall(get.build()).execute()) {
            body = response.body().string();
            if (absentPasses && response.code() == 404) return null;
            if (!response.isSuccessful()) {
                throw new EndpointException(what + ": HTTP " + response.code() + ": " + settings.excerpt(body));
            }
        } catch (IOException e) {
            throw new EndpointException(what + ": " + settings.redact(unreachable(e)));
        }
        JsonNode data;
        try {
            data = MODEL_LIST.readTree(body).path("data");
        } catch (IOException e) {
            data = null;
        }
        if (data == null || !data.isArray()) {
            throw new EndpointException(what + ": not an OpenAI model list ({\"data\": [{\"id\": ...}]}): "
                    + settings.excerpt(body));
        }
        return data;
    }

    /** Why a request got no response, in words rather than an exception's class name (the CLI prints it). */
    private static String unreachable(IOException e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        if (e instanceof ConnectException) return "could not connect (" + m + "); is the server up, on this port?";
        if (e instanceof UnknownHostException) return "unknown host (" + m + ")";
        if (e instanceof InterruptedIOException) return "no answer within " + MODELS_TIMEOUT.toSeconds() + " s";
        return m.isEmpty() ? e.getClass().getSimpleName() : m;
    }

    /** The endpoint URL requests go to, without user info or query. */
    public String url() {
        return settings.url();
    }

    /** Which API the prompts go to. */
    public Api api() {
        return api;
    }

    /** The model named in every request. */
    public String model() {
        return options.model();
    }

    /** The environment variable the API key was read from, or empty when no key is sent; never the key itself. */
    public String apiKeyVariable() {
        return apiKeyVariable;
    }

    /** Cancels requests still running (their results say {@code cancelled}) and releases threads and connections. */
    @Override
    public void close() {
        closed = true;
        List<OkHttpClient> clients = new ArrayList<>(agentClients.values());
        clients.add(client);
        for (OkHttpClient c : clients) c.dispatcher().cancelAll();
        for (ExecutorService threads : List.of(sendThreads, streamThreads)) {
            threads.shutdown();
            try {
                if (!threads.awaitTermination(5, TimeUnit.SECONDS)) threads.shutdownNow();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        watchdog.shutdownNow();
        for (OkHttpClient c : clients) c.connectionPool().evictAll();
    }

    /** The URL, API, model and where the API key comes from; never the key. */
    @Override
    public String toString() {
        return "Endpoint[" + api + " " + settings.url() + ", model " + options.model() + ", " + apiKeySource + "]";
    }

    private static String displayUrl(HttpUrl url) {
        return url.newBuilder().username("").password("").query(null).fragment(null).build().toString();
    }

    /** Configures an {@link Endpoint}; every setting but the base URL and the model has a default. */
    public static final class Builder {
        private String baseUrl;
        private String model;
        private Api api = Api.COMPLETIONS;
        private String apiKeyVariable = "OPENAI_API_KEY";
        private boolean apiKeyRequired;
        private double temperature;
        private boolean ignoreEos = true;
        private boolean minTokens = true;
        private TokenIdRange tokenIds = TokenIdRange.DEFAULT;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration firstTokenTimeout = Duration.ofMinutes(5);
        private Duration stallTimeout = DEFAULT_STALL_TIMEOUT;
        private Duration totalTimeout = Duration.ofMinutes(30);
        private int maxIdleConnections = 10_000;
        private Duration keepAlive = DEFAULT_KEEP_ALIVE;
        private Function<String, String> environment = System::getenv;

        private Builder() {
        }

        /**
         * The API's base URL as OpenAI clients take it, e.g. {@code http://localhost:8000/v1}; a URL with no path gets
         * {@code /v1}. The API's path ({@code completions} or {@code chat/completions}) is appended.
         */
        public Builder baseUrl(String baseUrl) {
            this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
            return this;
        }

        /** The model to name in every request, as the server lists it in {@code /v1/models}. */
        public Builder model(String model) {
            this.model = Objects.requireNonNull(model, "model");
            return this;
        }

        /** Which API to send prompts to (default {@link Api#COMPLETIONS}, token ids). */
        public Builder api(Api api) {
            this.api = Objects.requireNonNull(api, "api");
            return this;
        }

        /**
         * Sends the API key held in this environment variable as {@code Authorization: Bearer}; building fails if it is
         * not set. Without this call the key comes from {@code OPENAI_API_KEY} when that is set, as OpenAI's own
         * clients do.
         */
        public Builder apiKeyFromEnv(String variable) {
            this.apiKeyVariable = Objects.requireNonNull(variable, "variable");
            this.apiKeyRequired = true;
            return this;
        }

        /** Sends no API key, even when {@code OPENAI_API_KEY} is set. */
        public Builder noApiKey() {
            this.apiKeyVariable = null;
            this.apiKeyRequired = false;
            return this;
        }

        /** Sampling temperature (default 0), from 0 to 2. */
        public Builder temperature(double temperature) {
            if (!(temperature >= 0 && temperature <= 2)) {
                throw new IllegalArgumentException("temperature " + temperature + " outside [0, 2]");
            }
            this.temperature = temperature;
            return this;
        }

        /**
         * Whether to force the output length with {@code ignore_eos: true} (default true; vLLM, SGLang and
         * TensorRT-LLM accept it, OpenAI's own API rejects unknown fields).
         */
        public Builder ignoreEos(boolean ignoreEos) {
            this.ignoreEos = ignoreEos;
            return this;
        }

        /** Whether to send {@code min_tokens} equal to {@code max_tokens} (default true; vLLM and TensorRT-LLM). */
        public Builder minTokens(boolean minTokens) {
            this.minTokens = minTokens;
            return this;
        }

        /**
         * The token ids token-id prompts draw from, {@code [from, to)}: default {@code [1000, 100000)}, ordinary ids in
         * Llama 3, cl100k_base, o200k_base, Qwen2 and Mistral tekken vocabularies. Narrow it for small vocabularies
         * (e.g. {@code [1000, 32000)} for Llama 2).
         */
        public Builder tokenIdRange(int from, int to) {
            this.tokenIds = new TokenIdRange(from, to);
            return this;
        }

        /** Longest wait for a TCP connection (default 10 s). */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connect timeout");
            return this;
        }

        /** Longest wait from send to the first output chunk (default 5 min): a long prefill in a queue counts. */
        public Builder firstTokenTimeout(Duration timeout) {
            this.firstTokenTimeout = positive(timeout, "first token timeout");
            return this;
        }

        /**
         * Longest silence of a stream once its first output has come (default {@link #DEFAULT_STALL_TIMEOUT}, 30 s):
         * a stream that stops sending is ended and recorded as a timeout with the output it had received.
         */
        public Builder stallTimeout(Duration timeout) {
            this.stallTimeout = positive(timeout, "stall timeout");
            return this;
        }

        /** Longest wait from send to the end of the stream (default 30 min). */
        public Builder totalTimeout(Duration timeout) {
            this.totalTimeout = positive(timeout, "total timeout");
            return this;
        }

        /**
         * Idle keep-alive connections kept for requests that name no agent (default 10,000); each agent keeps one
         * of its own besides.
         */
        public Builder maxIdleConnections(int connections) {
            if (connections < 1) throw new IllegalArgumentException("max idle connections " + connections + " < 1");
            this.maxIdleConnections = connections;
            return this;
        }

        /**
         * How long an idle connection waits for its agent's next turn before the client closes it (default
         * {@link #DEFAULT_KEEP_ALIVE}, 4 s). Keep it below the server's idle timeout: uvicorn, which serves vLLM's and
         * SGLang's APIs, closes a connection idle for 5 s, and a turn sent on a connection the server has closed
         * fails and is retried on a new one inside its TTFT. Within 10 s it also spares OkHttp's 1 ms read probe of a
         * connection idle longer. A turn after a longer tool time opens a new connection, as Python clients do, and
         * its connect time counts in TTFT.
         */
        public Builder keepAlive(Duration keepAlive) {
            this.keepAlive = positive(keepAlive, "keep-alive");
            return this;
        }

        /** Where environment variables are read from; tests give a map instead of the process environment. */
        Builder environment(Function<String, String> environment) {
            this.environment = environment;
            return this;
        }

        /** The endpoint; throws {@link EndpointException} for a bad base URL or a required API key that is missing. */
        public Endpoint build() {
            if (baseUrl == null) throw new EndpointException("no base URL: call baseUrl(\"http://host:8000/v1\")");
            if (model == null || model.isBlank()) {
                throw new EndpointException("no model: call model(...) with the served model's name");
            }
            HttpUrl base = HttpUrl.parse(baseUrl);
            if (base == null) throw new EndpointException("base URL '" + baseUrl + "' is not an http or https URL");
            HttpUrl.Builder url = base.newBuilder();
            if (base.encodedPath().equals("/")) url.encodedPath("/v1");
            HttpUrl apiBase = url.build();
            return new Endpoint(this, under(apiBase, api.path), under(apiBase, "models"), apiKey());
        }

        private static HttpUrl under(HttpUrl base, String path) {
            String prefix = base.encodedPath().endsWith("/") ? base.encodedPath() : base.encodedPath() + "/";
            return base.newBuilder().encodedPath(prefix + path).build();
        }

        private String apiKey() {
            if (apiKeyVariable == null) return "";
            String key = environment.apply(apiKeyVariable);
            if (key == null || key.isBlank()) {
                if (apiKeyRequired) {
                    throw new EndpointException("environment variable " + apiKeyVariable + " (the API key) is not set");
                }
                return "";
            }
            return key.strip();
        }

        private static Duration positive(Duration d, String what) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " " + d + " is not positive");
            }
            return d;
        }
    }
}
