package tcpip.segmentation;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import tcpip.cli.Cli;
import tcpip.kernel.SocketTable;

/**
 * Accepts a client and does not read for a while, so the client's writes fill the kernel's
 * buffers and block (flow control: the window closes); then drains everything.
 */
public final class SlowReaderServer {

    /** Bytes per read() once draining starts. */
    public static final int BUFSIZE = 64 * 1024;

    private SlowReaderServer() {
    }

    public static void main(String[] args) {
        Cli cli = new Cli("SlowReaderServer", "Accepts, reads nothing for --hold, then drains: watch the writer block.");
        Cli.Option<String> bind = cli.bind();
        Cli.Option<Integer> port = cli.port(7203);
        Cli.Option<Duration> hold = cli.durationOption("--hold", Duration.ofSeconds(5), "how long not to read");
        Cli.Option<Long> rcvbuf = cli.sizeOption("--rcvbuf", 0, 0, 64L << 20, "SO_RCVBUF to ask for (0 = default)");
        Cli.Option<Duration> timeout = cli.durationOption("--read-timeout", Duration.ofSeconds(30),
                "close a client that sends nothing for this long");
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=SlowReaderServer -Dargs=\"--port 7203\"");
        cli.parse(args);
        cli.run(() -> {
            try (ServerSocket listener = new ServerSocket()) {
                if (rcvbuf.get() > 0) {
                    listener.setReceiveBufferSize((int) (long) rcvbuf.get()); // before bind: inherited
                }
                listener.bind(new InetSocketAddress(InetAddress.getByName(bind.get()), port.get()));
                Runtime.getRuntime().addShutdownHook(new Thread(() -> ReadSizeServer.closeQuietly(listener)));
                System.out.println("SlowReaderServer listening on " + listener.getLocalSocketAddress()
                        + "; each client waits " + hold.get().toMillis() + " ms before we read; Ctrl-C stops");
                while (!listener.isClosed()) {
                    try (Socket client = listener.accept()) {
                        client.setSoTimeout((int) timeout.get().toMillis());
                        serve(client, hold.get());
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

    private static void serve(Socket client, Duration hold) throws IOException {
        System.out.println("client " + client.getRemoteSocketAddress() + ": not reading for "
                + hold.toMillis() + " ms");
        // Not reading IS the subject here: the pause is what lets the receive queue fill up.
        long end = System.nanoTime() + hold.toNanos();
        while (System.nanoTime() < end) {
            printQueue(client);
            java.util.concurrent.locks.LockSupport.parkNanos(Math.min(1_000_000_000L, end - System.nanoTime()));
        }
        printQueue(client);
        InputStream in = client.getInputStream();
        byte[] buf = new byte[BUFSIZE];
        long total = 0;
        int n;
        while ((n = in.read(buf)) != -1) { // each read frees space; the kernel re-opens the window
            total += n;
        }
        System.out.println("  drained: read " + total + " bytes in total until the client's FIN");
    }

    private static void printQueue(Socket client) {
        if (!SocketTable.available()) {
            System.out.println("  " + SocketTable.unavailableMessage());
            return;
        }
        SocketTable.connection(client.getLocalPort(), client.getPort()).ifPresent(r ->
                System.out.println("  kernel: rx_queue=" + r.rxQueue() + " bytes received but not read"));
    }
}
