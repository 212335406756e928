package io.agentload.sim;

import jdk.net.ExtendedSocketOptions;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One client connection on its own virtual thread: HTTP/1.1 requests one after another (keep-alive, HTTP/1.0 too),
 * each answered with a fixed-length response or a chunked event stream. Nothing is buffered on the way out: every
 * response head, body and event is one write on a socket with Nagle's algorithm off, so it leaves when written. While
 * a request is being generated, a watcher reads ahead on the socket and reports a client that closed or reset the
 * connection, so its request can be cancelled even before anything is written to it.
 */
final class HttpConnection implements Runnable {

    /** Largest request line plus headers. */
    static final int MAX_HEAD_BYTES = 64 * 1024;
    /**
     * Largest request body. A 1M-token prompt is about 6-7 MB of JSON (token ids of 4 to 6 digits and a comma each;
     * its chat text as much), read into one array of its announced length; 64 MiB takes prompts to about 8M tokens
     * and still bounds what one connection can make the server hold.
     */
    static final int MAX_BODY_BYTES = 64 << 20;

    /**
     * One request.
     *
     * @param headers      by lower-case name
     * @param arrivalNanos {@link System#nanoTime()} when its first byte was read
     */
    record Request(String method, String path, Map<String, String> headers, byte[] body, long arrivalNanos) {
        String header(String name) {
            return headers.get(name);
        }
    }

    /** Answers requests; it must answer each one through the connection's respond or event methods. */
    interface Handler {
        void handle(Request request, HttpConnection connection) throws IOException;
    }

    private final Socket socket;
    private final boolean quickAck;
    private final PushbackInputStream in;
    private final OutputStream out;
    private final Handler handler;
    private boolean keepAlive;
    private boolean responding;
    private Thread watcher;
    private final AtomicBoolean watching = new AtomicBoolean();
    private volatile boolean gone;
    private volatile long nextArrivalNanos;
    private int rejectStatus;

    HttpConnection(Socket socket, Handler handler) throws IOException {
        this.socket = socket;
        socket.setTcpNoDelay(true);
        this.quickAck = socket.supportedOptions().contains(ExtendedSocketOptions.TCP_QUICKACK);
        this.in = new PushbackInputStream(new BufferedInputStream(socket.getInputStream(), 64 * 1024), 1);
        this.out = socket.getOutputStream();
        this.handler = handler;
    }

    @Override
    public void run() {
        try {
            while (!gone) {
                Request request;
                try {
                    request = read();
                } catch (IllegalArgumentException e) {
                    keepAlive = false;
                    respond(rejectStatus, "application/json", ReplyFormat.error(rejectStatus, "BadRequestError",
                            e.getMessage()), null);
                    return;
                }
                if (request == null) return;
                responding = false;
                try {
                    handler.handle(request, this);
                } catch (RuntimeException e) {
                    if (!responding) {
                        keepAlive = false;
                        respond(500, "application/json", ReplyFormat.error(500, "InternalServerError",
                                "the simulated server failed on " + request.method() + " " + request.path() + ": " + e), null);
                    }
                    return;
                }
                endWatch();
                if (!keepAlive) return;
            }
        } catch (IOException e) {
            // The client closed or reset the connection: nothing left to answer.
        } finally {
            close();
        }
    }

    /** Closes the socket: a blocked read or write on it fails at once. */
    void close() {
        watching.set(false);
        try {
            socket.close();
        } catch (IOException e) {
            // Already closed.
        }
    }

    /**
     * Watches for the client going away until the response is complete: {@code onGone} runs (once, on the watcher's
     * thread) if the client closes or resets the connection first.
     */
    void watch(Runnable onGone) {
        watching.set(true);
        watcher = Thread.ofVirtual().name("agentload-watch").start(() -> {
            try {
                int b = in.read();
                if (b >= 0) {
                    nextArrivalNanos = System.nanoTime();
                    in.unread(b);
                    return;
                }
            } catch (IOException e) {
                // Reset: the same as a close.
            }
            gone = true;
            if (watching.compareAndSet(true, false)) onGone.run();
        });
    }

    /** The response is complete: a watcher stops reporting and, on a kept-alive connection, becomes the next read. */
    private void endWatch() throws IOException {
        if (watcher == null) return;
        watching.set(false);
        if (!keepAlive) return;
        try {
            watcher.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the next request", e);
        }
        watcher = null;
    }

    /** A whole response with a body of known length. */
    void respond(int status, String contentType, byte[] body, String requestId) throws IOException {
        responding = true;
        String head = "HTTP/1.1 " + status + " " + reason(status) + "\r\ncontent-type: " + contentType
                + "\r\ncontent-length: " + body.length + (requestId == null ? "" : "\r\nx-request-id: " + requestId)
                + (keepAlive ? "" : "\r\nconnection: close") + "\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        out.write(all);
    }

