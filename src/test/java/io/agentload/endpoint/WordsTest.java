package io.agentload.endpoint;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import io.agentload.trajectory.PromptLayout;
import okio.ByteString;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WordsTest {

    private static final EncodingRegistry REGISTRY = Encodings.newDefaultEncodingRegistry();
    private static final Encoding O200K = REGISTRY.getEncoding(EncodingType.O200K_BASE);
    private static final Encoding CL100K = REGISTRY.getEncoding(EncodingType.CL100K_BASE);

    @Test
    void everyWordIsOneTokenWithItsLeadingSpaceInO200kAndCl100k() {
        Set<String> distinct = new HashSet<>();
        for (int i = 0; i < Words.count(); i++) {
            String word = " " + new String(Words.of(i), StandardCharsets.US_ASCII);
            assertEquals(1, O200K.countTokens(word), word);
            assertEquals(1, CL100K.countTokens(word), word);
            distinct.add(word);
        }
        assertEquals(4096, distinct.size());
    }

    @Test
    void chatPromptsLandExactlyOnTheTokenBudgetInO200k() throws IOException {
        ObjectMapper json = new ObjectMapper();
        for (int input : new int[] {1, 17, 5_000, 131_072}) {
            PromptLayout layout = Layouts.single(input, Math.min(input, 4_000));
            BodyOptions options = new BodyOptions("m", 0, true, true, TokenIdRange.DEFAULT);
            ByteString bytes = PromptBodyTest.bytes(new ChatBody(options, new PromptTokens(layout, 77, options.tokenIds()), 1));
            int o200k = 0, cl100k = 0;
            for (JsonNode message : json.readTree(bytes.toByteArray()).get("messages")) {
                String content = message.get("content").asText();
                o200k += O200K.countTokensOrdinary(content);
                cl100k += CL100K.countTokensOrdinary(content);
            }
            assertEquals(input, o200k, "o200k_base tokens of a " + input + "-token chat prompt");
            assertEquals(input, cl100k, "cl100k_base tokens of a " + input + "-token chat prompt");
        }
    }
}
