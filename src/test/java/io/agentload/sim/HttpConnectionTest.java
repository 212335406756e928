package io.agentload.sim;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTTP/1.1 layer over raw sockets, with a handler that echoes what it was sent. */
class HttpConnectionTest {
    ServerSocket listener;
    volatile HttpConnection.Handler handler = (request, connection) -> connection.respond(200, "text/plain",
            (request.method() + " " + request.path() + " " + new String(request.body(), StandardCharsets.UTF_8))
                    .getBytes(StandardCharsets.UTF_8), null);

    @BeforeEach
    void listen() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket s = listener.accept();
                    Thread.ofVirtual().start(new HttpConnection(s, (r, c) -> handler.handle(r, c)));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    @AfterEach
    void close() throws IOException {
        listener.close();
    }

    Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        s.setSoTimeout(5000);
        return s;
    }

    static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Reads one response with a content-length body. */
    static String response(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) throw new IOException("closed inside a response head: " + head);
            head.write(b);
        }
        String h = head.toString(StandardCharsets.ISO_8859_1);
        int at = h.indexOf("content-length: ");
        int length = at < 0 ? 0 : Integer.parseInt(h.substring(at + 16, h.indexOf("\r\n", at)));
        return h + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    @Test
    void keptAliveConnectionsServeRequestsInOrderEvenPipelined() throws IOException {
        try (Socket s = connect()) {
            send(s, "POST /a?x=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello");
            assertEquals("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 13\r\n\r\nPOST /a hello",
                    response(s.getInputStream()));
            send(s, "GET /b HTTP/1.1\r\n\r\n\r\nGET /c HTTP/1.1\r\nconnection: close\r\n\r\n");
            assertTrue(response(s.getInputStream()).endsWith("\r\n\r\nGET /b "));
            String last = response(s.getInputStream());
            assertTrue(last.contains("connection: close\r\n") && last.endsWith("GET /c "), last);
            assertEquals(-1, s.getInputStream().read(), "closed after a request that asked for it");
        }
    }

    @Test
    void chunkedBodiesAndExpectContinue() throws IOException {
        try (Socket s = connect()) {
            send(s, "POST /p HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nWiki\r\n6\r\npedia \r\n0\r\nX-Trailer: t\r\n\r\n");
            assertTrue(response(s.getInputStream()).endsWith("POST /p Wikipedia "));
            send(s, "POST /q HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
            byte[] interim = s.getInputStream().readNBytes("HTTP/1.1 100 Continue\r\n\r\n".length());
            assertEquals("HTTP/1.1 100 Continue\r\n\r\n", new String(interim, StandardCharsets.ISO_8859_1));
            send(s, "ok");
            assertTrue(response(s.getInputStream()).endsWith("POST /q ok"));
        }
    }

    @Test
    void http10ClosesAfterTheResponse() throws IOException {
        try (Socket s = connect()) {
            send(s, "GET /old HTTP/1.0\r\n\r\n");
            assertTrue(response(s.getInputStream()).contains("connection: close"));
            assertEquals(-1, s.getInputStream().read());
        }
    }

    @Test
    void malformedOrOversizedRequestsGetAnErrorAndAClose() throws IOException {
        try (Socket s = connect()) {
            send(s, "NONSENSE\r\n\r\n");
            String r = response(s.getInputStream());
            assertTrue(r.startsWith("HTTP/1.1 400 Bad Request\r\n") && r.contains("malformed request line"), r);
            assertEquals(-1, s.getInputStream().read());
        }
        try (Socket s = connect()) {
            send(s, "POST /big HTTP/1.1\r\nContent-Length: 999999999\r\n\r\n");
            String r = response(s.getInputStream());
            assertTrue(r.startsWith("HTTP/1.1 413 Content Too Large\r\n") && r.contains("larger than 64 MiB"), r);
        }
        try (Socket s = connect()) {
            send(s, "GET / HTTP/1.1\r\n" + "x: " + "y".repeat(HttpConnection.MAX_HEAD_BYTES) + "\r\n\r\n");
            assertTrue(response(s.getInputStream()).startsWith("HTTP/1.1 400 Bad Request\r\n"));
        }
    }

    @Test
    void eventsAreChunksWrittenAsTheyCome() throws Exception {
        CountDownLatch next = new CountDownLatch(1);
        handler = (request, connection) -> {
            connection.startEvents("r1");
            ChunkBuffer chunk = new ChunkBuffer();
            connection.sendChunk(chunk.append("data: one\n\n"), false);
            try {
                next.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            connection.sendChunk(chunk.clear().append("data: [DONE]\n\n"), true);
        };
        try (Socket s = connect()) {
            send(s, "POST /v1/completions HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
            String head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8\r\ncache-control: no-cache\r\n"
                    + "transfer-encoding: chunked\r\nx-request-id: r1\r\n\r\n";
            String first = "b\r\ndata: one\n\n\r\n";
            assertEquals(head + first, new String(s.getInputStream().readNBytes(head.length() + first.length()),
                    StandardCharsets.ISO_8859_1), "the first event arrives before the handler writes the next");
            next.countDown();
            String rest = "e\r\ndata: [DONE]\n\n\r\n0\r\n\r\n";
            assertEquals(rest, new String(s.getInputStream().readNBytes(rest.length()), StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void aWatchReportsAClientThatLeaves() throws Exception {
        CountDownLatch gone = new CountDownLatch(1);
        CountDownLatch reported = new CountDownLatch(1);
        handler = (request, connection) -> {
            connection.watch(reported::countDown);
            try {
                gone.await(5, TimeUnit.SECONDS);
                assertTrue(reported.await(5, TimeUnit.SECONDS), "the watcher saw the close");
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
        };
        Socket s = connect();
        send(s, "POST /v1/completions HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
        OutputStream out = s.getOutputStream();
        out.flush();
        Thread.sleep(50);
        s.close();
        gone.countDown();
        assertTrue(reported.await(5, TimeUnit.SECONDS));
    }
}
