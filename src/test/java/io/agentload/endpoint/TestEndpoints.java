package io.agentload.endpoint;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;

/** Endpoints for tests of other packages: an API key given as if from the environment, short timeouts. */
public final class TestEndpoints {

    private TestEndpoints() {
    }

    /** A loopback port that nothing listens on (it was free a moment ago): connections to it are refused. */
    public static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** An endpoint sending {@code key} as if environment variable {@code variable} held it. */
    public static Endpoint withKey(String baseUrl, String model, String variable, String key) {
        return Endpoint.builder().baseUrl(baseUrl).model(model).environment(Map.of(variable, key)::get)
                .apiKeyFromEnv(variable).firstTokenTimeout(Duration.ofSeconds(2)).build();
    }
}
