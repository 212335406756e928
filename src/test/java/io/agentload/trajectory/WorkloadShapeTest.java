package io.agentload.trajectory;

import io.agentload.trajectory.WorkloadShape.LogNormal;
import io.agentload.trajectory.WorkloadShape.Mixture;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class WorkloadShapeTest {

    /** The published shape as the AA traces record it; codingAgent() adds the rhythm (WorkloadRhythmTest). */
    private static final WorkloadShape SHAPE = WorkloadShape.aaAgentPerf();

    @Test
    void codingAgentCarriesThePublishedFigures() {
        assertEquals(27_000, SHAPE.meanInputTokens());
        assertEquals(131_072, SHAPE.contextLimitTokens());
        assertEquals(200, SHAPE.maxTurns());
        assertEquals(32_000, SHAPE.maxOutputTokens());
        assertEquals(List.of("c", "c#", "c++", "go", "java", "javascript", "kotlin", "php", "python", "ruby", "rust",
                "scala", "shell", "swift", "typescript"), List.copyOf(SHAPE.languageWeights().keySet()));
        // The tool-time fit's mean, 0.946 * 123 * e^(0.32^2/2) + 0.054 * 1373 * e^(0.63^2/2), is the AA traces' 214 ms.
        Mixture tool = SHAPE.toolTimeMs();
        double mean = (1 - tool.tailShare()) * tool.body().median() * Math.exp(Math.pow(tool.body().sigma(), 2) / 2)
                + tool.tailShare() * tool.tail().median() * Math.exp(Math.pow(tool.tail().sigma(), 2) / 2);
        assertEquals(214, mean, 3);
    }

    @Test
    void withCopiesChangeOneParameterAndLeaveTheOriginal() {
        WorkloadShape changed = SHAPE.withMeanInputTokens(40_000).withMaxTurns(100);
        assertEquals(40_000, changed.meanInputTokens());
        assertEquals(100, changed.maxTurns());
        assertEquals(27_000, SHAPE.meanInputTokens());
        assertEquals(SHAPE, changed.withMeanInputTokens(27_000).withMaxTurns(200));
        assertEquals(SHAPE, WorkloadShape.aaAgentPerf());

        LogNormal turns = new LogNormal(30, 0.5);
        assertEquals(turns, SHAPE.withSessionTurns(turns).sessionTurns());
        assertEquals("sys", SHAPE.withSharedPrefix("sys", 900).sharedPrefixId());
        assertEquals(900, SHAPE.withSharedPrefix("sys", 900).sharedPrefixTokens());
        assertEquals(0.3, SHAPE.withToolOutputSigmas(0.3, 0.4).toolOutputSigmaAcrossSessions());
        assertEquals(0.4, SHAPE.withToolOutputSigmas(0.3, 0.4).toolOutputSigmaWithinSession());
        assertEquals(1_000, SHAPE.withMaxToolOutputTokens(1_000).maxToolOutputTokens());
        assertEquals(4_096, SHAPE.withMaxOutputTokens(4_096).maxOutputTokens());
        assertEquals(65_536, SHAPE.withContextLimitTokens(65_536).contextLimitTokens());
        assertEquals(turns, SHAPE.withTaskPromptTokens(turns).taskPromptTokens());
        assertEquals(turns, SHAPE.withCompactionSummaryTokens(turns).compactionSummaryTokens());
        Mixture mixture = new Mixture(turns, 0.2, new LogNormal(900, 1));
        assertEquals(mixture, SHAPE.withOutputTokens(mixture).outputTokens());
        assertEquals(mixture, SHAPE.withToolTimeMs(mixture).toolTimeMs());
    }

    @Test
    void aScaledContextLimitScalesSessionLengthsAndTheGrowthOfTheMeanInput() {
        assertSame(SHAPE, SHAPE.withScaledContextLimit(131_072));
        WorkloadShape million = SHAPE.withScaledContextLimit(1_048_576);
        assertEquals(1_048_576, million.contextLimitTokens());
        assertEquals(new LogNormal(160, 0.85), million.sessionTurns());
        assertEquals(1_600, million.maxTurns());
        assertEquals(6_000 + 8 * 21_000, million.meanInputTokens()); // the first prompt's 6K plus 8 x the growth
        assertEquals(SHAPE, million.withScaledContextLimit(131_072));
        assertEquals(SHAPE.outputTokens(), million.outputTokens());
        assertEquals(SHAPE.toolTimeMs(), million.toolTimeMs());
        assertEquals(SHAPE.maxToolOutputTokens(), million.maxToolOutputTokens());
        assertEquals(SHAPE.compactionSummaryTokens(), million.compactionSummaryTokens());
        assertEquals(SHAPE.sharedPrefixTokens(), million.sharedPrefixTokens());
        assertMessage("WorkloadShape.contextLimitTokens must be positive, was 0", () -> SHAPE.withScaledContextLimit(0));
    }

    @Test
    void languageWeightsAreCopiedSortedAndUnmodifiable() {
        Map<String, Double> weights = new LinkedHashMap<>();
        weights.put("zig", 1.0);
        weights.put("ada", 2.0);
        WorkloadShape shape = SHAPE.withLanguageWeights(weights);
        weights.put("cobol", 5.0);
        assertEquals(List.of("ada", "zig"), List.copyOf(shape.languageWeights().keySet()));
        assertThrows(UnsupportedOperationException.class, () -> shape.languageWeights().put("c", 1.0));
    }

    @Test
    void badParametersAreRefusedByName() {
        assertMessage("WorkloadShape.meanInputTokens must be positive, was 0", () -> SHAPE.withMeanInputTokens(0));
        assertMessage("WorkloadShape.maxTurns must be positive, was -3", () -> SHAPE.withMaxTurns(-3));
        assertMessage("WorkloadShape.sharedPrefixTokens 200000 must be in [0, contextLimitTokens 131072)",
                () -> SHAPE.withSharedPrefix("p", 200_000));
        assertMessage("WorkloadShape.toolOutputSigmaWithinSession must be a finite sigma >= 0, was -1.0",
                () -> SHAPE.withToolOutputSigmas(1, -1));
        assertMessage("WorkloadShape.sharedPrefixId is null", () -> SHAPE.withSharedPrefix(null, 10));
        assertMessage("WorkloadShape.languageWeights: language 'go' has weight 0.0; weights must be positive",
                () -> SHAPE.withLanguageWeights(Map.of("go", 0.0)));
        assertMessage("WorkloadShape.languageWeights is empty", () -> SHAPE.withLanguageWeights(Map.of()));
        assertMessage("LogNormal median must be positive and finite, was -5.0", () -> new LogNormal(-5, 1));
        assertMessage("LogNormal sigma must be finite and >= 0, was NaN", () -> new LogNormal(5, Double.NaN));
        assertMessage("Mixture tailShare must be in [0, 1], was 1.5",
                () -> new Mixture(new LogNormal(1, 1), 1.5, new LogNormal(1, 1)));
    }

    @Test
    void logNormalValuesScaleTheMedian() {
        LogNormal d = new LogNormal(100, 0.5);
        assertEquals(100, d.at(0), 1e-12);
        assertEquals(100 * Math.exp(1), d.at(2), 1e-9);
        assertEquals(100 * Math.exp(-0.5), d.at(-1), 1e-9);
    }

    private static void assertMessage(String expected, Runnable action) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, action::run).getMessage());
    }
}
