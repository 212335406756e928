package io.agentload.sim;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

class BlockArraysTest {

    @Test
    void anArrayGivenBackServesTheNextRequestOfItsSizeClass() {
        BlockArrays arrays = new BlockArrays();
        int[] a = arrays.take(1000);
        assertEquals(1024, a.length);
        assertEquals(1, arrays.take(1).length);
        arrays.give(a);
        assertNotSame(a, arrays.take(1025), "a longer request needs the next class");
        assertSame(a, arrays.take(513));
        assertNotSame(a, arrays.take(600), "taken already");
        arrays.give(BlockArrays.NONE);
        assertEquals(1, arrays.take(0).length);
    }
}
