package io.agentload.power;

import io.agentload.internal.AtomicWrite;
import io.agentload.internal.ParquetInput;
import io.agentload.internal.ParquetOutput;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.agentload.internal.ParquetInput.doubleOrNaN;

/**
 * {@code power.parquet}: one row per {@link PowerSample}, columns {@code time_s, device, watts, energy_j, source,
 * boundary}; a missing reading is a null. The sampling interval is kept in the file's key-value metadata
 * ({@value #INTERVAL_KEY}, seconds) because coverage depends on it.
 */
final class PowerParquet {

    static final String INTERVAL_KEY = "agentload.power.interval_s";

    static final MessageType SCHEMA = MessageTypeParser.parseMessageType("""
            message power_sample {
              required double time_s;
              required binary device (STRING);
              optional double watts;
              optional double energy_j;
              required binary source (STRING);
              required binary boundary (STRING);
            }""");

    private PowerParquet() {
    }

    /** Writes to a temporary file beside {@code file} and renames it into place, so a reader never sees half a file. */
    static void write(Path file, List<PowerSample> samples, Duration interval) {
        Map<String, String> metadata = Map.of(INTERVAL_KEY, Double.toString(interval.toNanos() / 1e9));
        try {
            AtomicWrite.write(file.toAbsolutePath(), tmp -> ParquetOutput.write(tmp, SCHEMA, metadata,
                    ParquetOutput.Settings.of(CompressionCodecName.SNAPPY), samples.size(), (row, out) -> {
                        PowerSample s = samples.get(row);
                        out.float64(0, s.time());
                        out.string(1, s.device());
                        if (s.hasWatts()) out.float64(2, s.watts());
                        if (s.hasEnergy()) out.float64(3, s.energyJoules());
                        out.string(4, s.source());
                        out.string(5, s.boundary().label());
                    }));
        } catch (IOException e) {
            throw new PowerException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    static PowerSamples read(Path file) {
        try (ParquetInput in = ParquetInput.open(file)) {
            MessageType schema = in.schema();
            List<Type> columns = new ArrayList<>();
            for (Type expected : SCHEMA.getFields()) {
                // energy_j is ours; a file written by other tools with only the other five columns reads as well
                if (expected.getName().equals("energy_j") && !schema.containsField("energy_j")) continue;
                columns.add(requireColumn(file, schema, expected));
            }
            Duration interval = interval(file, in.metadata().get(INTERVAL_KEY));
            List<PowerSample> samples = new ArrayList<>();
            in.readRows(new MessageType(SCHEMA.getName(), columns), (row, g) -> samples.add(sample(file, row, g)));
            return new PowerSamples(samples, interval);
        } catch (IOException e) {
            throw new PowerException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (e instanceof PowerException) throw e;
            throw new PowerException("cannot read " + file + ": " + e, e);
        }
    }

    private static PowerSample sample(Path file, long row, Group g) {
        try {
            return new PowerSample(required(file, row, g, "time_s").getDouble("time_s", 0),
                    required(file, row, g, "device").getString("device", 0),
                    doubleOrNaN(g, "watts"), doubleOrNaN(g, "energy_j"),
                    required(file, row, g, "source").getString("source", 0),
                    Boundary.of(required(file, row, g, "boundary").getString("boundary", 0)));
        } catch (PowerException e) {
            if (e.getMessage().startsWith(file.toString())) throw e;
            throw new PowerException(file + " row " + row + ": " + e.getMessage(), e);
        }
    }

    private static Group required(Path file, long row, Group g, String field) {
        if (g.getFieldRepetitionCount(field) == 0) throw new PowerException(file + " row " + row + ": " + field + " is null");
        return g;
    }

    private static Type requireColumn(Path file, MessageType schema, Type expected) {
        if (!schema.containsField(expected.getName())) {
            throw new PowerException(file + ": no column '" + expected.getName() + "' (power.parquet needs "
                    + String.join(", ", SCHEMA.getFields().stream().map(Type::getName).toList()) + ")");
        }
        Type actual = schema.getType(expected.getName());
        PrimitiveType.PrimitiveTypeName want = expected.asPrimitiveType().getPrimitiveTypeName();
        if (!actual.isPrimitive() || actual.asPrimitiveType().getPrimitiveTypeName() != want) {
            throw new PowerException(file + ": column '" + expected.getName() + "' is " + actual
                    + ", expected " + want.name().toLowerCase(Locale.ROOT));
        }
        return actual;
    }

    private static Duration interval(Path file, String seconds) {
        if (seconds == null) {
            throw new PowerException(file + ": no '" + INTERVAL_KEY + "' in the file's metadata (the sampling interval)");
        }
        try {
            double s = Double.parseDouble(seconds);
            if (!(s > 0) || Double.isInfinite(s)) throw new NumberFormatException();
            return Duration.ofNanos(Math.round(s * 1e9));
        } catch (NumberFormatException e) {
            throw new PowerException(file + ": metadata '" + INTERVAL_KEY + "' is '" + seconds + "', not a positive number");
        }
    }
}
