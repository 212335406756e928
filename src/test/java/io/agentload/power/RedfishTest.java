package io.agentload.power;

import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.agentload.power.NvidiaSmiTest.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Redfish resources from DMTF mockups, served by a local BMC stand-in. */
class RedfishTest {

    static final Map<String, String> PATHS = Map.of(
            "/redfish/v1/Chassis/1U/Power", "redfish/power.json",
            "/redfish/v1/Chassis/1/Power", "redfish/power-subsystems-listed.json",
            "/redfish/v1/Chassis/1U/EnvironmentMetrics", "redfish/environment-metrics.json",
            "/redfish/v1/Chassis/1U/PowerSubsystem", "redfish/power-subsystem.json",
            "/redfish/v1/Chassis/1U/PowerSubsystem/PowerSupplies", "redfish/power-supplies.json",
            "/redfish/v1/Chassis/1U/PowerSubsystem/PowerSupplies/Bay1", "redfish/bay1.json",
            "/redfish/v1/Chassis/1U/PowerSubsystem/PowerSupplies/Bay2", "redfish/bay2.json",
            "/redfish/v1/Chassis/1U/PowerSubsystem/PowerSupplies/Bay1/Metrics", "redfish/bay1-metrics.json");

    /** Serves the fixtures; with {@code auth} set, only to requests carrying that exact header line. */
    static MockWebServer bmc(String authHeader, String authValue) throws IOException {
        MockWebServer server = new MockWebServer();
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                if (authHeader != null && !authValue.equals(request.getHeader(authHeader))) {
                    return new MockResponse().setResponseCode(401).setBody("{\"error\":\"unauthorized\"}");
                }
                String fixture = PATHS.get(request.getPath());
                if (fixture == null) return new MockResponse().setResponseCode(404);
                try {
                    return new MockResponse().setHeader("Content-Type", "application/json").setBody(fixture(fixture));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        server.start();
        return server;
    }

    private static List<Poller.Reading> pollOnce(MockWebServer server, String path) throws IOException {
        RedfishPoller poller = new RedfishPoller(server.url(path), Duration.ofSeconds(2), Map.of());
        try {
            return poller.poll();
        } finally {
            poller.close();
        }
    }

    @Test
    void readsPowerControlOfAPowerResource() throws IOException {
        try (MockWebServer server = bmc(null, null)) {
            assertEquals(List.of(Poller.Reading.watts("chassis", 344)), pollOnce(server, "/redfish/v1/Chassis/1U/Power"));
            // the CPU and memory sub-system entries are parts of the server's total, not added to it
            assertEquals(List.of(Poller.Reading.watts("chassis", 6852)), pollOnce(server, "/redfish/v1/Chassis/1/Power"));
        }
    }

    @Test
    void readsEnvironmentMetricsWithItsEnergyCounter() throws IOException {
        try (MockWebServer server = bmc(null, null)) {
            assertEquals(List.of(new Poller.Reading("chassis", 374, 8_113_460_255.0)),
                    pollOnce(server, "/redfish/v1/Chassis/1U/EnvironmentMetrics"));
        }
    }

    @Test
    void readsEachPresentPowerSupplyOfAPowerSubsystemLookingThemUpOnce() throws Exception {
        try (MockWebServer server = bmc(null, null)) {
            RedfishPoller poller = new RedfishPoller(server.url("/redfish/v1/Chassis/1U/PowerSubsystem"), Duration.ofSeconds(2), Map.of());

            assertEquals(List.of(Poller.Reading.watts("psu:Bay1", 937.4)), poller.poll());
            int lookups = server.getRequestCount();
            assertEquals(List.of(Poller.Reading.watts("psu:Bay1", 937.4)), poller.poll());
            assertEquals(lookups + 1, server.getRequestCount());
            poller.close();
        }
    }

    @Test
    void rejectsAResourceWithoutPowerAndAnUnknownPath() throws IOException {
        try (MockWebServer server = bmc(null, null)) {
            PowerException notPower = assertThrows(PowerException.class,
                    () -> pollOnce(server, "/redfish/v1/Chassis/1U/PowerSubsystem/PowerSupplies"));
            assertTrue(notPower.getMessage().endsWith(": neither PowerControl (a Power resource), PowerWatts "
                    + "(EnvironmentMetrics) nor PowerSupplies (PowerSubsystem)"), notPower.getMessage());
            PowerException missing = assertThrows(PowerException.class, () -> pollOnce(server, "/redfish/v1/Chassis/9/Power"));
            assertEquals(server.url("/redfish/v1/Chassis/9/Power") + " answered HTTP 404", missing.getMessage());
        }
    }

    @Test
    void sendsBasicCredentialsOrASessionTokenFromTheEnvironment() throws IOException {
        String basic = okhttp3.Credentials.basic("monitor", "s3cret-pw");
        try (MockWebServer server = bmc("Authorization", basic)) {
            RedfishPoller poller = new RedfishPoller(server.url("/redfish/v1/Chassis/1U/Power"), Duration.ofSeconds(2),
                    Map.of(HttpGet.REDFISH_USER, "monitor", HttpGet.REDFISH_PASSWORD, "s3cret-pw"));
            assertEquals(344, poller.poll().get(0).watts());
            poller.close();

            RedfishPoller anonymous = new RedfishPoller(server.url("/redfish/v1/Chassis/1U/Power"), Duration.ofSeconds(2), Map.of());
            PowerException e = assertThrows(PowerException.class, anonymous::poll);
            assertEquals(server.url("/redfish/v1/Chassis/1U/Power") + " answered HTTP 401 (check AGENTLOAD_REDFISH_TOKEN, "
                    + "or AGENTLOAD_REDFISH_USER and AGENTLOAD_REDFISH_PASSWORD)", e.getMessage());
            anonymous.close();
        }
        try (MockWebServer server = bmc("X-Auth-Token", "tok-123456")) {
            RedfishPoller poller = new RedfishPoller(server.url("/redfish/v1/Chassis/1U/EnvironmentMetrics"),
                    Duration.ofSeconds(2), Map.of(HttpGet.REDFISH_TOKEN, "tok-123456"));
            assertEquals(374, poller.poll().get(0).watts());
            poller.close();
        }
    }
}
