package io.agentload.power;

import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import static io.agentload.power.NvidiaSmiTest.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** dcgm-exporter scrapes: recorded outputs parsed exactly, and a scrape over HTTP. */
class DcgmTest {

    @Test
    void readsPowerAndTheEnergyCounterInJoulesAndSkipsMigSeries() throws IOException {
        List<Poller.Reading> r = DcgmMetrics.parse(fixture("dcgm/a100-gpu-operator-docs.prom"), "scrape");

        assertEquals(List.of(new Poller.Reading("gpu0", 409.692, 319_159.391)), r);
    }

    @Test
    void keepsOneSeriesPerGpuWhenPodLabelsRepeatIt() throws IOException {
        List<Poller.Reading> r = DcgmMetrics.parse(fixture("dcgm/h100-x2-pods.prom"), "scrape");

        assertEquals(List.of(
                new Poller.Reading("gpu0", 512.338, 251_885_217.371),
                new Poller.Reading("gpu1", 498.71, 260_537_897.279)), r);
    }

    @Test
    void handlesEscapesTimestampsAndNaN() {
        String scrape = """
                DCGM_FI_DEV_POWER_USAGE{gpu="3",modelName="A \\"quoted\\" name, with comma"} 250.5 1712000000000
                DCGM_FI_DEV_POWER_USAGE_LIMIT{gpu="3"} 700
                DCGM_FI_DEV_POWER_USAGE{gpu="4"} NaN
                """;

        List<Poller.Reading> r = DcgmMetrics.parse(scrape, "scrape");

        assertEquals(2, r.size());
        assertEquals(new Poller.Reading("gpu3", 250.5, Double.NaN), r.get(0));
        assertTrue(Double.isNaN(r.get(1).watts()));
    }

    @Test
    void namesTheLineOfAMalformedSample() {
        PowerException e = assertThrows(PowerException.class, () -> DcgmMetrics.parse(
                "# TYPE x gauge\nDCGM_FI_DEV_POWER_USAGE{gpu=\"0\"} watts\n", "http://gpu-node:9400/metrics"));
        assertEquals("http://gpu-node:9400/metrics line 2: malformed sample, value 'watts'", e.getMessage());

        PowerException none = assertThrows(PowerException.class,
                () -> DcgmMetrics.parse("DCGM_FI_DEV_GPU_TEMP{gpu=\"0\"} 50\n", "http://gpu-node:9400/metrics"));
        assertTrue(none.getMessage().startsWith("http://gpu-node:9400/metrics: no DCGM_FI_DEV_POWER_USAGE"));
        assertThrows(PowerException.class, () -> DcgmMetrics.parse("DCGM_FI_DEV_POWER_USAGE{gpu=\"0 1\n", "x"));
        assertThrows(PowerException.class, () -> DcgmMetrics.parse("DCGM_FI_DEV_POWER_USAGE{pod=\"p\"} 1\n", "x"));
    }

    @Test
    void scrapesAnExporterAndReportsADeadOne() throws Exception {
        try (MockWebServer server = new MockWebServer()) {
            server.enqueue(new MockResponse().setBody(fixture("dcgm/h100-x2-pods.prom")));
            server.enqueue(new MockResponse().setResponseCode(503));
            DcgmPoller poller = new DcgmPoller(server.url("/metrics"), Duration.ofSeconds(2));

            assertEquals(2, poller.poll().size());
            assertEquals("text/plain", server.takeRequest().getHeader("Accept"));
            PowerException e = assertThrows(PowerException.class, poller::poll);
            assertEquals(server.url("/metrics") + " answered HTTP 503", e.getMessage());
            poller.close();
        }
    }
}
