package io.agentload.notebook;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CellTest {

    @Test
    void splitsCodeAndLineMagicsKeepingLineNumbers() {
        List<Cell.Part> parts = Cell.parts("int a = 1;\n%jars lib/*.jar other.jar\nint b = 2;\nint c = 3;\n%maven g:a:1", 1);
        assertEquals(List.of(
                new Cell.Code("int a = 1;", 1),
                new Cell.MagicCall("jars", List.of("lib/*.jar", "other.jar"), 2),
                new Cell.Code("int b = 2;\nint c = 3;", 3),
                new Cell.MagicCall("maven", List.of("g:a:1"), 5)), parts);
    }

    @Test
    void onlyAPercentInTheFirstColumnFollowedByANameIsAMagic() {
        List<Cell.Part> parts = Cell.parts("int r = 7\n  % 3;\nString s = \"%d\";\n%%time", 1);
        assertEquals(List.of(new Cell.Code("int r = 7\n  % 3;\nString s = \"%d\";\n%%time", 1)), parts);
    }

    @Test
    void blankCodeBetweenMagicsIsDropped() {
        assertEquals(List.of(new Cell.MagicCall("jars", List.of("a.jar"), 3)), Cell.parts("\n\n%jars a.jar\n\n", 1));
    }

    @Test
    void cellMagicOnTheFirstLineTakesTheRestAsBody() {
        assertEquals(Optional.of(new Cell.CellMagicCall("time", List.of(), "int x = 1;\nx")),
                Cell.cellMagic("%%time\nint x = 1;\nx"));
        assertEquals(Optional.empty(), Cell.cellMagic("int x = 1;\n%%time"));
    }

    @Test
    void argumentsSplitOnWhitespaceWithQuotesGrouping() {
        assertEquals(List.of("a b.jar", "c", "it's"), Cell.splitArgs(" \"a b.jar\"  c \"it's\""));
        assertEquals(List.of(""), Cell.splitArgs("''"));
        assertThrows(NotebookException.class, () -> Cell.splitArgs("\"open"));
    }

    @Test
    void maskingBlanksMagicLinesAndKeepsOffsets() {
        String cell = "%jars x.jar\nint a = 1;";
        String masked = Cell.maskMagics(cell);
        assertEquals(cell.length(), masked.length());
        assertEquals("           \nint a = 1;", masked);
    }
}
