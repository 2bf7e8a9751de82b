package tcpip.lifecycle.homework;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import tcpip.kernel.SocketRow;
import tcpip.kernel.SocketTable;

/**
 * Homework: a server that knows how many finished connections wait in its accept queue and,
 * when it cannot serve more, tells a client "BUSY" instead of leaving it to time out.
 */
public final class PoliteBusyServer implements AutoCloseable {

    /** First line to a client that is served. */
    public static final String WELCOME = "WELCOME";
    /** First word to a client that is turned away; the accept-queue length follows. */
    public static final String BUSY = "BUSY";

    private final ServerSocket server;
    private final int capacity;
    private final List<Socket> served = new ArrayList<>();

    /** Listens on 127.0.0.1, a port the kernel picks; serves at most {@code capacity} clients at once. */
    public PoliteBusyServer(int backlog, int capacity) throws IOException {
        this.server = new ServerSocket(0, backlog, InetAddress.getLoopbackAddress());
        this.capacity = capacity;
    }

    /** The port the kernel picked. */
    public int port() {
        return server.getLocalPort();
    }

    /**
     * How many finished connections wait for accept(): the rx_queue of this port's LISTEN row in
     * /proc/net/tcp*; -1 where the kernel view is unavailable.
     */
    public long acceptQueueLength() {
        if (!SocketTable.available()) {
            return -1;
        }
        return SocketTable.listener(port()).map(SocketRow::rxQueue).orElse(-1L);
    }

    /**
     * Accepts one connection. While fewer than {@code capacity} clients are served, writes
     * "WELCOME\n", keeps the connection and returns true; otherwise writes "BUSY n\n" (n = the
     * accept-queue length right after this accept) and closes it, returning false. A client that left
     * while it waited in the queue (the write fails) is closed too, and the IOException thrown: no accepted
     * socket is ever left open outside {@code served}.
     */
    public boolean acceptOne() throws IOException {
        Socket client = server.accept(); // takes a connection the kernel already finished
        try {
            if (served.size() < capacity) {
                client.getOutputStream().write((WELCOME + "\n").getBytes(StandardCharsets.UTF_8));
                served.add(client);
                return true;
            }
            client.getOutputStream().write((BUSY + " " + acceptQueueLength() + "\n").getBytes(StandardCharsets.UTF_8));
            client.close(); // FIN after the BUSY line
            return false;
        } catch (IOException e) {
            client.close(); // the client left before we answered (its RST arrived while it was queued)
            throw e;
        }
    }

    /** Closes every served connection and the listening socket. */
    @Override
    public void close() throws IOException {
        for (Socket s : served) {
            s.close();
        }
        served.clear();
        server.close();
    }
}
