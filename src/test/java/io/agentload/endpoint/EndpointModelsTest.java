package io.agentload.endpoint;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code GET /v1/models}: what the server serves, and the check that stops a run before it records only failures. */
class EndpointModelsTest {

    private static final String KEY = "sk-test-models-0123456789";

    private static Endpoint endpoint(String baseUrl, String model) {
        return TestEndpoints.withKey(baseUrl, model, "AGENTLOAD_TEST_KEY", KEY);
    }

    /** A local HTTP server for one test, stopped when it is closed. */
    private record Server(HttpServer http) implements AutoCloseable {
        /** A server without {@code /v1/models}: every path is 404. */
        static Server withoutModels() throws IOException {
            HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            http.start();
            return new Server(http);
        }

        /** A server answering {@code /v1/models} with {@code status} and {@code body}; {@code $AUTH} echoes the key. */
        static Server answering(int status, String body) throws IOException {
            Server server = withoutModels();
            server.http.createContext("/v1/models", exchange -> {
                byte[] bytes = body.replace("$AUTH", String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")))
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(status, bytes.length);
                exchange.getResponseBody().write(bytes);
                exchange.close();
            });
            return server;
        }

        String base() {
            return "http://127.0.0.1:" + http.getAddress().getPort() + "/v1";
        }

        @Override
        public void close() {
            http.stop(0);
        }
    }

    @Test
    void theServedModelsAreListedAndAServedModelPasses() throws IOException {
        try (Server server = Server.answering(200, "{\"object\":\"list\",\"data\":[{\"id\":\"Qwen/Qwen3-8B\","
                + "\"object\":\"model\"},{\"id\":\"lora-a\",\"object\":\"model\"}]}");
             Endpoint e = endpoint(server.base(), "lora-a")) {
            assertEquals(List.of("Qwen/Qwen3-8B", "lora-a"), e.models());
            e.checkModel();
        }
    }

    @Test
    void aModelTheServerDoesNotServeStopsWithTheNamesItServes() throws IOException {
        try (Server server = Server.answering(200, "{\"object\":\"list\",\"data\":[{\"id\":\"Qwen/Qwen3-8B\"}]}");
             Endpoint e = endpoint(server.base(), "qwen3-8b")) {
            EndpointException x = assertThrows(EndpointException.class, e::checkModel);
            assertEquals("GET " + server.base() + "/models: the server serves [Qwen/Qwen3-8B], not 'qwen3-8b'; name one "
                    + "of those as the model", x.getMessage());
        }
    }

    @Test
    void aRefusedKeyStopsWithTheStatusAndNeverShowsTheKey() throws IOException {
        try (Server server = Server.answering(401, "{\"error\":{\"message\":\"bad key $AUTH\"}}");
             Endpoint e = endpoint(server.base(), "m")) {
            EndpointException x = assertThrows(EndpointException.class, e::checkModel);
            assertTrue(x.getMessage().startsWith("GET " + server.base() + "/models: HTTP 401: "), x.getMessage());
            assertTrue(x.getMessage().contains("bad key Bearer [redacted]"), x.getMessage());
            assertFalse(x.getMessage().contains(KEY));
        }
    }

    @Test
    void aServerWithoutTheRoutePassesTheCheckButCannotListModels() throws IOException {
        try (Server server = Server.withoutModels(); Endpoint e = endpoint(server.base(), "m")) {
            e.checkModel();
            EndpointException x = assertThrows(EndpointException.class, e::models);
            assertTrue(x.getMessage().startsWith("GET " + server.base() + "/models: HTTP 404: "), x.getMessage());
        }
    }

    @Test
    void somethingOtherThanAModelListIsNamed() throws IOException {
        try (Server server = Server.answering(200, "<html>proxy login</html>"); Endpoint e = endpoint(server.base(), "m")) {
            EndpointException x = assertThrows(EndpointException.class, e::checkModel);
            assertTrue(x.getMessage().startsWith("GET " + server.base() + "/models: not an OpenAI model list"),
                    x.getMessage());
            assertTrue(x.getMessage().endsWith("<html>proxy login</html>"), x.getMessage());
        }
    }

    @Test
    void aDeadEndpointStopsWithTheRequestAndTheRefusal() throws IOException {
        int port = TestEndpoints.closedPort();
        try (Endpoint e = Endpoint.builder().baseUrl("http://127.0.0.1:" + port + "/v1").model("m")
                .environment(Map.<String, String>of()::get).build()) {
            EndpointException x = assertThrows(EndpointException.class, e::checkModel);
            assertTrue(x.getMessage().startsWith("GET http://127.0.0.1:" + port + "/v1/models: could not connect"),
                    x.getMessage());
        }
    }
}
