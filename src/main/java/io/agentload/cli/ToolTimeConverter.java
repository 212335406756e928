package io.agentload.cli;

import io.agentload.trajectory.WorkloadShape.ToolTimes;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;
import java.util.Locale;

/** {@code --tool-time recorded|generated|fixed:DURATION}, the duration as {@link DurationConverter} reads it. */
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
        throw new TypeConversionException("'" + text + "' is not a tool-time source (write recorded, generated or "
                + "fixed:DURATION, e.g. fixed:5s)");
    }
}
