package io.agentload.endpoint;

import okio.Buffer;
import okio.BufferedSource;
import okio.Okio;
import okio.Source;
import okio.Timeout;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SseReaderTest {

    /** A connection that delivers one piece per read; the clock is the number of reads so far. */
    private static final class Pieces implements Source {
        private final Deque<byte[]> pieces = new ArrayDeque<>();
        long reads;

        Pieces(String... pieces) {
            for (String p : pieces) this.pieces.add(p.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public long read(Buffer sink, long byteCount) {
            byte[] piece = pieces.poll();
            if (piece == null) return -1;
            if (piece.length > byteCount) {
                pieces.addFirst(Arrays.copyOfRange(piece, (int) byteCount, piece.length));
                piece = Arrays.copyOf(piece, (int) byteCount);
            }
            sink.write(piece);
            reads++;
            return piece.length;
        }

        @Override
        public Timeout timeout() {
            return Timeout.NONE;
        }

        @Override
        public void close() {
        }
    }

    private record Event(String data, long arrival) {
    }

    private static List<Event> read(Pieces pieces) throws IOException {
        List<Event> events = new ArrayList<>();
        BufferedSource source = Okio.buffer(pieces);
        boolean stopped = new SseReader(source, () -> pieces.reads, 0).read((data, length, arrival) -> {
            String text = new String(data, 0, length, StandardCharsets.UTF_8);
            events.add(new Event(text, arrival));
            return !text.equals("[DONE]");
        });
        assertEquals(events.stream().anyMatch(e -> e.data.equals("[DONE]")), stopped, "read() says whether [DONE] stopped it");
        return events;
    }

    @Test
    void eventsInOneReadShareItsArrivalTime() throws IOException {
        List<Event> events = read(new Pieces("data: {\"a\":1}\n\ndata: {\"a\":2}\n\n", "data: {\"a\":3}\n\ndata: [DONE]\n\n"));
        assertEquals(List.of(new Event("{\"a\":1}", 1), new Event("{\"a\":2}", 1), new Event("{\"a\":3}", 2),
                new Event("[DONE]", 2)), events);
    }

    @Test
    void anEventSplitAcrossReadsArrivesWithItsLastByte() throws IOException {
        List<Event> events = read(new Pieces("da", "ta: {\"x\"", ":true}", "\n", "\n"));
        assertEquals(List.of(new Event("{\"x\":true}", 5)), events);
    }

    @Test
    void crlfLoneCrAndLfEndLinesEvenWhenCrAndLfArriveApart() throws IOException {
        List<Event> events = read(new Pieces("data: one\r\n\r\n", "data: two\r\r", "data: three\r", "\n\r", "\ndata: four\n\n"));
        assertEquals(List.of("one", "two", "three", "four"), events.stream().map(Event::data).toList());
        assertEquals(4, events.get(2).arrival(), "three's blank line ended in the fourth read");
    }

    @Test
    void commentsAndOtherFieldsAreSkippedAndDataLinesJoin() throws IOException {
        List<Event> events = read(new Pieces(": keep-alive\n\n:\nevent: message\nid: 7\nretry: 3000\ndata: {\"a\":\ndata:1}\n\ndata\n\n"));
        assertEquals(List.of("{\"a\":\n1}", ""), events.stream().map(Event::data).toList());
    }

    @Test
    void aLineOfAnyLengthIsOneEvent() throws IOException {
        String text = "x".repeat(200_000);
        String line = "data: {\"choices\":[{\"text\":\"" + text + "\"}]}\n\n";
        List<String> pieces = new ArrayList<>();
        for (int i = 0; i < line.length(); i += 1_460) pieces.add(line.substring(i, Math.min(line.length(), i + 1_460)));
        List<Event> events = read(new Pieces(pieces.toArray(String[]::new)));
        assertEquals(1, events.size());
        assertEquals(200_000, ChunkParser.parse(events.get(0).data().getBytes(StandardCharsets.UTF_8)).textLength());
        assertEquals(pieces.size(), events.get(0).arrival());
    }

    @Test
    void atTheEndCompleteDataLinesStillCountButAPartialLineDoesNot() throws IOException {
        assertEquals(List.of(new Event("[DONE]", 1)), read(new Pieces("data: [DONE]\n")));
        assertEquals(List.of(new Event("{\"a\":1}", 1)), read(new Pieces("data: {\"a\":1}\n\ndata: {\"choi")));
    }

    @Test
    void aLineThatIsNotAnSseFieldStopsTheStream() {
        EndpointException e = assertThrows(EndpointException.class,
                () -> read(new Pieces("data: {}\n\n<html><body>502 Bad Gateway</body></html>\n")));
        assertEquals("line 3 of the event stream is not a server-sent event field: '<html><body>502 Bad Gateway</body></html>'",
                e.getMessage());
    }

    @Test
    void readingStopsAtTheHandlersWord() throws IOException {
        Pieces pieces = new Pieces("data: [DONE]\n\n", "data: never read\n\n");
        List<Event> events = read(pieces);
        assertEquals(1, events.size());
        assertEquals(1, pieces.reads);
        assertEquals(1, pieces.pieces.size(), "the next event was never read");
    }
}
