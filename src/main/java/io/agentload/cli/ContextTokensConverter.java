package io.agentload.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Context lengths as model cards write them: {@code 128K}, {@code 256K}, {@code 1M}, or a token count. K and M count
 * in 1,024s ({@code 128K} = 131,072, {@code 1M} = 1,048,576), as the context windows of model configs do
 * ({@code max_position_embeddings} 131,072 is "128K"). The decimal roundings of those windows that papers and
 * benchmarks print ({@code 131K}, {@code 262K}, {@code 524K}) name the same windows, so a whole number of K that is a
 * power of two rounded to thousands reads as that power of two: {@code 131K} is 131,072, not 134,144, which no one
 * means. Case does not matter; a decimal ({@code 1.5M}) is rounded to a whole token.
 */
final class ContextTokensConverter implements ITypeConverter<Integer> {

    /** The longest context accepted: the generator's calibration pilot grows with the session length. */
    static final int MAX_TOKENS = 4 << 20;

    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)([km]?)");

    @Override
    public Integer convert(String text) {
        Matcher m = SIZE.matcher(text.strip().replace("_", "").replace(",", "").toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new TypeConversionException("'" + text + "' is not a context length (write e.g. 128K, 1M or 200000)");
        }
        String number = m.group(1);
        double tokens = switch (m.group(2)) {
            case "k" -> kilo(number);
            case "m" -> Double.parseDouble(number) * (1 << 20);
            default -> {
                if (number.contains(".")) throw new TypeConversionException("'" + text + "': a token count is whole");
                yield Double.parseDouble(number);
            }
        };
        if (tokens < 1 || tokens > MAX_TOKENS) {
            throw new TypeConversionException("'" + text + "' is outside 1 to 4M (" + String.format("%,d", MAX_TOKENS)
                    + ") tokens");
        }
        return (int) Math.round(tokens);
    }

    private static double kilo(String number) {
        if (!number.contains(".")) {
            long thousands = Long.parseLong(number);
            for (int bits = 10; bits <= 30; bits++) {
                if (Math.round((1L << bits) / 1000.0) == thousands) return 1L << bits;
            }
        }
        return Double.parseDouble(number) * 1024;
    }
}
