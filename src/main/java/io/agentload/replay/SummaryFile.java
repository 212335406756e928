package io.agentload.replay;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes and reads {@code summary.json}, a search's ({@link SearchSummary}) or a replay's ({@link ReplaySummary}):
 * snake_case fields in the records' order, indented; a whole number without a fraction ({@code 20}, not
 * {@code 20.0}), an unknown one (NaN) as null.
 */
final class SummaryFile {

    static final String FILE = "summary.json";

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .registerModule(new SimpleModule("summary numbers")
                    .addSerializer(Double.class, new WholeOrNull())
                    .addSerializer(double.class, new WholeOrNull())
                    .addDeserializer(Double.class, new NumberOrNull(null))
                    .addDeserializer(double.class, new NumberOrNull(Double.NaN)));

    private SummaryFile() {
    }

    static void write(Run run, SearchSummary summary) {
        run.writeText(FILE, json(summary));
    }

    static void write(Run run, ReplaySummary summary) {
        run.writeText(FILE, json(summary));
    }

    /** The file's text: what {@code --json} prints. */
    static String json(Object summary) {
        try {
            return JSON.writeValueAsString(summary) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the summary as JSON", e);
        }
    }

    /**
     * A search's summary; a run without one has not finished its search.
     *
     * @throws ReplayException naming the file, and the field that does not read
     */
    static SearchSummary readSearch(Run run) {
        if (!run.has(FILE)) {
            throw new ReplayException(run.dir().resolve(FILE) + " does not exist: the search in " + run.dir()
                    + " has not finished; resume it with SloSearch.run(Run.resume(dir))");
        }
        return read(run, SearchSummary.class);
    }

    /** A replay's summary; a run without one has not finished its replay. */
    static ReplaySummary readReplay(Run run) {
        if (!run.has(FILE)) {
            throw new ReplayException(run.dir().resolve(FILE) + " does not exist: the replay in " + run.dir()
                    + " has not finished; resume it with Replay.resume(dir)");
        }
        return read(run, ReplaySummary.class);
    }

    private static <T> T read(Run run, Class<T> type) {
        Path file = run.dir().resolve(FILE);
        try {
            return JSON.readValue(file.toFile(), type);
        } catch (JsonMappingException e) {
            throw new ReplayException(file + where(e) + ": " + e.getOriginalMessage(), e);
        } catch (IOException | IllegalArgumentException e) {
            throw new ReplayException(file + ": " + e.getMessage(), e);
        }
    }

    /** Where in the file a mapping failed: {@code  tiers[1].max_agents}. */
    private static String where(JsonMappingException e) {
        StringBuilder s = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) s.append(s.isEmpty() ? " " : ".").append(r.getFieldName());
            else if (r.getIndex() >= 0) s.append('[').append(r.getIndex()).append(']');
        }
        return s.toString();
    }

    /** A finite number, as an integer when it is one; NaN or infinite as null. */
    private static final class WholeOrNull extends JsonSerializer<Double> {
        @Override
        public void serialize(Double value, JsonGenerator out, SerializerProvider provider) throws IOException {
            double v = value;
            if (!Double.isFinite(v)) out.writeNull();
            else if (v == Math.rint(v) && Math.abs(v) < 1e15) out.writeNumber((long) v);
            else out.writeNumber(v);
        }
    }

    /** Null as NaN; an absent field as {@code absent} (NaN for a figure every file has, null for an optional one). */
    private static final class NumberOrNull extends JsonDeserializer<Double> {
        private final Double absent;

        NumberOrNull(Double absent) {
            this.absent = absent;
        }

        @Override
        public Double deserialize(JsonParser p, DeserializationContext context) throws IOException {
            if (!p.currentToken().isNumeric()) {
                return (Double) context.handleUnexpectedToken(Double.class, p);
            }
            return p.getDoubleValue();
        }

        @Override
        public Double getNullValue(DeserializationContext context) {
            return Double.NaN;
        }

        @Override
        public Object getAbsentValue(DeserializationContext context) {
            return absent;
        }
    }
}
