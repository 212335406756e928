package io.agentload.sim;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;

/**
 * The server's tokenizer: OpenAI's o200k_base (through jtokkit) for every text prompt and chat message, whatever model
 * is simulated. Special-token markers in text are encoded as ordinary text, as a server does with user content.
 */
final class TextTokens {
    /** o200k_base's ids: 199,998 ordinary ones, {@code <|endoftext|>} at 199,999 and {@code <|endofprompt|>} at 200,018. */
    static final int VOCABULARY = 200_019;

    private static final Encoding O200K = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);

    private TextTokens() {
    }

    static int[] encode(String text) {
        return O200K.encodeOrdinary(text).toArray();
    }
}
