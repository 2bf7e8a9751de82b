package tcpip.lifecycle;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import tcpip.cli.Cli;
import tcpip.narration.Narrator;
import tcpip.kernel.SocketTable;

/**
 * Listens, shows its LISTEN row and accept queue, and for each accepted connection shows that the
 * kernel had finished the handshake before accept() returned (article: Three way handshake).
 */
public final class HandshakeServer {

    private static final int DEFAULT_PORT = 7102;
    private static final int DEFAULT_BACKLOG = 50;
    private static final int BUFSIZE = 1024;

    private HandshakeServer() {
    }

    public static void main(String[] args) {
        Cli cli = new Cli("HandshakeServer",
                "Accepts connections and shows the kernel's rows before and after accept().");
        Cli.Option<String> bind = cli.bind();
        Cli.Option<Integer> port = cli.port(DEFAULT_PORT);
        Cli.Option<Integer> backlog = cli.intOption("--backlog", DEFAULT_BACKLOG, 0, 65_535,
                "accept-queue length asked for in listen()");
        Cli.Option<Duration> readTimeout = cli.durationOption("--read-timeout", Duration.ofSeconds(30),
                "close a client that sends nothing for this long");
        cli.example("./mvnw -q -pl chapter02-lifecycle -am compile exec:exec -Dmain=HandshakeServer -Dargs=\"--port 7102\"");
        cli.parse(args);
        cli.run(() -> serve(Narrator.stdout(), bind.get(), port.get(), backlog.get(), readTimeout.get()));
    }

    /** Binds and serves until Ctrl-C closes the listening socket. */
    static void serve(Narrator n, String bind, int port, int backlog, Duration readTimeout) throws IOException {
        try (ServerSocket server = new ServerSocket()) {
            // bind() + listen(): the kernel now answers SYNs to this port by itself.
            server.bind(new InetSocketAddress(bind, port), backlog);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(server)));
            n.program("server.bind(" + bind + ":" + server.getLocalPort() + ", backlog " + backlog + ")  (Ctrl-C stops)");
            serve(n, server, readTimeout);
        }
    }

    /** Accepts on a listening socket until it is closed; each client is read on its own thread. */
    public static void serve(Narrator n, ServerSocket server, Duration readTimeout) throws IOException {
        int listening = server.getLocalPort();
        AtomicInteger clients = new AtomicInteger();
        while (!server.isClosed()) {
            if (n.available()) {
                SocketTable.listener(listening).ifPresent(row -> n.kernel("LISTEN row, accept queue = "
                        + row.rxQueue() + " finished connection(s) waiting: " + row.describe()));
            }
            Socket client;
            try {
                // accept(): takes a connection whose handshake the kernel already completed.
                client = server.accept();
            } catch (SocketException e) {
                if (server.isClosed()) {
                    break; // Ctrl-C (or the caller) closed the listening socket
                }
                throw e;
            }
            int number = clients.incrementAndGet();
            n.program("accept() returned client #" + number + " from " + client.getRemoteSocketAddress());
            if (n.available()) {
                SocketTable.connection(listening, client.getPort()).ifPresent(row -> {
                    n.row(row);
                    n.note("ESTABLISHED before accept() returned: the kernel did SYN, SYN+ACK, ACK on its own;"
                            + " accept() only gave the connection a descriptor (inode " + row.inode() + ")");
                });
            }
            Thread.ofVirtual().name("client-" + number).start(() -> talk(n, client, number, readTimeout));
        }
        n.program("server closed");
    }

    /** Reads from one client until it closes or stays silent too long. */
    private static void talk(Narrator n, Socket client, int number, Duration readTimeout) {
        try (client) {
            client.setSoTimeout((int) Math.min(Integer.MAX_VALUE, readTimeout.toMillis()));
            InputStream in = client.getInputStream();
            byte[] buf = new byte[BUFSIZE];
            long total = 0;
            int got;
            try {
                // read() == -1: the client's FIN arrived.
                while ((got = in.read(buf)) != -1) {
                    total += got;
                }
                n.program("client #" + number + " closed after sending " + total + " bytes");
            } catch (SocketTimeoutException e) {
                n.program("client #" + number + " sent nothing for " + Narrator.human(readTimeout) + ": closing it");
            }
        } catch (IOException e) {
            n.program("client #" + number + ": " + Cli.describe(e));
        }
    }

    private static void closeQuietly(ServerSocket server) {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing on exit: nothing left to do
        }
    }
}
