package io.agentload.power;

import okhttp3.HttpUrl;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * Scrapes a dcgm-exporter's {@code /metrics} once per poll. dcgm-exporter refreshes its values every
 * {@code --collect-interval} (30 s by default): run it with {@code -c 200} or so for a useful power series. The
 * energy counter, which {@link EnergyIntegrator} prefers, stays exact at any refresh rate.
 */
final class DcgmPoller implements Poller {

    private final HttpUrl url;
    private final HttpGet http;

    DcgmPoller(HttpUrl url, Duration timeout) {
        this.url = url;
        this.http = HttpGet.anonymous(timeout);
    }

    @Override
    public List<Reading> poll() throws IOException {
        return DcgmMetrics.parse(http.text(url, "text/plain"), url.toString());
    }

    @Override
    public void close() {
        http.close();
    }
}
