package io.agentload.power;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --power} specs: kind, boundary, measured flag, interval, and clear refusals. */
class PowerSourceTest {

    private static PowerSource parse(String spec) {
        return PowerSource.parse(spec, Map.of());
    }

    private static String refusal(String spec) {
        return assertThrows(PowerException.class, () -> parse(spec)).getMessage();
    }

    @Test
    void parsesEveryForm() {
        PowerSource smi = parse("nvidia-smi");
        assertEquals(PowerSource.Kind.NVIDIA_SMI, smi.kind());
        assertEquals("nvidia-smi", smi.kind().label());
        assertEquals(Boundary.GPU, smi.boundary());
        assertTrue(smi.measured());
        assertEquals(Duration.ofMillis(200), smi.defaultInterval());
        assertEquals("nvidia-smi=/opt/bin/fake-smi", parse("nvidia-smi=/opt/bin/fake-smi").toString());

        PowerSource dcgm = parse("dcgm=http://gpu-node:9400/metrics");
        assertEquals(Boundary.GPU, dcgm.boundary());
        assertTrue(dcgm.measured());
        assertEquals("dcgm=http://gpu-node:9400/metrics", dcgm.toString());

        PowerSource bmc = parse("redfish=https://bmc.example/redfish/v1/Chassis/1/Power");
        assertEquals(Boundary.NODE, bmc.boundary());
        assertTrue(bmc.measured());
        assertEquals(Duration.ofSeconds(1), bmc.defaultInterval());
        PowerSource rack = parse("redfish@rack=https://rack-manager/redfish/v1/Chassis/Rack1/EnvironmentMetrics");
        assertEquals(Boundary.RACK, rack.boundary());
        assertEquals("redfish@rack=https://rack-manager/redfish/v1/Chassis/Rack1/EnvironmentMetrics", rack.toString());

        PowerSource stated = parse("constant=10200");
        assertEquals(Boundary.NODE, stated.boundary());
        assertFalse(stated.measured());
        assertEquals(Boundary.GPU, parse("constant=700:gpu").boundary());
        assertEquals(Boundary.RACK, parse(" constant = 120000:RACK ").boundary());

        PowerSource model = parse("model");
        assertFalse(model.measured());
        assertEquals("model", model.toString());
        assertEquals(Boundary.NODE, model.boundary());
        PowerSource rackModel = parse("model@rack");
        assertEquals(Boundary.RACK, rackModel.boundary());
        assertEquals("model@rack", rackModel.toString());
    }

    @Test
    void refusesBadSpecsSayingWhatIsExpected() {
        assertEquals("unknown power source 'ipmi' (expected nvidia-smi[=PATH], dcgm=URL, redfish[@rack]=URL, "
                + "constant=WATTS[:BOUNDARY] or model[@rack])", refusal("ipmi=bmc"));
        assertEquals("power source dcgm needs =URL", refusal("dcgm"));
        assertEquals("power source dcgm: 'gpu-node:9400' is not an http(s) URL", refusal("dcgm=gpu-node:9400"));
        assertEquals("power source constant: 'lots' is not a positive number of watts", refusal("constant=lots"));
        assertEquals("power source constant: '-5' is not a positive number of watts", refusal("constant=-5:gpu"));
        assertEquals("unknown power boundary 'room' (expected gpu, node or rack)", refusal("constant=5:room"));
        assertEquals("power source nvidia-smi has a fixed boundary; '@node' is not allowed", refusal("nvidia-smi@node"));
        assertEquals("power source model takes no value (got 'x')", refusal("model=x"));
        assertEquals("power source model reports the GPUs anyway; name its system boundary, '@node' or '@rack'",
                refusal("model@gpu"));
    }

    @Test
    void refusesCredentialsInTheUrlWithoutRepeatingThem() {
        String message = refusal("redfish=https://admin:hunter2@bmc.example/redfish/v1/Chassis/1/Power");

        assertEquals("power source redfish: https://bmc.example/redfish/v1/Chassis/1/Power must not carry credentials "
                + "in the URL; set AGENTLOAD_REDFISH_TOKEN, or AGENTLOAD_REDFISH_USER and AGENTLOAD_REDFISH_PASSWORD", message);
        assertFalse(message.contains("hunter2"));
        assertFalse(refusal("dcgm=http://u:hunter2@gpu-node:9400/metrics").contains("hunter2"));
    }

    @Test
    void refusesAUserWithoutAPassword() {
        PowerException e = assertThrows(PowerException.class, () -> PowerSource.parse(
                "redfish=https://bmc/redfish/v1/Chassis/1/Power", Map.of(HttpGet.REDFISH_USER, "monitor")));
        assertEquals("AGENTLOAD_REDFISH_USER is set but AGENTLOAD_REDFISH_PASSWORD is not", e.getMessage());
    }
}
