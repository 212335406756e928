package io.agentload.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them on command lines: {@code 10m}, {@code 90s}, {@code 1h30m}, {@code 2.5m},
 * {@code 500ms}, or ISO-8601 ({@code PT10M}). A bare number is refused: seconds or minutes would be a guess.
 */
final class DurationConverter implements ITypeConverter<Duration> {

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

    @Override
    public Duration convert(String text) {
        String s = text.strip();
        if (s.startsWith("P") || s.startsWith("p")) {
            try {
                return Duration.parse(s);
            } catch (DateTimeParseException e) {
                throw new TypeConversionException("'" + text + "' is not an ISO-8601 duration");
            }
        }
        Matcher m = PART.matcher(s);
        long nanos = 0;
        int at = 0;
        while (at < s.length() && m.find(at) && m.start() == at) {
            double n = Double.parseDouble(m.group(1));
            double unit = switch (m.group(2)) {
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                default -> 3600e9;
            };
            nanos += Math.round(n * unit);
            at = m.end();
        }
        if (at == 0 || at < s.length()) {
            throw new TypeConversionException("'" + text + "' is not a duration (write e.g. 10m, 90s, 1h30m or 500ms)");
        }
        return Duration.ofNanos(nanos);
    }
}
