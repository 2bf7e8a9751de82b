package tcpip.echo.homework;

import java.io.IOException;
import java.nio.channels.SocketChannel;

/**
 * Exercise: an echo client for messages larger than every buffer on the way, in ONE thread.
 *
 * <p>The obvious client writes the whole message, then reads the echo. With 4 MiB and small
 * buffers it never finishes: write() only copies what fits into the send buffer (데이터 송수신);
 * the server echoes while it reads, its echo fills OUR receive buffer because we are not reading
 * yet, it stops reading, our send buffer fills, and we wait to write forever. Here the channel is
 * non-blocking: register it with a Selector for OP_READ and OP_WRITE, and in one loop write what
 * fits and read what has arrived until the whole echo is in. (chapter01's EchoClient solves the
 * same problem with a second thread; this exercise is the one-thread way.)
 *
 * <p>Grade it: {@code ./homework grade chapter01-echo BigEchoClient}
 */
public final class BigEchoClient {

    private BigEchoClient() {
    }

    /**
     * Sends {@code message} on the non-blocking {@code channel} and returns the echo, exactly
     * {@code message.length} bytes, using only this thread. EOFException if the server's FIN comes
     * first; SocketTimeoutException if nothing moves for 3 s (a limit on silence: a slow server that keeps
     * answering is waited for). Whether it returns or throws, the caller's channel stays open and no Selector
     * is left open (a Selector holds a descriptor, and keeps the channel registered).
     */
    public static byte[] echo(SocketChannel channel, byte[] message) throws IOException {
        // TODO 1: Selector.open(); channel.register(selector, OP_READ | OP_WRITE).
        // TODO 2: loop until the echo is complete: select(3 s); write() from the message while any is left
        //         (drop OP_WRITE when done); read() into the echo; read() == -1 means EOFException.
        throw new UnsupportedOperationException("TODO: one Selector loop that writes what fits and reads what arrived");
    }
}
