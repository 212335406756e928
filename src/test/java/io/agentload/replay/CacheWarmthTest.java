package io.agentload.replay;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CacheWarmthTest {

    @Test
    void warmOnceTwoConsecutiveBlocksAgreeWithinTwoPoints() {
        CacheWarmth w = new CacheWarmth(20);                  // blocks of 20 requests
        for (int i = 0; i < 20; i++) w.add(2_000, 20_000);    // cold starts: 10% cached
        assertFalse(w.getAsBoolean(), "one block says nothing");
        for (int i = 0; i < 20; i++) w.add(18_000, 20_000);   // 90%
        assertFalse(w.getAsBoolean(), "10% then 90%: still filling");
        for (int i = 0; i < 19; i++) w.add(18_500, 20_000);
        assertFalse(w.getAsBoolean(), "a block is judged only when complete");
        w.add(18_500, 20_000);                                // 92.5%, within 2.5 points: not yet
        assertFalse(w.getAsBoolean());
        for (int i = 0; i < 20; i++) w.add(18_700, 20_000);   // 93.5%, 1 point from the block before
        assertTrue(w.getAsBoolean());
        for (int i = 0; i < 20; i++) w.add(0, 20_000);
        assertTrue(w.getAsBoolean(), "once warm, warm");
    }

    @Test
    void fewAgentsStillAverageOverSixteenRequests() {
        CacheWarmth w = new CacheWarmth(2);
        for (int i = 0; i < 31; i++) w.add(900, 1_000);
        assertFalse(w.getAsBoolean());
        w.add(900, 1_000);
        assertTrue(w.getAsBoolean());
    }

    @Test
    void theRatioIsTokenWeighted() {
        CacheWarmth w = new CacheWarmth(16);
        for (int i = 0; i < 16; i++) w.add(i == 0 ? 99_000 : 0, i == 0 ? 100_000 : 1_000);   // 99,000 / 115,000
        for (int i = 0; i < 16; i++) w.add(i == 0 ? 85_000 : 0, i == 0 ? 100_000 : 1_000);   // 85,000 / 115,000
        assertFalse(w.getAsBoolean(), "86.1% then 73.9%");
        for (int i = 0; i < 16; i++) w.add(i == 0 ? 86_500 : 0, i == 0 ? 100_000 : 1_000);   // 75.2%
        assertTrue(w.getAsBoolean());
    }
}
