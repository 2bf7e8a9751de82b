package tcpip.segmentation.loss;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * 데이터 송수신 when segments get lost: the socket calls of the loss lab's client and server (LabPeer
 * runs them in the lab's namespace). Nothing here sees a loss: the kernel resends below these calls.
 */
public final class LossCore {

    /** The writing thread's name: the kernel's trace shows which thread handled each ACK. */
    public static final String WRITER = "lab-writer";

    private LossCore() {
    }

    // [listen]
    /** A listener on the namespace's own 127.0.0.1, on a port the kernel picks. */
    public static ServerSocket listen() throws IOException {
        ServerSocket listener = new ServerSocket();
        listener.bind(new InetSocketAddress("127.0.0.1", 0)); // bind() + listen(): SYNs to this port are answered
        return listener;
    }
    // [/listen]

    // [connect]
    /** connect(): the kernel sends SYN, resends it on its schedule if no SYN+ACK comes, and returns at SYN+ACK. */
    public static Socket connect(ServerSocket listener, int timeoutMillis) throws IOException {
        Socket client = new Socket();
        client.connect(listener.getLocalSocketAddress(), timeoutMillis); // ETIMEDOUT once the kernel gives up
        return client;
    }
    // [/connect]

    // [send]
    /** One write() on the client while the server reads it all; returns what the server's read()s got. */
    public static byte[] send(Socket client, Socket server, byte[] data) throws IOException, InterruptedException {
        // write(): the kernel copies into the send buffer, cuts MSS-sized segments and keeps each until ACKed
        FutureTask<Void> write = new FutureTask<>(() -> {
            client.getOutputStream().write(data);
            return null;
        });
        Thread.ofPlatform().name(WRITER).start(write);
        byte[] got = server.getInputStream().readNBytes(data.length); // in SEQ order: a hole waits for its resend
        try {
            write.get();
        } catch (ExecutionException e) {
            throw new IOException(e.getCause());
        }
        return got;
    }
    // [/send]

    // [close]
    /** The client closes first (active closer); the server reads to end-of-stream, then closes. */
    public static void close(Socket client, Socket server) throws IOException {
        client.close();                        // FIN from the client: it will end in TIME_WAIT
        InputStream in = server.getInputStream();
        while (in.read() >= 0) {               // -1: the client's FIN arrived
            continue;
        }
        server.close();                        // the server's FIN: LAST_ACK until the client ACKs it
    }
    // [/close]
}
