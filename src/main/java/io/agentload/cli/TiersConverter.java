package io.agentload.cli;

import io.agentload.replay.SloTier;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.List;

/** {@code --tiers} as the command line writes it ({@code 20,60,100}, {@code 30:4,60:3:0.95}, {@code aa}) into tiers. */
final class TiersConverter implements ITypeConverter<List<SloTier>> {

    @Override
    public List<SloTier> convert(String spec) {
        try {
            return SloTier.parse(spec);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
