package io.agentload.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContextTokensConverterTest {

    private final ContextTokensConverter converter = new ContextTokensConverter();

    @Test
    void kAndMCountInBinaryAsModelConfigsDo() {
        assertEquals(131_072, converter.convert("128K"));
        assertEquals(262_144, converter.convert("256k"));
        assertEquals(1_048_576, converter.convert("1M"));
        assertEquals(1_048_576, converter.convert("1m"));
        assertEquals(2_097_152, converter.convert("2M"));
        assertEquals(1_572_864, converter.convert("1.5M"));
        assertEquals(200 * 1_024, converter.convert("200K"));
    }

    @Test
    void printedRoundingsOfAWindowNameThatWindow() {
        assertEquals(131_072, converter.convert("131K"));
        assertEquals(262_144, converter.convert("262K"));
        assertEquals(524_288, converter.convert("524K"));
        assertEquals(32_768, converter.convert("33K"));
        assertEquals(32_768, converter.convert("32K"));
    }

    @Test
    void plainCountsAreTokens() {
        assertEquals(1_000_000, converter.convert("1000000"));
        assertEquals(1_000_000, converter.convert("1_000_000"));
        assertEquals(163_840, converter.convert("163,840"));
    }

    @Test
    void nonsenseAndOutOfRangeAreRefused() {
        for (String bad : new String[] {"", "1G", "M", "12.5", "-1K", "0", "5M", "big"}) {
            TypeConversionException e = assertThrows(TypeConversionException.class, () -> converter.convert(bad), bad);
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
    }
}
