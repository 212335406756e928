package io.agentload.cli;

import io.agentload.trajectory.WorkloadShape.ToolTimes;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;
import java.util.Locale;

/**
 * {@code --tool-time recorded|generated|fixed:DURATION|DURATION} for generate, bench and replay: a bare duration
 * ({@code 5s}) is fixed, read as {@link DurationConverter} reads it.
 */
final class ToolTimeConverter implements ITypeConverter<ToolTimes> {

    @Override
    public ToolTimes convert(String text) {
        String s = text.strip().toLowerCase(Locale.ROOT);
        if (s.equals("recorded")) return ToolTimes.RECORDED;
        if (s.equals("generated")) return ToolTimes.GENERATED;
        if (s.startsWith("fixed:")) {
            Duration d = new DurationConverter().convert(text.strip().substring("fixed:".length()));
            return ToolTimes.fixed(d);
        }
        try {
            return ToolTimes.fixed(new DurationConverter().convert(text.strip()));
        } catch (TypeConversionException notADuration) {
            // fall through: name every form
        }
        throw new TypeConversionException("'" + text + "' is not a tool-time source (write recorded, generated, "
                + "fixed:DURATION or a duration, e.g. 5s)");
    }
}
