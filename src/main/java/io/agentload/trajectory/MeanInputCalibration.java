package io.agentload.trajectory;

import java.util.List;

/**
 * Solves the tool-output scale that gives a shape its mean input over all turns, on a fixed pilot sample: the mean
 * grows with the scale, so a bracketing search finds it. The pilot's seed is a constant (the first hex digits of
 * pi's fraction, chosen for no other reason), so the scale is a function of the shape alone and every generated
 * session is independent of how many are generated. With 20,000 pilot sessions (about 570,000 turns) the sampling
 * error of the pilot's turn-weighted mean, and so the error of the scale's mean input, is about 0.7%.
 */
final class MeanInputCalibration {

    static final int PILOT_SESSIONS = 20_000;
    static final long PILOT_SEED = 0x243F6A8885A308D3L;
    /** How close to the target the pilot's mean input must come, in tokens. */
    private static final double TOLERANCE_TOKENS = 0.5;
    /** Relative width of the scale's bracket at which to stop: finer steps change no rounded token count. */
    private static final double PRECISION = 1e-9;
    /** A bound on the search steps; far more than a bracket of any width needs to reach {@link #PRECISION}. */
    private static final int MAX_STEPS = 2_100;

    private MeanInputCalibration() {
    }

    /** The tool-output scale at which the pilot's mean input meets the shape's {@code meanInputTokens}. */
    static double toolOutputScale(WorkloadShape shape, List<SessionPlan> pilot) {
        Pilot p = new Pilot(shape, pilot);
        double target = shape.meanInputTokens();
        double saturating = p.saturatingScale();
        double lo = 0, fLo = p.meanInput(lo) - target;
        if (fLo > 0) throw outOfReach(shape, p, saturating);
        double hi = 1, fHi; // default shapes land near 2^7: a few steps of 8x bracket the scale
        while ((fHi = p.meanInput(hi) - target) < 0) {
            if (hi >= saturating) throw outOfReach(shape, p, saturating);
            lo = hi;
            fLo = fHi;
            hi = Math.min(8 * hi, saturating);
        }
        if (fLo == 0) return lo;
        if (fHi == 0) return hi;
        // Regula falsi with the Illinois rule: the mean is nearly linear in the scale, so few steps are needed.
        int lastMoved = 0;
        for (int i = 0; i < MAX_STEPS && hi - lo > PRECISION * hi; i++) {
            double s = (lo * fHi - hi * fLo) / (fHi - fLo);
            double f = p.meanInput(s) - target;
            if (Math.abs(f) < TOLERANCE_TOKENS) return s;
            if (f < 0) {
                lo = s;
                fLo = f;
                if (lastMoved < 0) fHi /= 2;
                lastMoved = -1;
            } else {
                hi = s;
                fHi = f;
                if (lastMoved > 0) fLo /= 2;
                lastMoved = 1;
            }
        }
        return hi;
    }

    private static IllegalArgumentException outOfReach(WorkloadShape shape, Pilot p, double saturating) {
        return new IllegalArgumentException(String.format(
                "WorkloadShape.meanInputTokens %d is out of reach: with these session lengths, prompts, outputs"
                        + " and limits the mean input over all turns lies between %.0f and %.0f tokens (change"
                        + " sessionTurns, outputTokens, maxToolOutputTokens or contextLimitTokens to move it)",
                shape.meanInputTokens(), p.meanInput(0), p.meanInput(saturating)));
    }

    /** The pilot sessions with scratch space for their prompt lengths. */
    private static final class Pilot {
        private final WorkloadShape shape;
        private final List<SessionPlan> plans;
        private final int[] input, reused;
        private final long turns;

        Pilot(WorkloadShape shape, List<SessionPlan> plans) {
            this.shape = shape;
            this.plans = plans;
            this.input = new int[shape.maxTurns()];
            this.reused = new int[shape.maxTurns()];
            this.turns = plans.stream().mapToLong(SessionPlan::turns).sum();
        }

        double meanInput(double scale) {
            long sum = 0;
            for (SessionPlan plan : plans) sum += plan.unroll(shape, scale, input, reused);
            return (double) sum / turns;
        }

        /**
         * A scale at which every turn's new tokens reach the cap, so larger scales change nothing; 0 when no pilot
         * session has a second turn, so the scale does not matter.
         */
        double saturatingScale() {
            double smallest = Double.POSITIVE_INFINITY;
            for (SessionPlan plan : plans) {
                for (int k = 1; k < plan.turns(); k++) smallest = Math.min(smallest, plan.toolOutputFactors[k]);
            }
            if (smallest == Double.POSITIVE_INFINITY) return 0;
            double scale = (shape.maxToolOutputTokens() + 1) / smallest;
            return Double.isFinite(scale) ? scale : Double.MAX_VALUE;
        }
    }
}
