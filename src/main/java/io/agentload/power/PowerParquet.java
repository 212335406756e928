package io.agentload.power;

import io.agentload.internal.AtomicWrite;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.RecordReader;
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
        SimpleGroupFactory rows = new SimpleGroupFactory(SCHEMA);
        try {
            AtomicWrite.write(file.toAbsolutePath(), tmp -> {
                try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(tmp))
                        .withConf(new PlainParquetConfiguration())
                        .withType(SCHEMA)
                        .withCompressionCodec(CompressionCodecName.SNAPPY)
                        .withExtraMetaData(Map.of(INTERVAL_KEY, Double.toString(interval.toNanos() / 1e9)))
                        .build()) {
                    for (PowerSample s : samples) {
                        Group g = rows.newGroup()
                                .append("time_s", s.timeS())
                                .append("device", s.device());
                        if (s.hasWatts()) g.append("watts", s.watts());
                        if (s.hasEnergy()) g.append("energy_j", s.energyJoules());
                        g.append("source", s.source()).append("boundary", s.boundary().label());
                        writer.write(g);
                    }
                }
            });
        } catch (IOException e) {
            throw new PowerException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    static PowerSamples read(Path file) {
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file),
                ParquetReadOptions.builder(new PlainParquetConfiguration()).build())) {
            MessageType schema = reader.getFileMetaData().getSchema();
            List<Type> columns = new ArrayList<>();
            for (Type expected : SCHEMA.getFields()) {
                // energy_j is ours; a file written by other tools with only the other five columns reads as well
                if (expected.getName().equals("energy_j") && !schema.containsField("energy_j")) continue;
                columns.add(requireColumn(file, schema, expected));
            }
            MessageType projection = new MessageType(SCHEMA.getName(), columns);
            Duration interval = interval(file, reader.getFileMetaData().getKeyValueMetaData().get(INTERVAL_KEY));
            List<PowerSample> samples = new ArrayList<>();
            PageReadStore rowGroup;
            long row = 0;
            while ((rowGroup = reader.readNextRowGroup()) != null) {
                RecordReader<Group> records = new ColumnIOFactory().getColumnIO(projection, schema)
                        .getRecordReader(rowGroup, new GroupRecordConverter(projection));
                for (long i = 0; i < rowGroup.getRowCount(); i++, row++) {
                    samples.add(sample(file, row, records.read()));
                }
            }
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
                    optionalDouble(g, "watts"), optionalDouble(g, "energy_j"),
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

    private static double optionalDouble(Group g, String field) {
        return g.getType().containsField(field) && g.getFieldRepetitionCount(field) > 0 ? g.getDouble(field, 0) : Double.NaN;
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
