package io.agentload.endpoint;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonScannerTest {

    private static final ObjectMapper JACKSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Chunks as vLLM, SGLang and OpenAI stream them, and values of every kind. */
    private static final List<String> CORPUS = List.of(
            "{\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"created\":1767225600,\"model\":\"m\",\"choices\":[{\"index\":0,"
                    + "\"text\":\" token\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":null}],\"usage\":null}",
            "{\"id\":\"chatcmpl-2\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
                    + "\"content\":\"caf\u00e9 \\u00e9\\n\\\"q\\\" \ud83d\ude00\",\"tool_calls\":[{\"id\":\"t\",\"function\":{\"name\":\"f\","
                    + "\"arguments\":\"{\\\"a\\\":1}\"}}]},\"finish_reason\":\"stop\"}]}",
            "{\"choices\":[],\"usage\":{\"prompt_tokens\":131072,\"total_tokens\":131272,\"completion_tokens\":200,"
                    + "\"prompt_tokens_details\":{\"cached_tokens\":130000,\"audio_tokens\":null}}}",
            "{\"error\":{\"object\":\"error\",\"message\":\"prompt is too long\",\"code\":400,\"param\":null}}",
            "{\"a\":[-0,1.5,-2e10,3E+2,4.25e-3,true,false,null,[],{},[[{\"b\":\"\\/\\\\\\b\\f\\r\\t\"}]]]}",
            " [ 1 , \"x\" , { \"k\" : [ ] } ]\n");

    @Test
    void stringsAreMeasuredInJavaCharacters() {
        assertEquals(0, new JsonScanner(bytes("\"\""), 2).stringLength());
        assertEquals(5, scanner("\"caf\u00e9!\"").stringLength());
        assertEquals(1, scanner("\"\u20ac\"").stringLength());
        assertEquals(2, scanner("\"\ud83d\ude00\"").stringLength(), "a 4-byte character is two UTF-16 units");
        assertEquals(4, scanner("\"a\\n\\u00e9\\\"\"").stringLength());
        assertEquals(2, scanner("\"\\ud83d\\ude00\"").stringLength());
        String text = "caf\u00e9 \u20ac \ud83d\ude00 \\ \" / \b\f\n\r\t \u0001";
        assertEquals(text.length(), scanner(jackson(text)).stringLength());
        assertEquals(text, scanner(jackson(text)).string(), "decoded as Java would");
        assertEquals("\u00e9\ud83d\ude00", scanner("\"\\u00E9\\ud83d\\ude00\"").string());
    }

    @Test
    void countsAreWholeNumbersThatFitAnInt() {
        assertEquals(0, scanner("0").count());
        assertEquals(Integer.MAX_VALUE, scanner("2147483647").count());
        for (String notACount : List.of("2147483648", "99999999999999999999", "-1", "-0", "1.0", "1e3", "\"7\"", "null")) {
            JsonScanner json = scanner(notACount);
            assertEquals(-1, json.count(), notACount);
            assertEquals(notACount, json.lastValue());
            assertTrue(json.atEnd(), notACount + " is consumed whole");
        }
    }

    @Test
    void fieldNamesMatchEvenWhenEscaped() {
        JsonScanner json = scanner("{\"te\\u0078t\":1,\"text\":2}");
        json.beginObject();
        assertTrue(json.nextField());
        assertTrue(json.nameIs(bytes("text")));
        json.skipValue();
        assertTrue(json.nextField());
        assertTrue(json.nameIs(bytes("text")));
        assertFalse(json.nameIs(bytes("tex")));
        json.skipValue();
        assertFalse(json.nextField());
        assertTrue(json.atEnd());
    }

    @Test
    void whatIsNotJsonIsRefusedNamingTheByte() {
        assertMalformed("{\"a\":1,}", "expected a field name at byte 7");
        assertMalformed("[1,]", "unexpected ']' at byte 3");
        assertMalformed("[01]", "expected ',' or ']' at byte 2");
        assertMalformed("[1.]", "malformed number");
        assertMalformed("[-]", "malformed number");
        assertMalformed("[+1]", "unexpected '+'");
        assertMalformed("[tru]", "unexpected 't'");
        assertMalformed("[\"a\tb\"]", "control character byte 0x09 inside a string");
        assertMalformed("[\"\\x\"]", "unknown escape \\x");
        assertMalformed("[\"\\u12g4\"]", "malformed \\u escape");
        assertMalformed("[\"abc", "unterminated string");
        assertMalformed("{\"a\" 1}", "expected ':'");
        assertMalformed("{'a':1}", "expected a field name");
        assertMalformed("", "unexpected end of data");
        byte[] badUtf8 = {'"', (byte) 0xC3, '(', '"'};
        EndpointException e = assertThrows(EndpointException.class, () -> new JsonScanner(badUtf8, 4).skipValue());
        assertTrue(e.getMessage().contains("invalid UTF-8"), e.getMessage());
    }

    @Test
    void nestingIsLimited() {
        String ok = "[".repeat(JsonScanner.MAX_DEPTH) + "]".repeat(JsonScanner.MAX_DEPTH);
        JsonScanner json = scanner(ok);
        json.skipValue();
        assertTrue(json.atEnd());
        assertMalformed("[".repeat(JsonScanner.MAX_DEPTH + 1), "nested deeper than 1000 levels");
    }

    @Test
    void onlyTheGivenLengthIsRead() {
        byte[] data = bytes("{\"a\":1}GARBAGE");
        JsonScanner json = new JsonScanner(data, 7);
        json.skipValue();
        assertTrue(json.atEnd());
    }

    /**
     * Agrees with Jackson's strict parser on whether text is JSON, over 30,000 one-byte edits (replaced, deleted or
     * inserted ASCII, control characters included) of streamed chunks and values of every kind.
     */
    @Test
    void agreesWithJacksonOnWhatIsJson() {
        String alphabet = "{}[]:,\"\\/ \t\n\r0123456789-+.eEtrufalsnbx'\u0001";
        Random random = new Random(7);
        int valid = 0;
        for (int i = 0; i < 30_000; i++) {
            byte[] doc = bytes(CORPUS.get(random.nextInt(CORPUS.size())));
            int at = random.nextInt(doc.length);
            if ((doc[at] & 0x80) != 0) continue; // edits inside a multi-byte character are UTF-8 questions, tested above
            byte c = (byte) alphabet.charAt(random.nextInt(alphabet.length()));
            byte[] edited = switch (random.nextInt(3)) {
                case 0 -> replace(doc, at, c);
                case 1 -> delete(doc, at);
                default -> insert(doc, at, c);
            };
            String text = new String(edited, StandardCharsets.UTF_8);
            if (text.isBlank()) continue;
            boolean ours = isJson(edited), theirs = isJsonToJackson(text);
            assertEquals(theirs, ours, "is this JSON? " + text);
            if (ours) valid++;
        }
        assertTrue(valid > 2_000 && valid < 25_000, "the edits make both kinds: " + valid + " valid");
    }

    private static boolean isJson(byte[] doc) {
        try {
            JsonScanner json = new JsonScanner(doc, doc.length);
            json.skipValue();
            return json.atEnd();
        } catch (EndpointException e) {
            return false;
        }
    }

    private static boolean isJsonToJackson(String doc) {
        try {
            JACKSON.readTree(doc);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static byte[] replace(byte[] doc, int at, byte c) {
        byte[] out = doc.clone();
        out[at] = c;
        return out;
    }

    private static byte[] delete(byte[] doc, int at) {
        byte[] out = new byte[doc.length - 1];
        System.arraycopy(doc, 0, out, 0, at);
        System.arraycopy(doc, at + 1, out, at, doc.length - at - 1);
        return out;
    }

    private static byte[] insert(byte[] doc, int at, byte c) {
        byte[] out = new byte[doc.length + 1];
        System.arraycopy(doc, 0, out, 0, at);
        out[at] = c;
        System.arraycopy(doc, at, out, at + 1, doc.length - at);
        return out;
    }

    private static void assertMalformed(String json, String message) {
        EndpointException e = assertThrows(EndpointException.class, () -> {
            JsonScanner scanner = scanner(json);
            scanner.skipValue();
            if (!scanner.atEnd()) throw new AssertionError("accepted");
        }, json);
        assertTrue(e.getMessage().startsWith("event data is not valid JSON: "), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    private static String jackson(String text) {
        try {
            return JACKSON.writeValueAsString(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static JsonScanner scanner(String json) {
        byte[] b = bytes(json);
        return new JsonScanner(b, b.length);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
