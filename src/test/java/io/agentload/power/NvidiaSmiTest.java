package io.agentload.power;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** nvidia-smi's CSV on recorded outputs, and the poller against a fake nvidia-smi script. */
class NvidiaSmiTest {

    @TempDir
    Path dir;

    static String fixture(String name) throws IOException {
        try (var in = Objects.requireNonNull(NvidiaSmiTest.class.getResourceAsStream("/power/" + name), name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void parsesEveryGpuOfARecordedAnswer() throws IOException {
        List<Poller.Reading> r = NvidiaSmiCsv.parse(fixture("nvidia-smi/rtx-pro-6000-x4.csv"), false);

        assertEquals(List.of(
                Poller.Reading.watts("gpu0", 297.37), Poller.Reading.watts("gpu1", 289.76),
                Poller.Reading.watts("gpu2", 300.00), Poller.Reading.watts("gpu3", 299.99)), r);
    }

    @Test
    void fallsBackToInstantPowerWhereTheAverageIsNotAvailable() throws IOException {
        List<Poller.Reading> r = NvidiaSmiCsv.parse(fixture("nvidia-smi/a100-x2-average-na.csv"), false);

        assertEquals(List.of(Poller.Reading.watts("gpu0", 312.48), Poller.Reading.watts("gpu1", 88.07)), r);
    }

    @Test
    void readsTheLegacyQueryAndMarksBoardsWithoutASensor() throws IOException {
        List<Poller.Reading> r = NvidiaSmiCsv.parse(fixture("nvidia-smi/legacy-x3.csv"), true);

        assertEquals(3, r.size());
        assertEquals(61.02, r.get(0).watts());
        assertTrue(Double.isNaN(r.get(1).watts()));
        assertEquals(245.70, r.get(2).watts());
    }

    @Test
    void namesTheLineOfMalformedOutput() throws IOException {
        PowerException e = assertThrows(PowerException.class,
                () -> NvidiaSmiCsv.parse(fixture("nvidia-smi/truncated.csv"), false));
        assertEquals("nvidia-smi line 2 '1, 289.76': expected 3 fields (index,power.draw.average,power.draw.instant), found 2",
                e.getMessage());
        assertThrows(PowerException.class, () -> NvidiaSmiCsv.parse("0, 12x, 3\n", false));
        assertThrows(PowerException.class, () -> NvidiaSmiCsv.parse("\n", false));
        assertTrue(NvidiaSmiCsv.rejectsQuery(fixture("nvidia-smi/invalid-field.txt")));
    }

    /** A fake nvidia-smi: answers the current query with a fixture, rejects it like an old driver, or fails. */
    private Path fakeNvidiaSmi(String body) throws IOException {
        Path script = dir.resolve("nvidia-smi");
        Files.writeString(script, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    private Path copy(String fixture) throws IOException {
        Path f = dir.resolve(fixture.replace('/', '_'));
        Files.writeString(f, fixture(fixture));
        return f;
    }

    @Test
    void pollsTheCurrentQuery() throws Exception {
        Path answer = copy("nvidia-smi/rtx-pro-6000-x4.csv");
        Path script = fakeNvidiaSmi("""
                [ "$1" = "--query-gpu=index,power.draw.average,power.draw.instant" ] && [ "$2" = "--format=csv,noheader,nounits" ] || exit 9
                cat '%s'
                """.formatted(answer));

        List<Poller.Reading> r = new NvidiaSmiPoller(script.toString(), Duration.ofSeconds(5)).poll();

        assertEquals(4, r.size());
        assertEquals(299.99, r.get(3).watts());
    }

    @Test
    void switchesToPowerDrawOnADriverThatRejectsTheAverage() throws Exception {
        Path rejected = copy("nvidia-smi/invalid-field.txt");
        Path legacy = copy("nvidia-smi/legacy-x3.csv");
        Path log = dir.resolve("queries.log");
        Path script = fakeNvidiaSmi("""
                echo "$1" >> '%s'
                case "$1" in
                  --query-gpu=index,power.draw) cat '%s' ;;
                  *) cat '%s'; exit 2 ;;
                esac
                """.formatted(log, legacy, rejected));
        NvidiaSmiPoller poller = new NvidiaSmiPoller(script.toString(), Duration.ofSeconds(5));

        List<Poller.Reading> first = poller.poll();
        List<Poller.Reading> second = poller.poll();

        assertEquals(245.70, first.get(2).watts());
        assertEquals(first, second);
        assertEquals(List.of("--query-gpu=index,power.draw.average,power.draw.instant", "--query-gpu=index,power.draw",
                "--query-gpu=index,power.draw"), Files.readAllLines(log));
    }

    @Test
    void aFailingOrWedgedNvidiaSmiIsAFailedPoll() throws Exception {
        Path failing = fakeNvidiaSmi("echo 'NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.' >&2; exit 9\n");
        PowerException e = assertThrows(PowerException.class,
                () -> new NvidiaSmiPoller(failing.toString(), Duration.ofSeconds(5)).poll());
        assertEquals(failing + " exited with 9: NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.",
                e.getMessage());

        Path wedged = fakeNvidiaSmi("sleep 5\n");
        PowerException slow = assertThrows(PowerException.class,
                () -> new NvidiaSmiPoller(wedged.toString(), Duration.ofMillis(200)).poll());
        assertEquals(wedged + " did not answer within 200 ms", slow.getMessage());
    }

    @Test
    void theSamplerRecordsFailedPollsAndGoesOn() throws Exception {
        Path answer = copy("nvidia-smi/rtx-pro-6000-x4.csv");
        Path count = dir.resolve("count");
        // every third call fails
        Path script = fakeNvidiaSmi("""
                n=$(( $(cat '%1$s' 2>/dev/null || echo 0) + 1 )); echo $n > '%1$s'
                [ $((n %% 3)) -eq 0 ] && { echo 'Unable to determine the device handle for GPU0000:18:00.0: Unknown Error'; exit 15; }
                cat '%2$s'
                """.formatted(count, answer));
        double[] fakeClock = {0};
        PowerSampler sampler = Power.source("nvidia-smi=" + script).sampler()
                .interval(Duration.ofMillis(20))
                .clock(() -> fakeClock[0] += 0.01)
                .build();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (sampler.polls() < 9 && System.nanoTime() < deadline) Thread.sleep(10);
        PowerSamples samples = sampler.stop();

        assertTrue(sampler.polls() >= 9, "polls " + sampler.polls());
        assertEquals(sampler.polls() / 3, sampler.failedPolls());
        assertEquals("nvidia-smi=" + script + " exited with 15: Unable to determine the device handle for GPU0000:18:00.0: Unknown Error",
                "nvidia-smi=" + sampler.lastFailure().orElseThrow());
        long gaps = samples.samples().stream().filter(s -> s.device().equals(PowerSample.ALL_DEVICES)).count();
        assertEquals(sampler.failedPolls(), gaps);
        assertEquals(4L * (sampler.polls() - sampler.failedPolls()), samples.samples().size() - gaps);
        assertTrue(samples.samples().stream().allMatch(s -> s.boundary() == Boundary.GPU && s.source().equals("nvidia-smi")));
    }
}
