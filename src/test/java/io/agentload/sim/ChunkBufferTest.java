package io.agentload.sim;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ChunkBufferTest {

    private static String written(ChunkBuffer b) {
        return new String(Arrays.copyOfRange(b.array(), b.offset(), b.offset() + b.size()), StandardCharsets.UTF_8);
    }

    @Test
    void aChunkIsItsHexSizeLineTheDataAndCrlf() {
        ChunkBuffer b = new ChunkBuffer().append("data: ").append(42).append('\n');
        b.seal(false);
        assertEquals("9\r\ndata: 42\n\r\n", written(b));
    }

    @Test
    void theLastChunkEndsTheBody() {
        ChunkBuffer b = new ChunkBuffer().append("x");
        b.seal(true);
        assertEquals("1\r\nx\r\n0\r\n\r\n", written(b));
    }

    @Test
    void numbersAreWrittenInDecimal() {
        ChunkBuffer b = new ChunkBuffer();
        for (long v : new long[] {0, 7, 10, 99, 100, 123_456_789, 9_007_199_254_740_993L, Long.MAX_VALUE, -1, -305,
                Long.MIN_VALUE}) {
            b.append(v).append(',');
        }
        b.seal(false);
        String data = "0,7,10,99,100,123456789,9007199254740993,9223372036854775807,-1,-305,-9223372036854775808,";
        assertEquals(Integer.toHexString(data.length()) + "\r\n" + data + "\r\n", written(b));
    }

    @Test
    void aChunkLargerThanTheArrayGrowsItAndClearStartsAfresh() {
        ChunkBuffer b = new ChunkBuffer();
        String word = " water";
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            b.append(word.getBytes(StandardCharsets.US_ASCII));
            expected.append(word);
        }
        b.seal(false);
        assertEquals("1d4c0\r\n" + expected + "\r\n", written(b), "120,000 bytes: 0x1d4c0");
        b.clear().append("ok");
        b.seal(true);
        assertEquals("2\r\nok\r\n0\r\n\r\n", written(b));
    }

    @Test
    void anEmptyChunkWouldEndTheBodySoItIsSizedZero() {
        ChunkBuffer b = new ChunkBuffer();
        b.seal(false);
        assertEquals("0\r\n\r\n", written(b), "callers always append events first; this only pins the framing");
    }
}
