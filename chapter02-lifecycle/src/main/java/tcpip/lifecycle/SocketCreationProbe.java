package tcpip.lifecycle;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.util.List;
import tcpip.cli.Cli;
import tcpip.narration.Narrator;
import tcpip.kernel.Descriptors;
import tcpip.kernel.Descriptors.Descriptor;
import tcpip.kernel.SocketRow;
import tcpip.kernel.SocketTable;

/**
 * Shows when socket() really runs: java.net.Socket asks the kernel lazily, SocketChannel.open()
 * at once; then connects and shows the kernel's row for that descriptor (article: 소켓 생성).
 */
public final class SocketCreationProbe {

    private static final int DEFAULT_PORT = 7102;

    private SocketCreationProbe() {
    }

    public static void main(String[] args) {
        Cli cli = new Cli("SocketCreationProbe",
                "Shows when the kernel creates a socket's descriptor, and the row it keeps once it connects.");
        Cli.Option<String> host = cli.host();
        Cli.Option<Integer> port = cli.port(DEFAULT_PORT);
        cli.example("./mvnw -q -pl chapter02-lifecycle -am compile exec:exec -Dmain=SocketCreationProbe -Dargs=\"--port 7102\"");
        cli.parse(args);
        cli.run(() -> probe(Narrator.stdout(), host.get(), port.get()));
    }

    /** Creates sockets both ways, then connects the channel to host:port if a server listens there. */
    public static void probe(Narrator n, String host, int port) throws IOException {
        if (!Descriptors.available()) {
            n.kernel(SocketTable.unavailableMessage());
        }
        List<Descriptor> before = Descriptors.tcpSockets();

        try (Socket socket = new Socket()) {
            n.program("Socket socket = new Socket()");
            n.kernel("new TCP descriptors: " + Descriptors.newTcpSockets(before).size()
                    + "  (java.net.Socket has not called socket() yet)");
            // The first option touched needs a real socket: the JDK calls socket() now.
            socket.setTcpNoDelay(true);
            n.program("socket.setTcpNoDelay(true)");
            n.kernel("new TCP descriptors: " + Descriptors.newTcpSockets(before)
                    + "  (socket() ran: the kernel allocated the socket and handed back a number tag)");
        }
        n.program("socket.close()");
        n.kernel("new TCP descriptors: " + Descriptors.newTcpSockets(before).size() + "  (close() gave the number back)");

        try (SocketChannel channel = SocketChannel.open()) {
            // SocketChannel.open(): socket() runs at once.
            List<Descriptor> created = Descriptors.newTcpSockets(before);
            n.program("SocketChannel channel = SocketChannel.open()");
            n.kernel("new TCP descriptors: " + created + "  (socket() ran immediately)");
            n.note("no row in /proc/net/tcp yet: the socket has no address and no peer, so the kernel's"
                    + " table of bound and connected sockets does not list it");
            try {
                // connect(): the kernel picks a local port, sends SYN, and returns once SYN+ACK arrived.
                channel.connect(new InetSocketAddress(host, port));
            } catch (ConnectException e) {
                n.result("connect to " + host + ":" + port + " refused: nobody listens there. Start the server"
                        + " (exec:exec@server) to see the row this descriptor gets.");
                return;
            }
            int localPort = ((InetSocketAddress) channel.getLocalAddress()).getPort();
            n.program("channel.connect(" + host + ":" + port + ")");
            if (n.available()) {
                SocketTable.connection(localPort, port).ifPresent(row -> showRow(n, row, created));
            }
        }
    }

    private static void showRow(Narrator n, SocketRow row, List<Descriptor> created) {
        n.row(row);
        n.descriptorOf(row);
        n.note("the row is the control information the kernel keeps: addresses, state, queues, timer;"
                + " its inode " + row.inode() + " is the one behind " + created);
    }
}
