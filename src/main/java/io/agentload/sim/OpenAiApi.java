package io.agentload.sim;

import io.agentload.internal.MonotonicClock;

import java.io.IOException;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The routes of the simulated server: {@code POST /v1/completions}, {@code POST /v1/chat/completions},
 * {@code GET /v1/models} and {@code GET /health}. A generation request is parsed and checked on the connection's
 * thread (errors answered at once, in OpenAI's error shape), then handed to the engine; a streaming response sends its
 * head at once and one write per engine step; a client that goes away has its request cancelled in the engine. Each
 * generation gets a line in the first-token log. A client's {@code X-Request-Id} header, when it is a plain token,
 * names the request (the response {@code id} is {@code cmpl-} or {@code chatcmpl-} and that id, as in vLLM) and is
 * echoed in the response headers.
 *
 * <p>A simulator-only header, {@value #PRIMED_TOKENS_HEADER}: N, asks that the request's first N prompt tokens be
 * cached before it runs, without cost ({@link Engine#submitPrimed}): a replay against this server sends it on each
 * agent's first request of a trial, so that the agent starts mid-session with the cache a running fleet would have
 * (docs/design.md, "Mid-session starts"). A real server ignores the header; a replay never sends it to one.
 */
final class OpenAiApi implements HttpConnection.Handler {
    private static final String JSON = "application/json";
    /** What a client's {@code X-Request-Id} may hold to be used (and echoed in a response header) as is. */
    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._:/-]{1,200}");
    /** The header naming the prompt tokens to cache before a request runs (lower case, as headers are looked up). */
    static final String PRIMED_TOKENS_HEADER = "x-agentload-primed-tokens";

    private final EngineLoop loop;
    private final Engine engine;
    private final String model;
    private final int contextTokens;
    private final MonotonicClock clock;
    private final FirstTokenLog log;

    /**
     * @param engine the loop's engine, used here only for {@link Engine#check}, which reads nothing that changes
     * @param log    null when there is no first-token log
     */
    OpenAiApi(EngineLoop loop, Engine engine, String model, MonotonicClock clock, FirstTokenLog log) {
        this.loop = loop;
        this.engine = engine;
        this.model = model;
        this.contextTokens = engine.config().model().maxContextTokens();
        this.clock = clock;
        this.log = log;
    }

    @Override
    public void handle(HttpConnection.Request request, HttpConnection connection) throws IOException {
        switch (request.path()) {
            case "/health" -> {
                if (!allowed(request, "GET", connection)) return;
                if (loop.failure() == null) connection.respond(200, JSON, new byte[0], null);
                else error(connection, 500, "InternalServerError", "the engine failed: " + loop.failure(), null);
            }
            case "/v1/models" -> {
                if (allowed(request, "GET", connection)) {
                    connection.respond(200, JSON, ReplyFormat.models(model, clock.epochSeconds(), contextTokens), null);
                }
            }
            case "/v1/completions" -> {
                if (allowed(request, "POST", connection)) generate(request, connection, false);
            }
            case "/v1/chat/completions" -> {
                if (allowed(request, "POST", connection)) generate(request, connection, true);
            }
            default -> error(connection, 404, "NotFoundError", "no route " + request.path()
                    + " (this server answers /v1/completions, /v1/chat/completions, /v1/models and /health)", null);
        }
    }

    /** The {@value #PRIMED_TOKENS_HEADER} header's count, 0 when absent or not a count. */
    private static int primedTokens(HttpConnection.Request http) {
        String value = http.header(PRIMED_TOKENS_HEADER);
        if (value == null || !value.matches("[0-9]{1,9}")) return 0;
        return Integer.parseInt(value);
    }

    private boolean allowed(HttpConnection.Request request, String method, HttpConnection connection) throws IOException {
        if (request.method().equals(method)) return true;
        error(connection, 405, "MethodNotAllowed", request.method() + " " + request.path() + ": use " + method, null);
        return false;
    }

    private void generate(HttpConnection.Request http, HttpConnection connection, boolean chat) throws IOException {
        String header = http.header("x-request-id");
        String requestId = header != null && CLIENT_ID.matcher(header).matches() ? header : randomId();
        String id = (chat ? "chatcmpl-" : "cmpl-") + requestId;
        ApiRequest request;
        Engine.Request engineRequest;
        try {
            request = ApiRequest.parse(http.body(), chat);
            if (request.model() != null && !request.model().equals(model)) {
                error(connection, 404, "NotFoundError", "The model `" + request.model() + "` does not exist.", requestId);
                return;
            }
            int output = request.outputTokens(contextTokens);
            long[] hashes = PromptBlocks.hashes(request.prompt(), output, PromptBlocks.salt(request.cacheSalt()));
            engineRequest = new Engine.Request(id, request.prompt().length, hashes, output);
            engine.check(engineRequest);
        } catch (IllegalArgumentException e) {
            error(connection, 400, "BadRequestError", e.getMessage(), requestId);
            return;
        }
        Generation generation = new Generation(engineRequest, primedTokens(http));
        ReplyFormat format = new ReplyFormat(request, id, clock.epochSeconds(), model);
        loop.submit(generation);
        Outcome outcome = new Outcome();
        try {
            if (request.stream()) stream(generation, format, requestId, connection, outcome);
            else respond(generation, format, requestId, connection, outcome);
        } catch (IOException e) {
            outcome.aborted = true;
        } finally {
            if (outcome.aborted) {
                generation.abandon();
                loop.cancel(generation);
                connection.close();
            }
            if (log != null) {
                log.write(new FirstTokenLog.Entry(id, chat, request.stream(), request.prompt().length,
                        outcome.usage == null ? null : outcome.usage.cachedTokens(), outcome.tokens, outcome.aborted,
                        http.arrivalNanos(), outcome.firstTokenDue, outcome.firstTokenNanos, outcome.lastTokenDue,
                        outcome.lastWriteNanos));
            }
        }
    }

    /** What a generation's response got to. */
    private static final class Outcome {
        int tokens;
        Engine.Usage usage;
        boolean aborted;
        double firstTokenDue = Double.NaN;
        long firstTokenNanos = FirstTokenLog.NONE;
        double lastTokenDue = Double.NaN;
        long lastWriteNanos = FirstTokenLog.NONE;
    }

    private void stream(Generation generation, ReplyFormat format, String requestId, HttpConnection connection,
                        Outcome outcome) throws IOException {
        connection.startEvents(requestId);
        connection.watch(generation::abandon);
        ChunkBuffer chunk = new ChunkBuffer();
        while (outcome.usage == null) {
            Generation.Event e = next(generation);
            if (e.abandoned()) {
                outcome.aborted = true;
                return;
            }
            boolean last = e.usage() != null;
            long writing = System.nanoTime();
            format.events(chunk.clear(), outcome.tokens, outcome.tokens + e.tokens(), e.usage());
            connection.sendChunk(chunk, last);
            outcome.lastWriteNanos = System.nanoTime();
            if (outcome.tokens == 0) {
                outcome.firstTokenNanos = writing;
                outcome.firstTokenDue = e.time();
            }
            outcome.lastTokenDue = e.time();
            outcome.tokens += e.tokens();
            outcome.usage = e.usage();
        }
    }

    private void respond(Generation generation, ReplyFormat format, String requestId, HttpConnection connection,
                         Outcome outcome) throws IOException {
        connection.watch(generation::abandon);
        while (outcome.usage == null) {
            Generation.Event e = next(generation);
            if (e.abandoned()) {
                if (loop.failure() != null) {
                    error(connection, 500, "InternalServerError", "the engine failed: " + loop.failure(), requestId);
                }
                outcome.aborted = true;
                return;
            }
            if (outcome.tokens == 0) outcome.firstTokenDue = e.time();
            outcome.lastTokenDue = e.time();
            outcome.tokens += e.tokens();
            outcome.usage = e.usage();
        }
        outcome.firstTokenNanos = System.nanoTime();
        connection.respond(200, JSON, format.response(outcome.usage), requestId);
        outcome.lastWriteNanos = System.nanoTime();
    }

    private static Generation.Event next(Generation generation) throws IOException {
        try {
            return generation.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the engine", e);
        }
    }

    private static void error(HttpConnection connection, int status, String type, String message, String requestId)
            throws IOException {
        connection.respond(status, JSON, ReplyFormat.error(status, type, message), requestId);
    }

    /** A random 32-hex-digit id, as vLLM's {@code random_uuid()}. */
    private static String randomId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return HexFormat.of().toHexDigits(r.nextLong()) + HexFormat.of().toHexDigits(r.nextLong());
    }
}
