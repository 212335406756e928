package io.agentload.replay;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes and reads {@code run.json} ({@link RunManifest}): snake_case fields in the records' order, indented, numbers
 * as Java writes them ({@code 700.0}), fields that are null left out. A section is read as its type when its
 * {@code target}, {@code kind} or fields say which and the type knows every field it holds; any other section is kept
 * field for field ({@link RunManifest.Fields}), so that resuming an older run rewrites it unchanged.
 */
final class ManifestFile {

    static final String FILE = "run.json";

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY);
    /** Numbers compare by value: a {@code long} field reads back from the file as an {@code int} node. */
    private static final Comparator<JsonNode> SAME_NUMBER = (a, b) -> a.isNumber() && b.isNumber()
            ? Double.compare(a.doubleValue(), b.doubleValue()) : a.equals(b) ? 0 : 1;
    private static final TypeReference<LinkedHashMap<String, Object>> FIELDS = new TypeReference<>() {
    };

    private ManifestFile() {
    }

    /** Writes {@code manifest} into {@code dir}, secrets redacted, and returns what was written. */
    static RunManifest write(Path dir, RunManifest manifest) {
        RunManifest redacted = new RunManifest(manifest.format(), manifest.startedAt(), manifest.versions(),
                manifest.client(), hardware(redact(manifest.hardware())), endpoint(redact(manifest.endpoint())),
                config(redact(manifest.config())), manifest.itlDetail(), manifest.resumedAt());
        String json;
        try {
            json = JSON.writeValueAsString(redacted);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + FILE + " as JSON", e);
        }
        ParquetFiles.atomically(dir.resolve(FILE), tmp -> Files.writeString(tmp, json));
        return redacted;
    }

    /**
     * The manifest of run folder {@code dir}.
     *
     * @throws ReplayException when {@code dir} has no {@code run.json}, or it is not an object with a start time
     */
    static RunManifest read(Path dir) {
        Path f = dir.resolve(FILE);
        if (!Files.exists(f)) throw new ReplayException(dir + " is not a run folder: it has no " + FILE);
        JsonNode node;
        try {
            node = JSON.readTree(f.toFile());
        } catch (IOException e) {
            throw new ReplayException(f + ": " + e.getMessage(), e);
        }
        if (node == null || !node.isObject() || !node.path("started_at").isTextual()) {
            throw new ReplayException(f + ": expected a JSON object with a \"started_at\" field");
        }
        try {
            return new RunManifest(text(node, "format"), node.get("started_at").asText(),
                    value(node.get("versions"), RunManifest.Versions.class),
                    value(node.get("client"), RunManifest.Client.class), hardware(node.get("hardware")),
                    endpoint(node.get("endpoint")), config(node.get("config")),
                    node.path("itl_detail").isBoolean() ? node.get("itl_detail").asBoolean() : null,
                    node.has("resumed_at") ? JSON.convertValue(node.get("resumed_at"), new TypeReference<List<String>>() {
                    }) : null);
        } catch (IllegalArgumentException e) {
            throw new ReplayException(f + ": " + e.getMessage(), e);
        }
    }

    private static RunManifest.Hardware hardware(JsonNode n) {
        if (n == null || n.isNull()) return null;
        if (n.has("system")) return typed(n, RunManifest.SimulatedSystem.class);
        if (n.has("power_source")) return typed(n, RunManifest.StatedHardware.class);
        return fields(n);
    }

    private static RunManifest.EndpointInfo endpoint(JsonNode n) {
        if (n == null || n.isNull()) return null;
        return switch (n.path("kind").asText()) {
            case RunManifest.SimulatorEndpoint.KIND -> typed(n, RunManifest.SimulatorEndpoint.class);
            case RunManifest.HttpEndpoint.KIND -> typed(n, RunManifest.HttpEndpoint.class);
            default -> fields(n);
        };
    }

    private static RunManifest.Config config(JsonNode n) {
        if (n == null || n.isNull()) return null;
        return switch (n.path("target").asText()) {
            case RunManifest.SimulatorConfig.TARGET -> typed(n, RunManifest.SimulatorConfig.class);
            case RunManifest.EndpointConfig.TARGET -> typed(n, RunManifest.EndpointConfig.class);
            default -> fields(n);
        };
    }

    /** The section as {@code type} when that type holds every field exactly as the file does, else as its fields. */
    @SuppressWarnings("unchecked")
    private static <T> T typed(JsonNode n, Class<? extends T> type) {
        try {
            T value = JSON.treeToValue(n, type);
            if (JSON.valueToTree(value).equals(SAME_NUMBER, n)) return value;
        } catch (JsonProcessingException | IllegalArgumentException e) {
            // Not this type's shape: kept as fields below.
        }
        return (T) fields(n);
    }

    private static RunManifest.Fields fields(JsonNode n) {
        if (!n.isObject()) throw new IllegalArgumentException("expected an object, not " + n);
        return new RunManifest.Fields(JSON.convertValue(n, FIELDS));
    }

    private static <T> T value(JsonNode n, Class<T> type) {
        return n == null || n.isNull() ? null : JSON.convertValue(n, type);
    }

    private static String text(JsonNode node, String field) {
        return node.path(field).isTextual() ? node.get(field).asText() : null;
    }

    /** A section as the file holds it, for comparing a resumed run's settings field by field. */
    static JsonNode tree(Object section) {
        return JSON.valueToTree(section);
    }

    /** The section's fields with every secret replaced, as a tree to type again; null stays null. */
    private static JsonNode redact(Object section) {
        if (section == null) return null;
        Map<String, Object> fields = JSON.convertValue(section, FIELDS);
        return JSON.valueToTree(Secrets.redact(fields));
    }
}
