package io.agentload.endpoint;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;

/**
 * What every exchange of one endpoint shares.
 *
 * @param url               the endpoint URL as results show it: no user info, no query
 * @param secret            the API key, so that details can never repeat it; empty when there is none
 * @param watchdog          runs the first-token, stall and total timeouts
 * @param firstTokenTimeout longest wait from send to the first output chunk
 * @param stallTimeout      longest silence of a stream once its first output chunk has come
 * @param totalTimeout      longest wait from send to the end of the stream
 * @param closed            whether the endpoint has been closed
 * @param streams           runs the reading of each response's stream, once its headers have come
 */
record ExchangeSettings(String url, String secret, ScheduledExecutorService watchdog, Duration firstTokenTimeout,
                        Duration stallTimeout, Duration totalTimeout, BooleanSupplier closed, Executor streams) {

    @Override
    public String toString() {
        return "ExchangeSettings[" + url + "]";
    }

    /** Text on one line, without the API key (redacted before it is cut, so no part of the key is left), cut at 200. */
    String excerpt(String text) {
        String line = redact(text).replaceAll("\\s+", " ").strip();
        if (line.isEmpty()) return "(empty body)";
        return line.length() <= 200 ? line : line.substring(0, 200) + "...";
    }

    /** The text with every occurrence of the API key replaced. */
    String redact(String text) {
        return secret.isEmpty() ? text : text.replace(secret, "[redacted]");
    }
}
