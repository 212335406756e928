/**
 * The OpenAI-compatible streaming client that replays agent turns against a real endpoint: token-id (or word) prompts
 * that reproduce prefix reuse exactly, one non-blocking HTTP/1.1 stream per request, honest timing (send, first byte,
 * every output chunk) and every fault as a result. Entry point: {@link io.agentload.endpoint.Endpoint}; data:
 * {@link io.agentload.endpoint.EndpointRequest} and {@link io.agentload.endpoint.CompletionResult}. Nothing is null
 * unless its documentation says so.
 */
@NullMarked
package io.agentload.endpoint;

import org.jspecify.annotations.NullMarked;
