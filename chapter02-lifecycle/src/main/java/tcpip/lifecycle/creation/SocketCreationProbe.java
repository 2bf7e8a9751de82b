package tcpip.lifecycle.creation;


import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.util.List;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.kernel.Descriptors;
import tcpip.kernel.Descriptors.Descriptor;
import tcpip.kernel.Endpoint;
import tcpip.kernel.SocketRow;
import tcpip.kernel.SocketTable;
import tcpip.lifecycle.KernelRows;
import tcpip.lifecycle.Msg;
import tcpip.narration.Narrator;

/**
 * Shows when socket() really runs (java.net lazily, SocketChannel at once), that a bound socket
 * has no row yet, and the row a connected one gets (article: 소켓 생성). Core: {@link CreationCore}.
 */
public final class SocketCreationProbe {

    private static final int DEFAULT_PORT = 7102;

    private SocketCreationProbe() {
    }

    public static void main(String[] args) {
        Lang.chooseFrom(args);
        Cli cli = new Cli("SocketCreationProbe", Msg.get("SocketCreationProbe.summary"));
        Cli.Option<String> host = cli.host();
        Cli.Option<Integer> port = cli.port(DEFAULT_PORT);
        cli.example("./mvnw -q -pl chapter02-lifecycle -am compile exec:exec -Dmain=SocketCreationProbe -Dargs=\"--port 7102\"");
        cli.parse(args);
        cli.run(() -> probe(Narrator.stdout(), host.get(), port.get()));
    }

    /** Creates sockets both ways, binds one, then connects a channel to host:port. */
    public static void probe(Narrator n, String host, int port) throws IOException {
        if (!Descriptors.available() || !n.available()) {
            n.kernel(SocketTable.unavailableMessage());
        }
        List<Descriptor> before = Descriptors.tcpSockets();
        n.code(CreationCore.class, "new-socket");
        try (Socket socket = CreationCore.newSocket()) {
            n.kernel(Msg.get("SocketCreationProbe.lazy", Descriptors.newTcpSockets(before).size()));
            n.code(CreationCore.class, "first-option");
            CreationCore.firstOption(socket);
            n.kernel(Msg.get("SocketCreationProbe.created", Descriptors.newTcpSockets(before)));
        }
        n.code(CreationCore.class, "bind-only");
        try (Socket bound = CreationCore.newSocket()) {
            CreationCore.bindOnly(bound, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            List<SocketRow> rows = n.available()
                    ? SocketTable.boundTo((InetSocketAddress) bound.getLocalSocketAddress()) : List.of();
            n.kernel(Msg.get("SocketCreationProbe.bound", bound.getLocalPort(), Descriptors.newTcpSockets(before),
                    rows.size()));
        }
        InetSocketAddress server = new InetSocketAddress(host, port);
        n.code(CreationCore.class, "channel-open");
        try (SocketChannel channel = CreationCore.openChannel()) {
            List<Descriptor> created = Descriptors.newTcpSockets(before);
            n.kernel(Msg.get("SocketCreationProbe.channel", created));
            n.code(CreationCore.class, "connect-row");
            try {
                CreationCore.connect(channel, server);
            } catch (ConnectException e) {
                throw new ConnectException(Msg.get("SocketCreationProbe.refused", Endpoint.text(server), port));
            }
            int localPort = ((InetSocketAddress) channel.getLocalAddress()).getPort();
            if (n.available()) {
                SocketTable.connection(localPort, port).ifPresent(row -> {
                    n.row(row);
                    n.descriptorOf(row);
                    n.note(KernelRows.whereFrom(row));
                    n.note(Msg.get("SocketCreationProbe.row", row.inode(), created));
                });
            }
        }
    }
}
