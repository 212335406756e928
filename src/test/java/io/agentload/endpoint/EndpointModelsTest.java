package io.agentload.endpoint;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
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

    /** A server answering {@code /v1/models} with {@code status} and {@code body}; the request's key is echoed back. */
    private static HttpServer server(int status, String body) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/v1/models", exchange -> {
            byte[] bytes = body.replace("$AUTH", String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")))
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        http.start();
        return http;
    }

    private static String base(HttpServer http) {
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/v1";
    }

    @Test
    void theServedModelsAreListedAndAServedModelPasses() throws IOException {
        HttpServer http = server(200, "{\"object\":\"list\",\"data\":[{\"id\":\"Qwen/Qwen3-8B\",\"object\":\"model\"},"
                + "{\"id\":\"lora-a\",\"object\":\"model\"}]}");
        try (Endpoint e = endpoint(base(http), "lora-a")) {
            assertEquals(List.of("Qwen/Qwen3-8B", "lora-a"), e.models());
            e.checkModel();
        } finally {
            http.stop(0);
        }
    }

    @Test
    void aModelTheServerDoesNotServeStopsWithTheNamesItServes() throws IOException {
        HttpServer http = server(200, "{\"object\":\"list\",\"data\":[{\"id\":\"Qwen/Qwen3-8B\"}]}");
        try (Endpoint e = endpoint(base(http), "qwen3-8b")) {
            EndpointException x = assertThrows(EndpointException.class, e::checkModel);
            assertEquals("GET " + base(http) + "/models: the server serves [Qwen/Qwen3-8B], not 'qwen3-8b'; name one of "
                    + "those as the model", x.getMessage());
        } finally {
            http.stop(0);
        }
    }

    @Test
    void aRefusedKeyStopsWithTheStatusAndNeverShowsTheKey() throws IOException {
        HttpServer http = server(401, "{\"error\":{\"message\":\"bad key $AUTH\"}}");
        try (Endpoint e = endpoint(base(http), "m")) {
            EndpointException x = assertThrows(EndpointException.class, e::checkModel);
            assertTrue(x.getMessage().startsWith("GET " + base(http) + "/models: HTTP 401: "), x.getMessage());
            assertTrue(x.getMessage().contains("bad key Bearer [redacted]"), x.getMessage());
            assertFalse(x.getMessage().contains(KEY));
        } finally {
            http.stop(0);
        }
    }

    @Test
    void aServerWithoutTheRoutePassesTheCheckButCannotListModels() throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.start(); // no context: every path is 404
        try (Endpoint e = endpoint(base(http), "m")) {
            e.checkModel();
            EndpointException x = assertThrows(EndpointException.class, e::models);
            assertTrue(x.getMessage().startsWith("GET " + base(http) + "/models: HTTP 404: "), x.getMessage());
        } finally {
            http.stop(0);
        }
    }

    @Test
    void somethingOtherThanAModelListIsNamed() throws IOException {
        HttpServer http = server(200, "<html>proxy login</html>");
        try (Endpoint e = endpoint(base(http), "m")) {
            EndpointException x = assertThrows(EndpointException.class, e::checkModel);
            assertTrue(x.getMessage().startsWith("GET " + base(http) + "/models: not an OpenAI model list"), x.getMessage());
            assertTrue(x.getMessage().endsWith("<html>proxy login</html>"), x.getMessage());
        } finally {
            http.stop(0);
        }
    }

    @Test
    void aDeadEndpointStopsWithTheRequestAndTheRefusal() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (Endpoint e = Endpoint.builder().baseUrl("http://127.0.0.1:" + port + "/v1").model("m")
                .environment(Map.<String, String>of()::get).build()) {
            EndpointException x = assertThrows(EndpointException.class, e::checkModel);
            assertTrue(x.getMessage().startsWith("GET http://127.0.0.1:" + port + "/v1/models: java.net.ConnectException"),
                    x.getMessage());
        }
    }
}
