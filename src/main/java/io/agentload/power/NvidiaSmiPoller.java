package io.agentload.power;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code nvidia-smi} once per poll (see {@link NvidiaSmiCsv} for the query and its fallback). Its output for
 * even a 72-GPU domain is a few kilobytes, well inside a pipe's buffer, so the process is awaited first and read
 * after; one that does not finish within the timeout (a wedged driver can block for minutes) is killed and the poll
 * counts as failed.
 */
final class NvidiaSmiPoller implements Poller {

    private final String binary;
    private final Duration timeout;
    private boolean legacy;

    NvidiaSmiPoller(String binary, Duration timeout) {
        this.binary = binary;
        this.timeout = timeout;
    }

    @Override
    public List<Reading> poll() throws IOException, InterruptedException {
        Result r = run(legacy ? NvidiaSmiCsv.LEGACY_QUERY : NvidiaSmiCsv.QUERY);
        if (r.exit != 0 && !legacy && NvidiaSmiCsv.rejectsQuery(r.stdout + r.stderr)) {
            legacy = true;
            r = run(NvidiaSmiCsv.LEGACY_QUERY);
        }
        if (r.exit != 0) {
            String why = (r.stderr.isBlank() ? r.stdout : r.stderr).strip().lines().findFirst().orElse("no output");
            throw new PowerException(binary + " exited with " + r.exit + ": " + why);
        }
        return NvidiaSmiCsv.parse(r.stdout, legacy);
    }

    private record Result(int exit, String stdout, String stderr) {
    }

    private Result run(String query) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(binary, "--query-gpu=" + query, "--format=csv,noheader,nounits").start();
        try {
            p.getOutputStream().close();
            if (!p.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new PowerException(binary + " did not answer within " + timeout.toMillis() + " ms");
            }
            return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                    new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        } finally {
            p.destroyForcibly();
        }
    }
}
