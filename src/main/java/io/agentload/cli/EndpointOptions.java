package io.agentload.cli;

import io.agentload.endpoint.Endpoint;
import io.agentload.replay.RunManifest;
import picocli.CommandLine.Option;

/** The options that name an OpenAI-compatible endpoint, shared by {@code replay} and {@code bench}. */
final class EndpointOptions {

    @Option(names = "--endpoint", paramLabel = "URL",
            description = "the API's base URL, e.g. http://gpu-node:8000/v1 (vLLM, SGLang, TensorRT-LLM, NIM...)")
    String url;

    @Option(names = "--model", paramLabel = "NAME", description = "the served model's name, as /v1/models lists it")
    String model;

    @Option(names = "--api", paramLabel = "API", defaultValue = "completions",
            description = "completions (token-id prompts: exact prefix reuse; the default) or chat (text, for "
                    + "endpoints that take only text)")
    String api;

    @Option(names = "--api-key-env", paramLabel = "NAME",
            description = "the environment variable holding the API key (default: OPENAI_API_KEY when it is set)")
    String apiKeyEnv;

    /** The endpoint these options name, with the client's timeouts. */
    Endpoint build(TimeoutOptions timeouts) {
        return build(url, model, api, apiKeyEnv, timeouts);
    }

    /** An endpoint from a base URL, a model, an API name, the key's variable (null: the default) and timeouts. */
    static Endpoint build(String url, String model, String api, String apiKeyEnv, TimeoutOptions timeouts) {
        Endpoint.Builder b = Endpoint.builder().baseUrl(url).model(model).api(api(api));
        if (apiKeyEnv != null) b.apiKeyFromEnv(apiKeyEnv);
        return timeouts.applyTo(b).build();
    }

    /**
     * The endpoint a run folder's {@code run.json} names (its {@code endpoint} section): the same URL, model and API,
     * the key from the same variable, or no key if the run sent none; the client's timeouts as given now.
     */
    static Endpoint fromRun(RunManifest.HttpEndpoint endpoint, TimeoutOptions timeouts) {
        String api = endpoint.api();
        String url = endpoint.url();
        String path = api.equals("chat") ? "/chat/completions" : "/completions";
        Endpoint.Builder b = Endpoint.builder().api(api(api)).model(endpoint.model())
                .baseUrl(url.endsWith(path) ? url.substring(0, url.length() - path.length()) : url);
        String variable = endpoint.apiKeyEnv();
        if (variable == null || variable.isEmpty()) b.noApiKey();
        else b.apiKeyFromEnv(variable);
        return timeouts.applyTo(b).build();
    }

    private static Endpoint.Api api(String name) {
        return switch (name) {
            case "completions" -> Endpoint.Api.COMPLETIONS;
            case "chat" -> Endpoint.Api.CHAT;
            default -> throw new IllegalArgumentException("--api is completions or chat, not '" + name + "'");
        };
    }
}
