package io.agentload.power;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import okhttp3.HttpUrl;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a BMC's power through Redfish, recognising the resource by its content:
 * <ul>
 *   <li>{@code Power} (deprecated since 2020.4 but what most BMCs still serve): {@code PowerConsumedWatts} of the
 *       first {@code PowerControl} entry that has one, the chassis total (some BMCs list CPU or memory sub-system
 *       entries after it, which are parts of that total and are not added);</li>
 *   <li>{@code EnvironmentMetrics} of a chassis: {@code PowerWatts.Reading}, and {@code EnergyJoules.Reading} as an
 *       energy counter where the BMC has one;</li>
 *   <li>{@code PowerSubsystem}: each present power supply's {@code Metrics.InputPowerWatts.Reading}, one device per
 *       supply (their sum is the node's draw at the wall). The supplies are looked up once, then only their metrics
 *       are read.</li>
 * </ul>
 */
final class RedfishPoller implements Poller {

    static final String CHASSIS = "chassis";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCEPT = "application/json";

    private final HttpUrl url;
    private final HttpGet http;
    private List<Supply> supplies;

    private record Supply(String device, HttpUrl metrics) {
    }

    RedfishPoller(HttpUrl url, Duration timeout, Map<String, String> env) {
        this.url = url;
        this.http = HttpGet.redfish(timeout, env);
    }

    @Override
    public List<Reading> poll() throws IOException {
        if (supplies != null) return supplyReadings();
        JsonNode resource = get(url);
        if (resource.has("PowerControl")) return List.of(Reading.watts(CHASSIS, powerControl(resource)));
        if (resource.has("PowerWatts")) {
            return List.of(new Reading(CHASSIS, reading(resource.path("PowerWatts")), reading(resource.path("EnergyJoules"))));
        }
        if (resource.path("PowerSupplies").has("@odata.id")) {
            supplies = findSupplies(resource);
            return supplyReadings();
        }
        throw new PowerException(url + ": neither PowerControl (a Power resource), PowerWatts (EnvironmentMetrics) nor "
                + "PowerSupplies (PowerSubsystem)");
    }

    private static double powerControl(JsonNode power) {
        for (JsonNode control : power.path("PowerControl")) {
            JsonNode w = control.path("PowerConsumedWatts");
            if (w.isNumber() && w.asDouble() >= 0) return w.asDouble();
        }
        return Double.NaN;
    }

    private List<Supply> findSupplies(JsonNode subsystem) throws IOException {
        HttpUrl collection = link(subsystem.path("PowerSupplies"));
        List<Supply> found = new ArrayList<>();
        for (JsonNode member : get(collection).path("Members")) {
            JsonNode supply = get(link(member));
            if (!supply.path("Metrics").has("@odata.id")) continue; // an empty bay
            String id = supply.path("Id").asText(supply.path("Name").asText("psu" + found.size()));
            found.add(new Supply("psu:" + id, link(supply.path("Metrics"))));
        }
        if (found.isEmpty()) throw new PowerException(collection + ": no power supply with Metrics");
        return List.copyOf(found);
    }

    private List<Reading> supplyReadings() throws IOException {
        List<Reading> readings = new ArrayList<>(supplies.size());
        for (Supply s : supplies) {
            readings.add(Reading.watts(s.device(), reading(get(s.metrics()).path("InputPowerWatts"))));
        }
        return readings;
    }

    /** A Redfish sensor excerpt's {@code Reading}, NaN when absent or null. */
    private static double reading(JsonNode excerpt) {
        JsonNode r = excerpt.path("Reading");
        return r.isNumber() && r.asDouble() >= 0 ? r.asDouble() : Double.NaN;
    }

    private HttpUrl link(JsonNode ref) {
        String id = ref.path("@odata.id").asText("");
        HttpUrl resolved = id.isEmpty() ? null : url.resolve(id);
        if (resolved == null) throw new PowerException(url + ": link '" + id + "' is not a URL path");
        return resolved;
    }

    private JsonNode get(HttpUrl resource) throws IOException {
        String body = http.text(resource, ACCEPT);
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || !node.isObject()) throw new PowerException(resource + ": not a JSON object");
            return node;
        } catch (JsonProcessingException e) {
            throw new PowerException(resource + ": not JSON (" + e.getOriginalMessage() + ")");
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
