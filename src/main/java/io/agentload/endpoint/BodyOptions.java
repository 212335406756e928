package io.agentload.endpoint;

/**
 * What every request body of one endpoint carries besides the prompt.
 *
 * @param model       the served model's name
 * @param temperature sampling temperature
 * @param ignoreEos   send {@code ignore_eos: true} (vLLM, SGLang, TensorRT-LLM) so the output runs to max_tokens
 * @param minTokens   send {@code min_tokens} equal to max_tokens (vLLM, TensorRT-LLM) for the same reason
 * @param tokenIds    where token-id prompts draw their ids from
 */
record BodyOptions(String model, double temperature, boolean ignoreEos, boolean minTokens, TokenIdRange tokenIds) {
}
