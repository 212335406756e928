package io.agentload.power;

import okhttp3.mockwebserver.MockWebServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Redfish credentials reach the BMC and nothing else: not samples, files, summaries, failures or names. */
class SecretsTest {

    private static final String PASSWORD = "pw-7f3a9c1e";
    private static final String TOKEN = "tok-b5d2e8a4";

    @TempDir
    Path dir;

    @Test
    void credentialsAppearInNoOutput() throws Exception {
        Map<String, String> env = Map.of(HttpGet.REDFISH_USER, "monitor", HttpGet.REDFISH_PASSWORD, PASSWORD);
        StringBuilder outputs = new StringBuilder();
        try (MockWebServer good = RedfishTest.bmc("Authorization", okhttp3.Credentials.basic("monitor", PASSWORD));
             MockWebServer refusing = RedfishTest.bmc("X-Auth-Token", "another-token")) {
            PowerSource source = PowerSource.parse("redfish=" + good.url("/redfish/v1/Chassis/1U/Power"), env);
            PowerSampler sampler = source.sampler().interval(Duration.ofMillis(20)).build();
            while (sampler.polls() < 3) Thread.sleep(10);
            PowerSamples samples = sampler.stop();
            Path file = samples.write(dir.resolve("power.parquet"));

            PowerSource refused = PowerSource.parse("redfish=" + refusing.url("/redfish/v1/Chassis/1U/Power"),
                    Map.of(HttpGet.REDFISH_TOKEN, TOKEN));
            PowerSampler failing = refused.sampler().interval(Duration.ofMillis(20)).build();
            while (failing.failedPolls() < 2) Thread.sleep(10);
            failing.stop();

            assertTrue(samples.samples().stream().anyMatch(s -> s.watts() == 344));
            assertTrue(failing.lastFailure().orElseThrow().contains("HTTP 401"));
            outputs.append(source).append(sampler).append(samples).append(samples.samples())
                    .append(samples.summary(0, sampler.now())).append(samples.summary(0, sampler.now()).label())
                    .append(refused).append(failing).append(failing.lastFailure()).append(failing.samples().samples())
                    .append(HttpGet.redfish(Duration.ofSeconds(1), env))
                    .append(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
        }
        String all = outputs.toString();
        assertFalse(all.contains(PASSWORD), "password leaked");
        assertFalse(all.contains(TOKEN), "token leaked");
        assertFalse(all.contains(okhttp3.Credentials.basic("monitor", PASSWORD)), "basic credentials leaked");
    }
}
