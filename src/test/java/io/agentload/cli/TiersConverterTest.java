package io.agentload.cli;

import io.agentload.replay.SloTier;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TiersConverterTest {

    @Test
    void aaNamesAaAgentPerfsEntryTier() {
        assertEquals(List.of(SloTier.aa()), new TiersConverter().convert("aa"));
        assertEquals(List.of(new SloTier(20, 6), SloTier.aa()), new TiersConverter().convert("20,aa"));
    }

    @Test
    void aBadSpecIsAConversionError() {
        assertThrows(TypeConversionException.class, () -> new TiersConverter().convert("aaa"));
    }
}
