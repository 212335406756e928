package io.agentload.power;

import okhttp3.Credentials;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * GETs of a power endpoint with a whole-call timeout and, for a BMC, credentials from the environment. Messages name
 * the URL (which never carries credentials: {@link PowerSource} refuses them) and the HTTP status, never a header.
 */
final class HttpGet implements AutoCloseable {

    static final String REDFISH_USER = "AGENTLOAD_REDFISH_USER";
    static final String REDFISH_PASSWORD = "AGENTLOAD_REDFISH_PASSWORD";
    static final String REDFISH_TOKEN = "AGENTLOAD_REDFISH_TOKEN";

    private final OkHttpClient http;
    private final String authHeader;
    private final String authValue;

    private HttpGet(Duration timeout, String authHeader, String authValue) {
        this.http = new OkHttpClient.Builder().callTimeout(timeout).retryOnConnectionFailure(false).build();
        this.authHeader = authHeader;
        this.authValue = authValue;
    }

    static HttpGet anonymous(Duration timeout) {
        return new HttpGet(timeout, null, null);
    }

    /**
     * Redfish credentials: a session token ({@value #REDFISH_TOKEN}, sent as {@code X-Auth-Token}) or HTTP Basic
     * ({@value #REDFISH_USER} and {@value #REDFISH_PASSWORD}); none when neither is set.
     */
    static HttpGet redfish(Duration timeout, Map<String, String> env) {
        checkRedfish(env);
        String token = env.get(REDFISH_TOKEN);
        String user = env.get(REDFISH_USER);
        if (token != null && !token.isEmpty()) return new HttpGet(timeout, "X-Auth-Token", token);
        if (user != null && !user.isEmpty()) {
            String basic = Credentials.basic(user, env.get(REDFISH_PASSWORD), StandardCharsets.UTF_8);
            return new HttpGet(timeout, "Authorization", basic);
        }
        return anonymous(timeout);
    }

    /** Fails when the Redfish user is set without a password, naming the variables (never their values). */
    static void checkRedfish(Map<String, String> env) {
        String user = env.get(REDFISH_USER);
        if (user != null && !user.isEmpty() && env.get(REDFISH_PASSWORD) == null && env.get(REDFISH_TOKEN) == null) {
            throw new PowerException(REDFISH_USER + " is set but " + REDFISH_PASSWORD + " is not");
        }
    }

    String text(HttpUrl url, String accept) throws IOException {
        Request.Builder request = new Request.Builder().url(url).header("Accept", accept);
        if (authHeader != null) request.header(authHeader, authValue);
        try (Response response = http.newCall(request.build()).execute()) {
            if (!response.isSuccessful()) {
                String hint = response.code() == 401 || response.code() == 403
                        ? " (check " + REDFISH_TOKEN + ", or " + REDFISH_USER + " and " + REDFISH_PASSWORD + ")" : "";
                throw new PowerException(url + " answered HTTP " + response.code() + hint);
            }
            ResponseBody body = response.body();
            return body == null ? "" : body.string();
        }
    }

    @Override
    public void close() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    @Override
    public String toString() {
        return authHeader == null ? "HttpGet(anonymous)" : "HttpGet(" + authHeader + ": ***)";
    }
}
