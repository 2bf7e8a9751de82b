package tcpip.lifecycle.homework;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import tcpip.kernel.SocketRow;

/**
 * Exercise: prove that the kernel finishes the Three way handshake before the server program calls
 * accept(): the connection is ESTABLISHED and queued while nobody accepted it.
 *
 * <p>Use tcpip.kernel: SocketTable (rows of /proc/net/tcp*; a LISTEN row's rx_queue is its
 * accept-queue length) and KernelAwait (wait until a row appears, without sleeping).
 *
 * <p>Grade it: {@code ./homework grade chapter02-lifecycle HandshakeBeforeAccept}
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
        // TODO 1: await the row (listener port -> clientPort) in ESTABLISHED; which side's row is "the server side"?
        // TODO 2: read the accept queue: the rx_queue of the listener's LISTEN row.
        // TODO 3: only now accept() (with a timeout) and return the evidence.
        throw new UnsupportedOperationException("TODO: read the server-side row and the accept queue BEFORE accept()");
    }
}
