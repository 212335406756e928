package io.agentload.sim;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class PromptBlocksTest {

    @Test
    void outputWordsAreSixtyFourOneTokenWordsThatTokenizeBack() {
        Set<Integer> ids = new HashSet<>();
        for (int i = 0; i < 64; i++) ids.add(OutputWords.tokenId(i));
        assertEquals(64, ids.size());
        assertEquals(OutputWords.tokenId(3), OutputWords.tokenId(3 + 64));
        StringBuilder text = new StringBuilder();
        OutputWords.appendText(text, 0, 300);
        assertEquals(text.toString().strip().split(" ").length, 300);
        int[] back = TextTokens.encode(text.toString());
        assertEquals(300, back.length);
        for (int i = 0; i < 300; i++) assertEquals(OutputWords.tokenId(i), back[i], "token " + i);
        assertEquals(text.toString(), text.toString().replaceAll("[^ a-z]", ""), "plain lowercase words");
    }

    @Test
    void blocksSharedExactlyAsFarAsTheIdsAgree() {
        int[] a = new int[100];
        for (int i = 0; i < a.length; i++) a[i] = 1000 + i;
        int[] b = a.clone();
        b[70] = 5; // differs inside block 4 (tokens 64-79)
        long[] ha = PromptBlocks.hashes(a, 0, 0), hb = PromptBlocks.hashes(b, 0, 0);
        assertEquals(6, ha.length);
        assertArrayEquals(Arrays.copyOf(ha, 4), Arrays.copyOf(hb, 4));
        for (int i = 4; i < 6; i++) assertNotEquals(ha[i], hb[i], "block " + i + " and every later one differ");
        assertNotEquals(ha[0], PromptBlocks.hashes(a, 0, PromptBlocks.salt("tenant"))[0]);
        assertEquals(0, PromptBlocks.salt(null));
    }

    @Test
    void theChainContinuesOverTheOutputAsIfItWerePrompt() {
        int[] prompt = new int[40];
        Arrays.fill(prompt, 77);
        int[] withOutput = Arrays.copyOf(prompt, 40 + 30);
        for (int i = 0; i < 30; i++) withOutput[40 + i] = OutputWords.tokenId(i);
        assertArrayEquals(PromptBlocks.hashes(withOutput, 0, 9), PromptBlocks.hashes(prompt, 30, 9));
        assertEquals((40 + 30) / 16, PromptBlocks.hashes(prompt, 30, 9).length);
    }
}
