package tcpip.lifecycle;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

/** Three way handshake without accept(): the accept queue, its length, and what a full one does. */
public final class BacklogCore {

    private BacklogCore() {
    }

    /** Listens with a backlog and never accepts. */
    public static ServerSocket listenWithoutAccepting(InetSocketAddress address, int backlog) throws IOException {
        ServerSocket server = new ServerSocket();
        try {
            // [listen-no-accept]
            // listen(backlog): the kernel completes handshakes into the accept queue (the LISTEN
            // row's rx_queue). Linux calls it full only when it holds MORE than backlog entries,
            // so backlog + 1 connections complete. A connection stays queued until accept(),
            // even after its client closed (CLOSE_WAIT) or reset it.
            server.bind(address, backlog);
            // [/listen-no-accept]
            return server;
        } catch (IOException e) {
            server.close();
            throw e;
        }
    }

    /** One more client against a full queue: returns only if a slot was free. */
    public static Socket connectToFullQueue(InetSocketAddress server, Duration timeout) throws IOException {
        int timeoutMillis = Math.toIntExact(timeout.toMillis());
        Socket socket = new Socket();
        try {
            // [connect-full-queue]
            // The queue is full: the kernel DROPS this SYN (no SYN+ACK, no RST). Our kernel
            // resends it on its schedule (tcp_syn_retries, tcp_syn_linear_timeouts) until the
            // timeout ends connect() with SocketTimeoutException.
            socket.connect(server, timeoutMillis);
            // [/connect-full-queue]
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }
}
