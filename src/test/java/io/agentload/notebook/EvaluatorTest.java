package io.agentload.notebook;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EvaluatorTest {

    /** An interrupt that arrives while JShell still compiles (before the snippet runs) keeps the snippet from running. */
    @Test
    void aStopBeforeASnippetStartsSkipsItAndTheRestOfTheCell() {
        System.clearProperty("agentload.test.skipped");
        try (Evaluator evaluator = new Evaluator(List.of())) {
            evaluator.beginCell();
            evaluator.interrupt();
            String message = assertThrows(NotebookException.class, () -> evaluator.eval(
                    "System.setProperty(\"agentload.test.skipped\", \"ran\");\nint after = 1;", 1)).getMessage();
            assertEquals("line 1: interrupted\n    System.setProperty(\"agentload.test.skipped\", \"ran\");", message);
            assertNull(System.getProperty("agentload.test.skipped"));
            evaluator.beginCell();
            assertEquals(3, evaluator.eval("1 + 2", 1), "a new cell runs again");
        }
    }
}
