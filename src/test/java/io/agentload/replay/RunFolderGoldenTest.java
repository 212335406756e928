package io.agentload.replay;

import io.agentload.power.Boundary;
import io.agentload.power.PowerSummary;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The files of a fixed search ({@link KnownSystem}, tiers 20 and 60 tok/s, 8 GPUs, with power) and of a fixed replay,
 * byte for byte against src/test/resources/replay/golden, after normalising what differs from run to run: in
 * {@code run.json} the start time, the versions and the client's CPUs; in {@code report.html} each embedded PNG,
 * replaced by its size once it decodes (the pixels depend on the platform's fonts; the charts' content has its own
 * tests). Run with {@code -Dgolden.update=true} to write the golden files instead, when a format change is meant.
 */
class RunFolderGoldenTest {

    private static final Path GOLDEN = Path.of("src/test/resources/replay/golden");
    private static final boolean UPDATE = Boolean.getBoolean("golden.update");
    private static final List<SloTier> TIERS = SloTier.parse("20,60");

    @TempDir
    static Path tmp;
    private static Path dir;
    private static SloResult result;

    @BeforeAll
    static void search() {
        dir = tmp.resolve("run");
        RunManifest.SimulatedSystem hardware = new RunManifest.SimulatedSystem("known", "known-gpu", 8, 1.5e11, 700,
                100, 10200, "node", "KnownSystem", "KnownSystem");
        RunManifest.SimulatorEndpoint endpoint = new RunManifest.SimulatorEndpoint("simulator", "known-model",
                "KnownSystem");
        RunManifest.SimulatorConfig config = new RunManifest.SimulatorConfig("simulator", "known", "known-model", 8, 1,
                true, 8192, 1024, 0.9, 1000, "none", "null", "default", "KnownSystem", 100, "20; 60", 1L, 60.0, 10.0,
                600.0, 1.0, 65536, null);
        try (Run run = Run.builder(dir).hardware(hardware).endpoint(endpoint).config(config).build()) {
            result = new KnownSystem(2000, true).search(TIERS, 8, run);
        }
    }

    private static void matches(String file, String actual) throws IOException {
        Path golden = GOLDEN.resolve(file);
        if (UPDATE) {
            Files.createDirectories(GOLDEN);
            Files.writeString(golden, actual);
        }
        assertEquals(Files.readString(golden), actual, file + " differs from " + golden);
    }

    @Test
    void summaryJson() throws IOException {
        matches("summary.json", Files.readString(dir.resolve(Run.SUMMARY)));
    }

    @Test
    void runJson() throws IOException {
        String json = Files.readString(dir.resolve(Run.MANIFEST))
                .replaceFirst("\"started_at\" : \"[^\"]+\"", "\"started_at\" : \"<started_at>\"")
                .replaceFirst("\"agentload\" : \"[^\"]+\"", "\"agentload\" : \"<version>\"")
                .replaceFirst("\"java\" : \"[^\"]+\"", "\"java\" : \"<java.version>\"")
                .replaceFirst("\"os\" : \"[^\"]+\"", "\"os\" : \"<os.name os.arch>\"")
                .replaceFirst("\"cpus\" : \\d+", "\"cpus\" : 0");
        matches("run.json", json);
    }

    @Test
    void reportHtml() throws IOException {
        Matcher png = Pattern.compile("data:image/png;base64,([A-Za-z0-9+/=]+)")
                .matcher(Files.readString(dir.resolve(Run.REPORT)));
        StringBuilder html = new StringBuilder();
        while (png.find()) {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(png.group(1))));
            assertNotNull(image, "an embedded image that is not a PNG");
            png.appendReplacement(html, "data:image/png;base64,<png " + image.getWidth() + "x" + image.getHeight() + ">");
        }
        png.appendTail(html);
        matches("report.html", html.toString());
    }

    /** A real-time search adds each tier's energy and coverage (unknown for the second), statuses and send lag. */
    @Test
    void realTimeSearchSummaryJson() throws IOException {
        PowerSummary window = new PowerSummary(Boundary.GPU, false, "GPU only, stated as a constant", 1010, 1070,
                700, 42_000, 0.975, 8, PowerSummary.Method.SAMPLE_AND_HOLD);
        SearchSummary summary = SearchSummary.of(result).withRealTime(List.of(Optional.of(window), Optional.empty()),
                new TreeMap<>(Map.of("ok", 1200L, "http_429", 3L)),
                new ReplayResult.SendLag(1203, 0.0005, 0.00225, 0.007125, 2, 1));
        matches("summary-real-time-search.json", SummaryFile.json(summary));
    }

    @Test
    void replaySummaryJson() throws IOException {
        TrialMetrics trial = TrialMetrics.of(new KnownSystem(2000, true).run(0, 40, r -> { }));
        PowerSummary window = new PowerSummary(Boundary.NODE, true, "measured by nvidia-smi", 10, 70, 1400, 84_000,
                1, 8, PowerSummary.Method.SAMPLE_AND_HOLD);
        ReplayResult replay = new ReplayResult(trial, TIERS.stream().map(trial::check).toList(),
                new TreeMap<>(Map.of("ok", 80L, "timeout", 1L)),
                Optional.of(new ReplayResult.SendLag(81, 0.0005, 0.00225, 0.007125, 2, 1)), Optional.of(window),
                window.agentsPerMegawatt(40));
        matches("summary-replay.json", SummaryFile.json(ReplaySummary.of(replay)));
        ReplayResult withoutPowerOrSends = new ReplayResult(trial, replay.tiers(), replay.requestsByStatus(),
                Optional.empty(), Optional.empty(), Double.NaN);
        matches("summary-replay-no-power.json", SummaryFile.json(ReplaySummary.of(withoutPowerOrSends)));
    }
}
