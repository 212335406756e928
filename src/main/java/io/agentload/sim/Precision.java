package io.agentload.sim;

/**
 * Number format of weights or KV cache, with its storage cost. FP4 is MXFP4 as gpt-oss ships it: 4-bit values plus
 * one 8-bit scale per 32 values, so 4.25 bits per value.
 */
public enum Precision {
    BF16(2.0),
    FP8(1.0),
    FP4(4.25 / 8);

    private final double bytes;

    Precision(double bytes) {
        this.bytes = bytes;
    }

    /** Bytes per stored value. */
    public double bytes() {
        return bytes;
    }
}
