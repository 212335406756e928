package io.agentload.endpoint;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** An exchange's life before its call goes out: what runs on the request's thread, and what never runs. */
class ExchangeTest {

    private static final EndpointRequest REQUEST = EndpointRequest.of(Layouts.single(1_000, 200), 7, 5);
    private final ScheduledThreadPoolExecutor watchdog = new ScheduledThreadPoolExecutor(1);

    @AfterEach
    void stop() {
        watchdog.shutdownNow();
    }

    private ExchangeSettings settings(boolean closed) {
        return new ExchangeSettings("http://127.0.0.1:1/v1/completions", "", watchdog, Duration.ofSeconds(5),
                Duration.ofSeconds(5), Duration.ofSeconds(5), () -> closed, Runnable::run);
    }

    @Test
    void aRequestCancelledBeforeItsThreadRanIsNeverBuiltNorSent() {
        Exchange exchange = new Exchange(REQUEST, settings(false));
        CompletableFuture<CompletionResult> result = exchange.result();
        result.cancel(true);
        exchange.run(() -> fail("the call was built after the caller cancelled it"));
        assertTrue(result.isCancelled());
    }

    @Test
    void aRequestOfAClosedEndpointIsRefusedWithoutBeingBuilt() throws Exception {
        Exchange exchange = new Exchange(REQUEST, settings(true));
        exchange.run(() -> fail("the call was built after the endpoint closed"));
        CompletionResult r = exchange.result().get();
        assertEquals(CompletionResult.CANCELLED, r.status());
        assertTrue(r.detail().startsWith("the endpoint is closed"), r.detail());
    }

    @Test
    void aClientFaultBuildingTheCallFailsTheFutureInsteadOfBecomingAnEndpointFault() {
        Exchange exchange = new Exchange(REQUEST, settings(false));
        IllegalStateException bug = new IllegalStateException("no body");
        exchange.run(() -> {
            throw bug;
        });
        ExecutionException e = assertThrows(ExecutionException.class, () -> exchange.result().get());
        assertSame(bug, e.getCause());
    }
}
