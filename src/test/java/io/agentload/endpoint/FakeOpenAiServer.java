package io.agentload.endpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A misbehaving OpenAI-compatible server for tests and benchmarks. It speaks raw HTTP/1.1 on a socket (MockWebServer
 * cannot cut a chunked stream after an exact event, stamp each write, or hold thousands of streams cheaply), one
 * virtual thread per connection, with keep-alive. Replies are scripted per request ({@link #enqueue}), falling back to
 * a default; each write of output is stamped with {@link System#nanoTime()} just before it starts, so a test can
 * check the client's arrival times against the server's write times on the same clock.
 */
public final class FakeOpenAiServer implements Closeable {

    /** The answer to {@code GET /v1/models}: the one model, {@code fake}, that the tests name. */
    private static final Reply MODELS = Reply.status(200,
            "{\"object\":\"list\",\"data\":[{\"id\":\"fake\",\"object\":\"model\",\"owned_by\":\"fake\"}]}");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ServerSocket listener;
    private final Reply defaultReply;
    private final boolean recording;
    private final Queue<Reply> script = new ConcurrentLinkedQueue<>();
    private final Queue<Received> received = new ConcurrentLinkedQueue<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger answering = new AtomicInteger();
    private final CountDownLatch closed = new CountDownLatch(1);

    private FakeOpenAiServer(Reply defaultReply, boolean recording) throws IOException {
        this.listener = new ServerSocket(0, 8192, InetAddress.getLoopbackAddress());
        this.defaultReply = defaultReply;
        this.recording = recording;
        Thread.ofVirtual().name("fake-openai-accept").start(this::accept);
    }

    /** A server answering {@link Reply#stream()} unless scripted otherwise, recording every request. */
    public static FakeOpenAiServer start() throws IOException {
        return new FakeOpenAiServer(Reply.stream(), true);
    }

    /** A server answering {@code defaultReply} unless scripted otherwise; {@code recording} keeps requests and times. */
    public static FakeOpenAiServer start(Reply defaultReply, boolean recording) throws IOException {
        return new FakeOpenAiServer(defaultReply, recording);
    }

    /** Serves until standard input closes, printing its port first: the benchmarks run it in a separate process. */
    public static void main(String[] args) throws IOException {
        int tokens = Integer.parseInt(args[0]);
        Duration interval = Duration.ofMillis(Long.parseLong(args[1]));
        try (FakeOpenAiServer server = start(Reply.stream(tokens).withInterval(interval), false)) {
            System.out.println(server.port());
            System.out.flush();
            while (System.in.read() >= 0) {
                // the parent closes our standard input to stop us
            }
        }
    }

    /** {@code http://127.0.0.1:<port>/v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port() + "/v1";
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** The replies to the next requests, in order; then the default again. */
    public FakeOpenAiServer enqueue(Reply... replies) {
        script.addAll(List.of(replies));
        return this;
    }

    /** Every request received so far, in arrival order (when recording). */
    public List<Received> received() {
        return List.copyOf(received);
    }

    /** Every request received since the last drain, in arrival order (when recording), forgetting them. */
    public List<Received> drainReceived() {
        List<Received> drained = new ArrayList<>();
        for (Received r; (r = received.poll()) != null; ) drained.add(r);
        return drained;
    }

    /** TCP connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** Requests read so far. */
    public int requests() {
        return requests.get();
    }

    /** Requests read whose answer is still being written (streams in flight). */
    public int answering() {
        return answering.get();
    }

    @Override
    public void close() throws IOException {
        closed.countDown();
        listener.close();
        for (Socket s : open) s.close();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                socket.setTcpNoDelay(true);
                int connection = connections.incrementAndGet();
                open.add(socket);
                Thread.ofVirtual().name("fake-openai-conn").start(() -> serve(socket, connection));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket, int connection) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream(), 65536);
            OutputStream out = socket.getOutputStream();
            for (Received request; (request = readRequest(in, connection)) != null; ) {
                if (request.method().equals("GET") && request.path().endsWith("/models")) {
                    respond(MODELS, request, out, socket); // the replay's check before a run: not scripted or counted
                    continue;
                }
                requests.incrementAndGet();
                if (recording) received.add(request);
                Reply scripted = script.poll();
                Reply reply = scripted == null ? defaultReply : scripted;
                request.reply = reply;
                boolean keepAlive;
                answering.incrementAndGet();
                try {
                    keepAlive = respond(reply, request, out, socket);
                } finally {
                    answering.decrementAndGet();
                    request.finished.countDown();
                }
                if (!keepAlive) return;
            }
        } catch (IOException e) {
            // the client went away or the server closed: nothing to answer
        } finally {
            open.remove(socket);
        }
    }

    /** Parses one request (request line, headers, Content-Length body); null at the end of the connection. */
    private Received readRequest(InputStream in, int connection) throws IOException {
        String requestLine = readLine(in);
        if (requestLine == null) return null;
        long receivedNanos = System.nanoTime();
        Map<String, String> headers = new TreeMap<>();
        for (String line; (line = readLine(in)) != null && !line.isEmpty(); ) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        byte[] body = in.readNBytes(length);
        if (body.length < length) return null;
        String[] parts = requestLine.split(" ");
        return new Received(parts[0], parts[1], headers, body, receivedNanos, connection);
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) >= 0; ) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        return null;
    }

    /** Writes the reply; false when the connection must not be reused. */
    private boolean respond(Reply reply, Received request, OutputStream out, Socket socket) throws IOException {
        switch (reply.kind) {
            case STALL -> {
                awaitClose();
                return false;
            }
            case CLOSE -> {
                return false;
            }
            case STATUS -> {
                byte[] body = reply.body.getBytes(StandardCharsets.UTF_8);
                out.write(("HTTP/1.1 " + reply.status + " Fake\r\ncontent-type: " + reply.contentType
                        + "\r\ncontent-length: " + body.length + "\r\n" + reply.headers + "\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.write(body);
                out.flush();
                return true;
            }
            case RAW -> {
                startStream(out);
                writeChunk(out, reply.body.getBytes(StandardCharsets.UTF_8));
                endStream(out);
                return true;
            }
            default -> {
                return stream(reply, request, out, socket);
            }
        }
    }

    private boolean stream(Reply reply, Received request, OutputStream out, Socket socket) throws IOException {
        JsonNode json = request.json();
        boolean chat = request.path().endsWith("/chat/completions");
        String model = json.path("model").asText("fake");
        int tokens = reply.tokens >= 0 ? reply.tokens : json.path("max_tokens").asInt(16);
        Events events = new Events(chat, model, reply.lineEnding, reply.keepAliveComments);
        startStream(out);
        if (chat) writeChunk(out, events.role().getBytes(StandardCharsets.UTF_8));
        sleep(reply.firstTokenDelay);
        int output = reply.reasoningChunks + tokens;
        StringBuilder pending = new StringBuilder();
        int pendingOutput = 0;
        for (int i = 0; i < output; i++) {
            if (i == reply.cutAfter) {
                flush(out, pending, pendingOutput, request);
                socket.close();
                return false;
            }
            if (i == reply.stallAfter) {
                flush(out, pending, pendingOutput, request);
                awaitClose();
                return false;
            }
            boolean reasoning = i < reply.reasoningChunks;
            String text = i == 0 && reply.hugeText > 0 ? " " + "x".repeat(reply.hugeText - 1) : reasoning ? " think" : " tok";
            pending.append(events.output(text, reasoning, i == output - 1 ? "length" : null));
            pendingOutput++;
            if (pendingOutput == reply.eventsPerWrite || i == output - 1) {
                flush(out, pending, pendingOutput, request);
                pendingOutput = 0;
                if (i < output - 1) sleep(reply.interval);
            }
        }
        if (reply.cutAfter == output) {
            socket.close();
            return false;
        }
        StringBuilder tail = new StringBuilder();
        if (reply.usage) tail.append(events.usage(promptTokens(json, chat), output, reply.cachedTokens));
        if (reply.done) tail.append(events.done());
        if (!tail.isEmpty()) writeChunk(out, tail.toString().getBytes(StandardCharsets.UTF_8));
        endStream(out);
        return true;
    }

    private void flush(OutputStream out, StringBuilder pending, int outputEvents, Received request) throws IOException {
        if (pending.isEmpty()) return;
        byte[] bytes = pending.toString().getBytes(StandardCharsets.UTF_8);
        long writing = System.nanoTime(); // before the write: no client can see the bytes earlier
        writeChunk(out, bytes);
        for (int k = 0; k < outputEvents; k++) request.tokenWriteNanos.add(writing);
        pending.setLength(0);
    }

    private static int promptTokens(JsonNode json, boolean chat) {
        if (!chat) return json.path("prompt").size();
        int words = 0;
        for (JsonNode m : json.path("messages")) {
            String content = m.path("content").asText();
            if (!content.isBlank()) words += content.strip().split(" +").length;
        }
        return words;
    }

    private static void startStream(OutputStream out) throws IOException {
        out.write(("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8\r\n"
                + "transfer-encoding: chunked\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private static void writeChunk(OutputStream out, byte[] data) throws IOException {
        out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(data);
        out.write(new byte[] {'\r', '\n'});
        out.flush();
    }

    private static void endStream(OutputStream out) throws IOException {
        out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private void awaitClose() {
        try {
            closed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(Duration d) {
        if (d.isZero()) return;
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The OpenAI streaming wire format of completions ({@code text_completion}) and chat ({@code chat.completion.chunk}). */
    private record Events(boolean chat, String model, String lineEnding, boolean keepAlive) {
        private static final AtomicInteger IDS = new AtomicInteger();

        String role() {
            return event(head() + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
                    + "\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}").toString();
        }

        String output(String text, boolean reasoning, String finishReason) {
            String finish = finishReason == null ? "null" : "\"" + finishReason + "\"";
            String field = chat ? "\"delta\":{\"" + (reasoning ? "reasoning_content" : "content") + "\":\"" + text + "\"}"
                    : "\"text\":\"" + text + "\"";
            String choice = "{\"index\":0," + field + ",\"logprobs\":null,\"finish_reason\":" + finish + "}";
            return event(head() + "\"choices\":[" + choice + "],\"usage\":null}").toString();
        }

        String usage(int prompt, int completion, int cached) {
            return event(head() + "\"choices\":[],\"usage\":{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":"
                    + completion + ",\"total_tokens\":" + (prompt + completion)
                    + ",\"prompt_tokens_details\":{\"cached_tokens\":" + cached + "}}}").toString();
        }

        String done() {
            return event("[DONE]").toString();
        }

        private String head() {
            return "{\"id\":\"" + (chat ? "chatcmpl-" : "cmpl-") + IDS.get() + "\",\"object\":\""
                    + (chat ? "chat.completion.chunk" : "text_completion") + "\",\"created\":1767225600,\"model\":\"" + model + "\",";
        }

        private StringBuilder event(String data) {
            StringBuilder e = new StringBuilder(data.length() + 32);
            if (keepAlive) e.append(": keep-alive").append(lineEnding);
            return e.append("data: ").append(data).append(lineEnding).append(lineEnding);
        }
    }

    /** One request as the server read it, and when it wrote each output chunk of its reply. */
    public static final class Received {
        private final String method;
        private final String path;
        private final Map<String, String> headers;
        private final byte[] body;
        private final long receivedNanos;
        private final int connection;
        final List<Long> tokenWriteNanos = new CopyOnWriteArrayList<>();
        volatile Reply reply;
        final CountDownLatch finished = new CountDownLatch(1);

        Received(String method, String path, Map<String, String> headers, byte[] body, long receivedNanos,
                 int connection) {
            this.connection = connection;
            this.method = method;
            this.path = path;
            this.headers = headers;
            this.body = body;
            this.receivedNanos = receivedNanos;
        }

        public String method() {
            return method;
        }

        /** The connection it came on: 1 for the first the server accepted, 2 for the second... */
        public int connection() {
            return connection;
        }

        public String path() {
            return path;
        }

        /** A header by lower-case name, or null. */
        public String header(String name) {
            return headers.get(name);
        }

        public byte[] body() {
            return body.clone();
        }

        /** The body parsed as JSON (a missing node when it is not JSON). */
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                return JSON.missingNode();
            }
        }

        /** The reply the server gave (or is giving) it: the very object scripted or the default. */
        public Reply reply() {
            return reply;
        }

        /** When the request line was read. */
        public long receivedNanos() {
            return receivedNanos;
        }

        /** When the write of each output chunk began, after waiting for the reply to be fully written. */
        public List<Long> tokenWriteNanos() throws InterruptedException {
            if (!finished.await(10, TimeUnit.SECONDS)) throw new IllegalStateException("reply to " + path + " not finished");
            return new ArrayList<>(tokenWriteNanos);
        }
    }
}
