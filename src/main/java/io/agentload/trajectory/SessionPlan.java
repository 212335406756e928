package io.agentload.trajectory;

/**
 * The random draws of one generated session, before a tool-output scale turns them into prompt lengths. Keeping the
 * draws apart from the scale lets {@link MeanInputCalibration} try many scales on the same sessions.
 */
final class SessionPlan {

    final String language;
    final int taskPromptTokens;
    /** Per turn: the session's and the turn's tool-output factor multiplied (turn 0 has no tool output). */
    final double[] toolOutputFactors;
    final int[] outputTokens;
    final long[] toolTimeMs;
    /** Per turn: the summary length should this turn compact the context. */
    final int[] summaryTokens;

    private SessionPlan(String language, int taskPromptTokens, double[] toolOutputFactors, int[] outputTokens,
                        long[] toolTimeMs, int[] summaryTokens) {
        this.language = language;
        this.taskPromptTokens = taskPromptTokens;
        this.toolOutputFactors = toolOutputFactors;
        this.outputTokens = outputTokens;
        this.toolTimeMs = toolTimeMs;
        this.summaryTokens = summaryTokens;
    }

    int turns() {
        return outputTokens.length;
    }

    /**
     * Draws session {@code index} of {@code seed}, always in the same order, from its own stream: the result
     * depends on nothing else. {@code languages} are the shape's languages in order and {@code cumulativeWeights}
     * their running weight totals.
     */
    static SessionPlan draw(WorkloadShape shape, String[] languages, double[] cumulativeWeights, long seed, long index) {
        SeededRandom random = new SeededRandom(seed, index);
        String language = pick(languages, cumulativeWeights, random.nextDouble());
        int turns = (int) clamp(shape.sessionTurns().at(random.nextGaussian()), 1, shape.maxTurns());
        int contextLeft = (int) (shape.compactionPointTokens() - shape.sharedPrefixTokens());
        int task = (int) clamp(shape.taskPromptTokens().at(random.nextGaussian()), 1, contextLeft);
        double sessionFactor = StrictMath.exp(shape.toolOutputSigmaAcrossSessions() * random.nextGaussian());

        double[] factors = new double[turns];
        int[] outputs = new int[turns];
        long[] toolTimes = new long[turns];
        int[] summaries = new int[turns];
        for (int k = 0; k < turns; k++) {
            factors[k] = sessionFactor * StrictMath.exp(shape.toolOutputSigmaWithinSession() * random.nextGaussian());
            outputs[k] = (int) clamp(mixture(shape.outputTokens(), random), 1, shape.maxOutputTokens());
            toolTimes[k] = clamp(mixture(shape.toolTimeMs(), random), 0, Long.MAX_VALUE);
            summaries[k] = (int) clamp(shape.compactionSummaryTokens().at(random.nextGaussian()), 1, contextLeft);
        }
        toolTimes[turns - 1] = 0; // nothing follows the last call
        return new SessionPlan(language, task, factors, outputs, toolTimes, summaries);
    }

    /**
     * Fills the input and reused tokens of every turn for {@code toolOutputScale} (the new tokens per turn of a
     * median session at a median turn) and returns the sum of the inputs. Turn 0 is the shared prefix and the task;
     * each later turn carries the previous prompt and output and adds new tokens, unless that would pass the
     * compaction point, in which case the context compacts to the shared prefix and a summary.
     */
    long unroll(WorkloadShape shape, double toolOutputScale, int[] input, int[] reused) {
        int prefix = shape.sharedPrefixTokens();
        long compactionPoint = shape.compactionPointTokens();
        input[0] = prefix + taskPromptTokens;
        reused[0] = 0;
        long sum = input[0];
        for (int k = 1; k < turns(); k++) {
            long carried = (long) input[k - 1] + outputTokens[k - 1];
            long next = carried + newTokens(toolOutputScale, k, shape.maxToolOutputTokens());
            if (next > compactionPoint) {
                input[k] = prefix + summaryTokens[k];
                reused[k] = 0;
            } else {
                input[k] = (int) next;
                reused[k] = (int) carried;
            }
            sum += input[k];
        }
        return sum;
    }

    private int newTokens(double toolOutputScale, int turn, int max) {
        return (int) clamp(toolOutputScale * toolOutputFactors[turn], 1, max);
    }

    static double mixture(WorkloadShape.Mixture mixture, SeededRandom random) {
        boolean tail = random.nextDouble() < mixture.tailShare();
        double z = random.nextGaussian();
        return (tail ? mixture.tail() : mixture.body()).at(z);
    }

    private static String pick(String[] languages, double[] cumulativeWeights, double u) {
        double target = u * cumulativeWeights[cumulativeWeights.length - 1];
        for (int i = 0; i < languages.length - 1; i++) {
            if (target < cumulativeWeights[i]) return languages[i];
        }
        return languages[languages.length - 1];
    }

    /** Rounds to the nearest whole number within {@code [min, max]}. */
    static long clamp(double value, long min, long max) {
        return Math.max(min, Math.min(max, Math.round(value)));
    }
}