    /** Starts a {@code text/event-stream} response: its head goes out now, its events as they are written. */
    void startEvents(String requestId) throws IOException {
        responding = true;
        out.write(("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8\r\ncache-control: no-cache"
                + "\r\ntransfer-encoding: chunked\r\nx-request-id: " + requestId
                + (keepAlive ? "" : "\r\nconnection: close") + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Sends SSE events as one HTTP chunk in one write; with {@code last}, the same write ends the stream. */
    void sendChunk(ChunkBuffer events, boolean last) throws IOException {
        events.seal(last);
        out.write(events.array(), events.offset(), events.size());
    }

    /** Reads the next request, or returns null when the client closed the connection between requests. */
    private Request read() throws IOException {
        int first = in.read();
        if (first < 0) return null;
        long arrival = nextArrivalNanos != 0 ? nextArrivalNanos : System.nanoTime();
        nextArrivalNanos = 0;
        rejectStatus = 400;
        in.unread(first);
        int[] budget = {MAX_HEAD_BYTES};
        String line = line(budget);
        while (line.isEmpty()) line = line(budget); // stray CRLFs between requests
        String[] parts = line.split(" ");
        if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) throw new IllegalArgumentException("malformed request line");
        Map<String, String> headers = new HashMap<>();
        for (String h = line(budget); !h.isEmpty(); h = line(budget)) {
            int colon = h.indexOf(':');
            if (colon <= 0) throw new IllegalArgumentException("malformed header line");
            headers.merge(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim(),
                    (a, b) -> a + ", " + b);
        }
        String connection = headers.getOrDefault("connection", "").toLowerCase(Locale.ROOT);
        keepAlive = parts[2].equals("HTTP/1.1") ? !connection.contains("close") : connection.contains("keep-alive");
        acknowledge();
        if ("100-continue".equalsIgnoreCase(headers.get("expect"))) {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        byte[] body = body(headers);
        String target = parts[1];
        int query = target.indexOf('?');
        return new Request(parts[0], query < 0 ? target : target.substring(0, query), headers, body, arrival);
    }

    private byte[] body(Map<String, String> headers) throws IOException {
        String encoding = headers.get("transfer-encoding");
        if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            int[] budget = {MAX_HEAD_BYTES};
            while (true) {
                String size = line(budget);
                int semicolon = size.indexOf(';');
                int n;
                try {
                    n = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("malformed chunk size '" + size + "'");
                }
                if (n == 0) break;
                if (n < 0 || body.size() + (long) n > MAX_BODY_BYTES) throw tooLarge();
                body.write(exactly(n));
                line(budget);
            }
            for (String trailer = line(budget); !trailer.isEmpty(); trailer = line(budget)) {
                // Trailers carry nothing the server uses.
            }
            return body.toByteArray();
        }
        String length = headers.get("content-length");
        if (length == null) return new byte[0];
        long n;
        try {
            n = Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("malformed content-length '" + length + "'");
        }
        if (n < 0 || n > MAX_BODY_BYTES) throw tooLarge();
        return exactly((int) n);
    }

    private byte[] exactly(int n) throws IOException {
        byte[] bytes = new byte[n];
        for (int done = 0; done < n; ) {
            int read = in.read(bytes, done, n - done);
            if (read < 0) throw new IOException("the client closed the connection inside a request body");
            done += read;
            acknowledge();
        }
        return bytes;
    }

    /**
     * Acknowledges what has arrived at once (Linux's TCP_QUICKACK, re-armed after every read), so that a client
     * whose Nagle's algorithm holds the rest of a large body until its first part is acknowledged does not wait for
     * a delayed acknowledgement (up to 40 ms) before the server even has the request.
     */
    private void acknowledge() throws IOException {
        if (quickAck) socket.setOption(ExtendedSocketOptions.TCP_QUICKACK, true);
    }

    private IllegalArgumentException tooLarge() {
        rejectStatus = 413;
        return new IllegalArgumentException("request body larger than " + (MAX_BODY_BYTES >> 20) + " MiB");
    }

    /** A line without its CRLF (or LF), in ISO-8859-1, charged to a budget of head bytes. */
    private String line(int[] budget) throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) throw new IOException("the client closed the connection inside a request head");
            if (--budget[0] < 0) throw new IllegalArgumentException("request head larger than " + MAX_HEAD_BYTES + " bytes");
            if (b == '\n') break;
            line.append((char) b);
        }
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\r') line.setLength(end - 1);
        return line.toString();
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 413 -> "Content Too Large";
            case 503 -> "Service Unavailable";
            default -> "Internal Server Error";
        };
    }
}
