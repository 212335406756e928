package io.agentload.power;

import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@code power.parquet}: a lossless round trip, atomic replacement, and clear errors on foreign files. */
class PowerParquetTest {

    @TempDir
    Path dir;

    static final List<PowerSample> ROWS = List.of(
            new PowerSample(0.1, "gpu0", 297.37, Double.NaN, "nvidia-smi", Boundary.GPU),
            new PowerSample(0.1, "gpu1", Double.NaN, Double.NaN, "nvidia-smi", Boundary.GPU),
            PowerSample.gap(0.3, PowerSample.ALL_DEVICES, "nvidia-smi", Boundary.GPU),
            new PowerSample(0.5, "gpu0", 512.338, 251_885_217.371, "dcgm", Boundary.GPU),
            new PowerSample(0.7, "chassis", 6852, Double.NaN, "redfish", Boundary.NODE),
            new PowerSample(0.9, "model", 120_000, Double.NaN, "model", Boundary.RACK));

    @Test
    void writesAndReadsBackEveryField() {
        PowerSamples written = PowerSamples.of(Duration.ofMillis(200), ROWS);
        Path file = written.write(dir.resolve("run/power.parquet"));

        PowerSamples read = Power.read(file);

        assertEquals(ROWS, read.samples()); // record equality: NaN equals NaN for doubles in records
        assertEquals(Duration.ofMillis(200), read.interval());
    }

    @Test
    void replacesAnExistingFileAndLeavesNoTemporaryFile() throws IOException {
        Path file = dir.resolve("power.parquet");
        PowerSamples.of(Duration.ofSeconds(1), ROWS).write(file);
        PowerSamples.of(Duration.ofSeconds(1), ROWS.subList(0, 1)).write(file);

        assertEquals(1, Power.read(file).samples().size());
        try (var listing = Files.list(dir)) {
            assertEquals(List.of(file), listing.toList());
        }
    }

    @Test
    void namesTheFileAndTheMissingColumn() throws IOException {
        Path file = dir.resolve("other.parquet");
        MessageType schema = MessageTypeParser.parseMessageType(
                "message m { required double time_s; required binary device (STRING); optional double watts; }");
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(file))
                .withConf(new PlainParquetConfiguration()).withType(schema).build()) {
            w.write(new SimpleGroupFactory(schema).newGroup().append("time_s", 1.0).append("device", "gpu0").append("watts", 5.0));
        }

        PowerException e = assertThrows(PowerException.class, () -> Power.read(file));
        assertEquals(file + ": no column 'source' (power.parquet needs time_s, device, watts, energy_j, source, boundary)",
                e.getMessage());
        PowerException missing = assertThrows(PowerException.class, () -> Power.read(dir.resolve("absent.parquet")));
        assertEquals("cannot read " + dir.resolve("absent.parquet") + ": ", missing.getMessage().substring(0,
                ("cannot read " + dir.resolve("absent.parquet") + ": ").length()));
    }
}
