package tcpip.lifecycle.backlog;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Three way handshake without accept(): the accept queue, its length, and what a full one does. */
public final class BacklogCore {

    /** The lesson's deliberately short accept queue: backlog 2 completes 3 connections, then SYNs are dropped. */
    public static final int SMALL_BACKLOG = 2;

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
            // even after its client closed (CLOSE_WAIT) or reset it. Once the queue is full the
            // kernel DROPS the next SYN (no SYN+ACK, no RST): the client's kernel resends it on
            // its schedule (tcp_syn_retries, tcp_syn_linear_timeouts) until connect() times out.
            server.bind(address, backlog);
            // [/listen-no-accept]
            return server;
        } catch (IOException e) {
            server.close();
            throw e;
        }
    }
}
