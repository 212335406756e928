package io.agentload.endpoint;

/**
 * The token ids a token-id prompt draws from, {@code [from, to)}. The default, {@code [1000, 100000)}, holds only
 * ordinary (non-special) ids in the vocabularies replay targets: Llama 3's 128,000 regular ids come before its 256
 * special ones, cl100k_base has 100,256 regular ids and o200k_base 199,998 before their specials, Qwen2's regular
 * ids run to 151,642, and Mistral's tekken reserves ids below 1,000 for control tokens. Models with smaller
 * vocabularies (Llama 2 and Mistral's 32K tokenizers) need a narrower range.
 */
record TokenIdRange(int from, int to) {

    static final TokenIdRange DEFAULT = new TokenIdRange(1_000, 100_000);

    TokenIdRange {
        if (from < 0 || to <= from) {
            throw new IllegalArgumentException("token id range [" + from + ", " + to + ") is empty or negative");
        }
    }

    int size() {
        return to - from;
    }
}
