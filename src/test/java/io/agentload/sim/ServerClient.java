package io.agentload.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A plain OkHttp client for the simulated server's tests: JSON in, JSON or parsed SSE events out, with timings. */
final class ServerClient {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final MediaType APPLICATION_JSON = MediaType.get("application/json");

    /**
     * A response: its status and JSON body, or its SSE lines with the instant each event arrived.
     *
     * @param eventNanos {@link System#nanoTime()} when each {@code data:} line was read
     */
    record Reply(int status, String contentType, JsonNode body, List<String> rawLines, List<Long> eventNanos,
                 long sentNanos, long doneNanos) {
        /** The events' data, parsed: chunk objects and the final {@code [DONE]} as a text node. */
        List<JsonNode> events() {
            List<JsonNode> events = new ArrayList<>();
            for (String line : rawLines) {
                if (!line.startsWith("data: ")) continue;
                String data = line.substring(6);
                try {
                    events.add(data.equals("[DONE]") ? JSON.getNodeFactory().textNode("[DONE]") : JSON.readTree(data));
                } catch (IOException e) {
                    throw new UncheckedIOException("not JSON: " + data, e);
                }
            }
            return events;
        }

        /** The events' chunk objects, without the final {@code [DONE]}. */
        List<JsonNode> chunks() {
            List<JsonNode> events = events();
            return events.subList(0, events.size() - 1);
        }
    }

    final OkHttpClient http = new OkHttpClient.Builder().readTimeout(60, TimeUnit.SECONDS).build();
    private final String baseUrl;

    ServerClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    Request.Builder post(String path, String json) {
        return new Request.Builder().url(baseUrl + path).post(RequestBody.create(json, APPLICATION_JSON));
    }

    Reply get(String path) {
        return send(new Request.Builder().url(baseUrl + path).get().build());
    }

    Reply post(String path, JsonNode body) {
        return send(post(path, body.toString()).build());
    }

    Reply postRaw(String path, String body) {
        return send(post(path, body).build());
    }

    /** Sends a request and reads the whole response, SSE or JSON, noting when each event's line arrived. */
    Reply send(Request request) {
        long sent = System.nanoTime();
        try (Response response = http.newCall(request).execute()) {
            String type = response.header("content-type", "");
            if (!type.startsWith("text/event-stream")) {
                String text = response.body().string();
                return new Reply(response.code(), type, text.isEmpty() ? null : JSON.readTree(text), List.of(), List.of(),
                        sent, System.nanoTime());
            }
            List<Long> nanos = new ArrayList<>();
            List<String> lines = new ArrayList<>();
            BufferedSource source = response.body().source();
            for (String line = source.readUtf8Line(); line != null; line = source.readUtf8Line()) {
                long at = System.nanoTime();
                lines.add(line);
                if (line.startsWith("data: ")) nanos.add(at);
            }
            return new Reply(response.code(), type, null, lines, nanos, sent, System.nanoTime());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
