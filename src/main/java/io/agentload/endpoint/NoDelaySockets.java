package io.agentload.endpoint;

import javax.net.SocketFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;

/**
 * Plain sockets with Nagle's algorithm off ({@code TCP_NODELAY}), which OkHttp leaves on. With it on, the last partial
 * segment of a request body waits until the server acknowledges what came before, and a server that delays its
 * acknowledgement (40 ms on Linux) adds that wait to the request's TTFT: time the client would hide in the kernel.
 * OkHttp connects the socket itself, so only the unconnected-socket method is used.
 */
final class NoDelaySockets extends SocketFactory {

    @Override
    public Socket createSocket() throws SocketException {
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        return socket;
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        throw unconnectedOnly();
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        throw unconnectedOnly();
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        throw unconnectedOnly();
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        throw unconnectedOnly();
    }

    private static UnsupportedOperationException unconnectedOnly() {
        return new UnsupportedOperationException("OkHttp connects sockets itself: use createSocket()");
    }
}
