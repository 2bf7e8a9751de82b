package tcpip.close;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** A listening socket on 127.0.0.1 port 0 and one connection to it, both ends in this JVM. */
final class LoopbackPair implements AutoCloseable {

    static final int READ_TIMEOUT_MS = 5_000;

    final ServerSocket listener;
    final Socket server;
    final Socket client;

    private LoopbackPair(ServerSocket listener, Socket server, Socket client) {
        this.listener = listener;
        this.server = server;
        this.client = client;
    }

    static LoopbackPair open() throws IOException {
        ServerSocket listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Socket client = new Socket();
        client.connect(listener.getLocalSocketAddress(), READ_TIMEOUT_MS);
        Socket server = listener.accept();
        client.setSoTimeout(READ_TIMEOUT_MS);
        server.setSoTimeout(READ_TIMEOUT_MS);
        return new LoopbackPair(listener, server, client);
    }

    int serverPort() {
        return server.getLocalPort();
    }

    int clientPort() {
        return client.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        try (listener; server; client) {
            // all three closed
        }
    }
}
