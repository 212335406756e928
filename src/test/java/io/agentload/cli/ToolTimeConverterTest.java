package io.agentload.cli;

import io.agentload.trajectory.WorkloadShape.ToolTimes;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One grammar for generate, bench and replay; a run folder's form reads back through ToolTimes.parse. */
class ToolTimeConverterTest {

    private final ToolTimeConverter converter = new ToolTimeConverter();

    @Test
    void namesFixedAndBareDurations() {
        assertEquals(ToolTimes.RECORDED, converter.convert("recorded"));
        assertEquals(ToolTimes.GENERATED, converter.convert(" Generated "));
        ToolTimes five = ToolTimes.fixed(Duration.ofSeconds(5));
        assertEquals(five, converter.convert("fixed:5s"));
        assertEquals(five, converter.convert("5s"));
        assertEquals(five, converter.convert("PT5S"));
        assertEquals(ToolTimes.fixed(Duration.ofMillis(2_500)), converter.convert("2.5s"));
        for (ToolTimes t : new ToolTimes[] {ToolTimes.RECORDED, ToolTimes.GENERATED, five}) {
            assertEquals(t, ToolTimes.parse(t.toString()));
        }
    }

    @Test
    void otherTextIsRefusedNamingTheForms() {
        for (String bad : new String[] {"slow", "5", "fixed", ""}) {
            TypeConversionException e = assertThrows(TypeConversionException.class, () -> converter.convert(bad));
            assertTrue(e.getMessage().contains("tool-time source") || e.getMessage().contains("duration"),
                    e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> ToolTimes.parse("fixed:5s"));
    }
}
