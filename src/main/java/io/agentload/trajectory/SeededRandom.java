package io.agentload.trajectory;

/**
 * SplitMix64 (Steele, Lea and Flood, OOPSLA 2014), written out here so that a seed gives the same numbers on every
 * JVM and Java version: {@code java.util.SplittableRandom} does not promise its algorithm, and {@code Math.log}
 * or {@code Math.exp} may differ by an ulp between platforms, so every transcendental goes through
 * {@link StrictMath}.
 */
final class SeededRandom {

    private static final long GAMMA = 0x9E3779B97F4A7C15L;
    private static final double TWO_PI = 2 * Math.PI;

    private long state;
    private double spareGaussian = Double.NaN;

    /** The stream of item {@code index} under {@code seed}: streams of different items are unrelated. */
    SeededRandom(long seed, long index) {
        state = PromptLayout.mix(PromptLayout.mix(seed ^ 0x5851F42D4C957F2DL) + PromptLayout.mix(index * GAMMA + 1));
    }

    long nextLong() {
        state += GAMMA;
        return PromptLayout.mix(state);
    }

    /** Uniform in {@code [0, 1)} with 53 random bits. */
    double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** A standard normal deviate: Box-Muller, which makes two from two uniforms and keeps the second for later. */
    double nextGaussian() {
        if (!Double.isNaN(spareGaussian)) {
            double z = spareGaussian;
            spareGaussian = Double.NaN;
            return z;
        }
        double radius = StrictMath.sqrt(-2 * StrictMath.log(1 - nextDouble())); // 1 - u is in (0, 1]: log is finite
        double angle = TWO_PI * nextDouble();
        spareGaussian = radius * StrictMath.sin(angle);
        return radius * StrictMath.cos(angle);
    }
}
