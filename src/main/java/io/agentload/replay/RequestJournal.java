package io.agentload.replay;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The write-ahead journal of one request-log part: every record is written to {@code part-NNNNN.journal} the moment
 * it is appended, one JSON object per line, so a process killed before the part is written ({@code kill -9}, an
 * out-of-memory kill, a power-cut container) loses no completed request. Each line goes to the operating system with
 * one {@code write} call and no {@code fsync}: it survives the death of the process, not of the machine. A line cut
 * by the kill has no newline and is ignored; the part that replaces the journal is written from the records
 * themselves, so the journal is read only to recover from a crash.
 *
 * <p>Fields are the record's, under the names of {@code requests.parquet}; NaN times and figures, and unreported
 * cached tokens, are {@code null}. The gaps themselves ({@code itl_s}) are written only when the run keeps them, as
 * its parts do; their summary always. Numbers are written in the shortest form that reads back to the same double (a
 * float as the double that holds it exactly), so records read back bit for bit. Journals written before the summary
 * fields existed hold every gap, and read with the summary computed from them.
 */
final class RequestJournal implements AutoCloseable {

    static final String SUFFIX = ".journal";

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final FileChannel channel;
    private final boolean keepGaps;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(512);

    private RequestJournal(Path file, FileChannel channel, boolean keepGaps) {
        this.file = file;
        this.channel = channel;
        this.keepGaps = keepGaps;
    }

    /** Opens {@code file} for appending, creating it and its folder; the gaps themselves go in when {@code keepGaps}. */
    static RequestJournal open(Path file, boolean keepGaps) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return new RequestJournal(file, FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND), keepGaps);
        } catch (IOException e) {
            throw new ReplayException("cannot open the request journal " + file + ": " + e.getMessage(), e);
        }
    }

    Path file() {
        return file;
    }

    /** Writes one record as one line, with a single write call. Not thread-safe: the log appends under its lock. */
    void append(RequestRecord r) {
        line.reset();
        try (JsonGenerator g = FACTORY.createGenerator(line)) {
            g.writeStartObject();
            g.writeNumberField("trial", r.trial());
            g.writeNumberField("agent", r.agent());
            g.writeStringField("session_id", r.sessionId());
            g.writeNumberField("turn", r.turn());
            g.writeNumberField("salt", r.salt());
            g.writeStringField("phase", r.phase().label());
            time(g, "send_s", r.sendTime());
            time(g, "written_s", r.writtenTime());
            time(g, "first_byte_s", r.firstByteTime());
            time(g, "first_token_s", r.firstTokenTime());
            time(g, "last_token_s", r.lastTokenTime());
            time(g, "end_s", r.endTime());
            g.writeNumberField("input_tokens", r.inputTokens());
            if (r.cachedTokens() >= 0) g.writeNumberField("cached_tokens", r.cachedTokens());
            else g.writeNullField("cached_tokens");
            g.writeNumberField("output_tokens", r.outputTokens());
            g.writeStringField("status", r.status());
            g.writeStringField("error", r.errorDetail());
            RequestRecord.ItlSummary itl = r.itl();
            g.writeNumberField("itl_count", itl.count());
            time(g, "itl_mean_s", itl.mean()); // a double holds a float exactly
            time(g, "itl_p50_s", itl.p50());
            time(g, "itl_p90_s", itl.p90());
            time(g, "itl_p99_s", itl.p99());
            time(g, "itl_max_s", itl.max());
            if (keepGaps) {
                g.writeArrayFieldStart("itl_s");
                for (float gap : r.interTokenLatencies()) g.writeNumber((double) gap);
                g.writeEndArray();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new ReplayException("cannot encode " + r + " for the journal " + file + ": " + e.getMessage(), e);
        }
        line.write('\n');
        ByteBuffer bytes = ByteBuffer.wrap(line.toByteArray());
        try {
            while (bytes.hasRemaining()) channel.write(bytes);
        } catch (IOException e) {
            throw new ReplayException("cannot append to the request journal " + file + ": " + e.getMessage(), e);
        }
    }

    private static void time(JsonGenerator g, String field, double seconds) throws IOException {
        if (Double.isNaN(seconds)) g.writeNullField(field);
        else g.writeNumberField(field, seconds);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new ReplayException("cannot close the request journal " + file + ": " + e.getMessage(), e);
        }
    }

    /** Every complete line of a journal, in order; a last line without its newline (cut by a kill) is left out. */
    static List<RequestRecord> read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ReplayException("cannot read the request journal " + file + ": " + e.getMessage(), e);
        }
        List<RequestRecord> records = new ArrayList<>();
        int start = 0, lineNumber = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] != '\n') continue;
            lineNumber++;
            try {
                records.add(record(JSON.readTree(bytes, start, i - start)));
            } catch (IOException | RuntimeException e) {
                throw new ReplayException(file + " line " + lineNumber + ": not a request record: " + e.getMessage(), e);
            }
            start = i + 1;
        }
        return records;
    }

    private static RequestRecord record(JsonNode n) {
        RequestRecord.Builder b = RequestRecord.builder()
                .trial(field(n, "trial").intValue(), field(n, "agent").intValue())
                .turn(field(n, "session_id").textValue(), field(n, "turn").intValue(), field(n, "salt").longValue())
                .phase(RequestRecord.Phase.ofLabel(field(n, "phase").textValue()))
                .sendTime(time(n, "send_s"))
                .writtenTime(n.has("written_s") ? time(n, "written_s") : Double.NaN) // absent before 2026-12-04
                .firstByteTime(time(n, "first_byte_s"))
                .tokenTimes(time(n, "first_token_s"), time(n, "last_token_s"))
                .endTime(time(n, "end_s"));
        int input = field(n, "input_tokens").intValue();
        JsonNode cached = field(n, "cached_tokens");
        b.tokens(input, cached.isNull() ? -1 : cached.intValue(), field(n, "output_tokens").intValue());
        String status = field(n, "status").textValue();
        if (!RequestRecord.OK.equals(status)) b.failed(status, field(n, "error").textValue());
        JsonNode itl = n.path("itl_s");
        float[] gaps = new float[itl.size()];
        for (int i = 0; i < gaps.length; i++) gaps[i] = (float) itl.get(i).doubleValue();
        if (gaps.length > 0 || !n.has("itl_count")) return b.interTokenLatencies(gaps).build();
        return b.itl(new RequestRecord.ItlSummary(field(n, "itl_count").intValue(), (float) time(n, "itl_mean_s"),
                (float) time(n, "itl_p50_s"), (float) time(n, "itl_p90_s"), (float) time(n, "itl_p99_s"),
                (float) time(n, "itl_max_s"))).build();
    }

    private static JsonNode field(JsonNode n, String name) {
        JsonNode v = n.get(name);
        if (v == null) throw new IllegalArgumentException("field " + name + " is missing");
        return v;
    }

    private static double time(JsonNode n, String name) {
        JsonNode v = field(n, name);
        return v.isNull() ? Double.NaN : v.doubleValue();
    }
}
