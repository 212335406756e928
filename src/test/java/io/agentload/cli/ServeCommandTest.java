package io.agentload.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServeCommandTest {

    /** Runs a command line in this JVM; returns the exit code and what it printed to standard error. */
    static Object[] run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(new StringWriter()));
        return new Object[] {cl.execute(args), err.toString()};
    }

    @Test
    void badArgumentsAreRefusedBeforeAnythingIsServed() throws Exception {
        Object[] missing = run("serve", "--system", "h100x8");
        assertEquals(2, missing[0]);
        assertTrue(((String) missing[1]).contains("--model"), (String) missing[1]);
        Object[] onOff = run("serve", "--system", "h100x8", "--model", "llama-3.1-8b", "--prefix-cache", "maybe");
        assertEquals(2, onOff[0]);
        assertTrue(((String) onOff[1]).contains("expected on or off, not 'maybe'"), (String) onOff[1]);
        Object[] unknown = run("serve", "--system", "h100x9", "--model", "llama-3.1-8b");
        assertEquals(1, unknown[0]);
        assertTrue(((String) unknown[1]).contains("h100x9"), (String) unknown[1]);
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Object[] busy = run("serve", "--system", "h100x8", "--model", "llama-3.1-8b", "--port",
                    Integer.toString(taken.getLocalPort()));
            assertEquals(1, busy[0]);
            assertTrue(((String) busy[1]).contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()), (String) busy[1]);
        }
    }

    @Test
    void onlyANonLoopbackAddressIsWarnedAbout() throws Exception {
        assertNull(ServeCommand.exposure(InetAddress.getByName("127.0.0.1")));
        assertNull(ServeCommand.exposure(InetAddress.getByName("::1")));
        assertTrue(ServeCommand.exposure(InetAddress.getByName("0.0.0.0")).contains("no authentication"));
    }

    @Test
    @Tag("slow")
    void servesUntilSigterm(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("first-tokens.jsonl");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve",
                "--system", "h100x8", "--model", "llama-3.1-8b", "--port", "0", "--replicas", "1",
                "--served-model-name", "meta-llama/Llama-3.1-8B-Instruct", "--first-token-log", log.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String ready = out.readLine();
            Matcher m = Pattern.compile("agentload serve: meta-llama/Llama-3.1-8B-Instruct on h100x8 \\(1 x TP1\\) at "
                    + "(http://127\\.0\\.0\\.1:\\d+/v1)").matcher(ready);
            assertTrue(m.matches(), ready);
            OkHttpClient http = new OkHttpClient();
            String body = "{\"model\": \"meta-llama/Llama-3.1-8B-Instruct\", \"prompt\": \"hi\", \"max_tokens\": 3}";
            try (Response r = http.newCall(new Request.Builder().url(m.group(1) + "/completions")
                    .post(RequestBody.create(body, MediaType.get("application/json"))).build()).execute()) {
                JsonNode json = new ObjectMapper().readTree(r.body().string());
                assertEquals(3, json.get("usage").get("completion_tokens").asInt());
            }
            long signalled = System.nanoTime();
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), "stops on SIGTERM");
            System.out.printf("agentload serve stopped %.0f ms after SIGTERM%n", (System.nanoTime() - signalled) / 1e6);
            assertEquals(143, p.exitValue(), "the JVM's exit status after SIGTERM");
            List<String> lines = Files.readAllLines(log);
            assertEquals(1, lines.size());
            assertTrue(lines.get(0).contains("\"output_tokens\":3"), lines.get(0));
        } finally {
            p.destroyForcibly();
        }
    }
}
