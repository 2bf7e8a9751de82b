package tcpip.segmentation;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import tcpip.cli.Cli;

/**
 * Asks for a receive buffer size before bind(), then shows for every client what Java reports
 * and what the kernel really allocated ({@code ss -m}: Linux doubles the request).
 */
public final class BufferSizeServer {

    private BufferSizeServer() {
    }

    public static void main(String[] args) {
        Cli cli = new Cli("BufferSizeServer", "Sets SO_RCVBUF before bind() and shows what the kernel made of it.");
        Cli.Option<String> bind = cli.bind();
        Cli.Option<Integer> port = cli.port(7203);
        Cli.Option<Long> rcvbuf = cli.sizeOption("--rcvbuf", 64 * 1024, 1024, 64L << 20, "SO_RCVBUF to ask for");
        Cli.Option<Duration> timeout = cli.durationOption("--read-timeout", Duration.ofSeconds(30),
                "close a client that sends nothing for this long");
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=BufferSizeServer -Dargs=\"--port 7203\"");
        cli.parse(args);
        cli.run(() -> {
            try (ServerSocket listener = new ServerSocket()) {
                // SO_RCVBUF before bind()/listen(): accepted sockets inherit it, and the window
                // scale the SYN+ACK announces is chosen from it during the Three way handshake.
                listener.setReceiveBufferSize((int) (long) rcvbuf.get());
                listener.bind(new InetSocketAddress(InetAddress.getByName(bind.get()), port.get()));
                Runtime.getRuntime().addShutdownHook(new Thread(() -> ReadSizeServer.closeQuietly(listener)));
                System.out.println("BufferSizeServer listening on " + listener.getLocalSocketAddress()
                        + " with SO_RCVBUF requested = " + rcvbuf.get() + "; Ctrl-C stops");
                while (!listener.isClosed()) {
                    try (Socket client = listener.accept()) {
                        client.setSoTimeout((int) timeout.get().toMillis());
                        System.out.println("client " + client.getRemoteSocketAddress() + ":");
                        System.out.println("  Java getReceiveBufferSize() = " + client.getReceiveBufferSize()
                                + ", getSendBufferSize() = " + client.getSendBufferSize());
                        System.out.println("  kernel: " + BufferSizeClient.kernelView(client));
                        long total = ReadSizeServer.readAll(client.getInputStream(), 64 * 1024).stream()
                                .mapToLong(Integer::longValue).sum();
                        System.out.println("  read " + total + " bytes until the client's FIN");
                    } catch (SocketException e) {
                        if (listener.isClosed()) {
                            break;
                        }
                        System.out.println("client failed: " + Cli.describe(e));
                    } catch (IOException e) {
                        System.out.println("client failed: " + Cli.describe(e));
                    }
                }
            }
        });
    }
}
