package io.agentload.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs a command line in-process and captures its exit code, standard output and standard error. */
record CliRunner(int exitCode, String out, String err) {

    static CliRunner run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new CliRunner(code, out.toString(), err.toString());
    }

    /** Each command line is bad usage: exit code 2 and one line naming the command and containing its message. */
    static void assertUsageErrors(String[][] commandLines, String[] messages) {
        assertEquals(commandLines.length, messages.length);
        for (int i = 0; i < commandLines.length; i++) {
            CliRunner r = run(commandLines[i]);
            assertEquals(2, r.exitCode(), String.join(" ", commandLines[i]) + ": " + r.err());
            assertTrue(r.err().startsWith("agentload " + commandLines[i][0] + ": ") && r.err().contains(messages[i]),
                    r.err());
        }
    }
}
