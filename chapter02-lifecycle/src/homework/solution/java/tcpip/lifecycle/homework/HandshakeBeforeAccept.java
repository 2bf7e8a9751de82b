package tcpip.lifecycle.homework;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.SocketRow;
import tcpip.kernel.SocketTable;
import tcpip.kernel.TcpState;

/**
 * Exercise (reference solution): prove that the kernel finishes the Three way handshake before the
 * server program calls accept(): the connection is ESTABLISHED and queued while nobody accepted it.
 */
public final class HandshakeBeforeAccept {

    /** What the kernel showed BEFORE accept(), and the socket accept() then returned. */
    public record Evidence(SocketRow serverSideRow, long acceptQueue, Socket accepted) {
    }

    private HandshakeBeforeAccept() {
    }

    /**
     * A client on local port {@code clientPort} has connected to {@code listener}. Without calling
     * accept() first: wait for the server side's row of that connection (local port = the
     * listener's, remote port = clientPort) and read the listener's accept-queue length; then
     * accept() and return all three. If that row does not appear within {@code timeout}, throw
     * TimeoutException (and accept nothing).
     */
    public static Evidence observe(ServerSocket listener, int clientPort, Duration timeout)
            throws IOException, TimeoutException {
        int port = listener.getLocalPort();
        // The handshake is the kernel's work: this row exists although no program called accept().
        SocketRow row = KernelAwait.await(port, clientPort, TcpState.ESTABLISHED, timeout);
        long queue = SocketTable.listener(port).map(SocketRow::rxQueue).orElse(-1L); // finished, not yet accepted
        listener.setSoTimeout((int) Math.max(1, timeout.toMillis()));
        Socket accepted = listener.accept(); // takes the oldest finished connection off the queue
        return new Evidence(row, queue, accepted);
    }
}
