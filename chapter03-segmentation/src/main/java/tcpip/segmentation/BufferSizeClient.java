package tcpip.segmentation;

import tcpip.kernel.SsInfo;

import java.net.InetSocketAddress;
import java.net.Socket;
import tcpip.cli.Cli;

/**
 * Asks for SO_SNDBUF/SO_RCVBUF before connect() and prints what Java reports next to what the
 * kernel allocated ({@code ss -m}: skmem tb and rb are twice the request on Linux).
 */
public final class BufferSizeClient {

    private BufferSizeClient() {
    }

    public static void main(String[] args) {
        Cli cli = new Cli("BufferSizeClient", "Sets SO_SNDBUF/SO_RCVBUF before connect() and compares Java and ss -m.");
        Cli.Option<String> host = cli.host();
        Cli.Option<Integer> port = cli.port(7203);
        Cli.Option<Long> sndbuf = cli.sizeOption("--sndbuf", 32 * 1024, 1024, 64L << 20, "SO_SNDBUF to ask for");
        Cli.Option<Long> rcvbuf = cli.sizeOption("--rcvbuf", 16 * 1024, 1024, 64L << 20, "SO_RCVBUF to ask for");
        Cli.Option<Long> send = cli.sizeOption("--send", 1 << 20, 0, 1L << 30, "bytes to send after connecting");
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=BufferSizeClient -Dargs=\"--port 7203\"");
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=BufferSizeClient -Dargs=\"--port 7203 --sndbuf 8K\"");
        cli.parse(args);
        cli.run(() -> {
            try (Socket socket = new Socket()) {
                // Before connect(): the kernel fixes the window scale in the SYN, so a receive
                // buffer set later cannot raise the window past what the handshake allowed.
                socket.setSendBufferSize((int) (long) sndbuf.get());
                socket.setReceiveBufferSize((int) (long) rcvbuf.get());
                socket.connect(new InetSocketAddress(host.get(), port.get()));
                System.out.println("asked for   SO_SNDBUF=" + sndbuf.get() + " SO_RCVBUF=" + rcvbuf.get());
                System.out.println("Java says   getSendBufferSize()=" + socket.getSendBufferSize()
                        + " getReceiveBufferSize()=" + socket.getReceiveBufferSize());
                System.out.println("kernel      " + kernelView(socket));
                socket.getOutputStream().write(new byte[(int) (long) send.get()]);
                System.out.println("sent " + send.get() + " bytes; closing");
            }
        });
    }

    /** The kernel's own sizes for a connected socket, from ss -m, or one line saying why not. */
    static String kernelView(Socket socket) {
        if (!SsInfo.installed()) {
            return SsInfo.unavailableMessage();
        }
        return SsInfo.of(socket.getLocalPort(), socket.getPort())
                .map(i -> i.bufferLine() + "   [" + SsInfo.command(socket.getLocalPort(), socket.getPort()) + "]")
                .orElse("ss printed nothing for this connection");
    }
}
