package io.agentload.endpoint;

import org.junit.jupiter.api.Test;

import java.net.Socket;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NoDelaySocketsTest {

    @Test
    void socketsHaveNaglesAlgorithmOffAndAreLeftToOkHttpToConnect() throws Exception {
        try (Socket plain = new Socket(); Socket s = new NoDelaySockets().createSocket()) {
            assertFalse(plain.getTcpNoDelay(), "the JDK's default, which OkHttp keeps");
            assertTrue(s.getTcpNoDelay());
            assertFalse(s.isConnected());
        }
        assertThrows(UnsupportedOperationException.class, () -> new NoDelaySockets().createSocket("127.0.0.1", 9));
    }
}
