package tcpip.echo.homework;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import tcpip.testing.TodoHint;

/** Grades ConcurrentEchoServer: every client is served at once, and serve() stops when the listener closes. */
@ExtendWith(TodoHint.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConcurrentEchoServerGradedTest {

    /** How long a client waits for its echo before the test decides it is not being served. */
    static final int ECHO_WAIT_MILLIS = 3000;
    static final int CLIENTS = 20;

    private ServerSocket listener;
    private Thread serving;
    private final AtomicReference<Throwable> serveFailure = new AtomicReference<>();

    @BeforeEach
    void startServing() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        serving = Thread.ofPlatform().name("ConcurrentEchoServer.serve").start(() -> {
            try {
                ConcurrentEchoServer.serve(listener);
            } catch (Throwable t) {
                serveFailure.set(t);
                try {
                    listener.close(); // waiting clients get a reset at once instead of a long wait
                } catch (IOException e) {
                    // closing anyway
                }
            }
        });
    }

    @AfterEach
    void stopServing() throws Exception {
        listener.close();
        serving.join(5000);
    }

    @Test
    void aSecondClientIsServedWhileTheFirstStaysConnected() throws Exception {
        try (Socket first = connect(); Socket second = connect()) {
            assertEcho(first, "first client");
            String why = "the second client got no echo within " + ECHO_WAIT_MILLIS + " ms while the first one"
                    + " stayed connected. The kernel finished its handshake and queued its bytes, but serve() is"
                    + " still busy echoing the first client and never called accept() again. Start a thread per"
                    + " client (Thread.ofVirtual().start(() -> echo(client))) and go straight back to accept().";
            assertEcho(second, "second client", why);
            assertEcho(first, "first client again");
        }
    }

    @Test
    void twentyClientsAreServedWhileAllAreConnected() throws Exception {
        List<Socket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(connect());
            }
            for (int i = 0; i < CLIENTS; i++) {
                assertEcho(clients.get(i), "client " + i, "client " + i + " of " + CLIENTS + " (all connected at once)"
                        + " got no echo: each accepted client needs its own thread, or it waits for the ones before it");
            }
        } finally {
            for (Socket s : clients) {
                s.close();
            }
        }
    }

    @Test
    void aClientThatResetsDoesNotStopTheServer() throws Exception {
        try (Socket rude = connect()) {
            assertEcho(rude, "about to reset");
            rude.setSoLinger(true, 0); // close() sends RST, not FIN
        }
        try (Socket next = connect()) {
            assertEcho(next, "after a reset", "after one client reset its connection, the next client got no echo:"
                    + " an exception from one client must end only that client's thread, not the accept loop");
        }
    }

    @Test
    void serveReturnsWhenTheListenerIsClosed() throws Exception {
        try (Socket client = connect()) {
            assertEcho(client, "before closing");
        }
        listener.close();
        serving.join(5000);
        rethrowServeFailure();
        assertThat(serving.isAlive()).as("serve() is still running 5 s after the listener was closed: when accept()"
                + " throws and listener.isClosed() is true, return from serve()").isFalse();
    }

    private Socket connect() throws Exception {
        Socket s;
        try {
            s = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        } catch (IOException e) {
            rethrowServeFailure(); // serve() failed and the listener is closed: report why
            throw e;
        }
        s.setSoTimeout(ECHO_WAIT_MILLIS);
        return s;
    }

    private void assertEcho(Socket s, String text) throws Exception {
        assertEcho(s, text, "no echo of \"" + text + "\" within " + ECHO_WAIT_MILLIS + " ms");
    }

    private void assertEcho(Socket s, String text, String whyIfMissing) throws Exception {
        byte[] message = (text + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] echo = new byte[message.length];
        try {
            s.getOutputStream().write(message);
            int got = 0;
            while (got < echo.length) {
                int n = s.getInputStream().read(echo, got, echo.length - got);
                if (n == -1) {
                    break;
                }
                got += n;
            }
        } catch (SocketTimeoutException e) {
            rethrowServeFailure();
            fail(whyIfMissing);
        } catch (IOException e) {
            rethrowServeFailure();
            throw e;
        }
        rethrowServeFailure();
        assertThat(new String(echo, StandardCharsets.UTF_8)).as("echo of \"%s\"", text).isEqualTo(text + "\n");
    }

    private void rethrowServeFailure() throws Exception {
        Throwable t = serveFailure.get();
        if (t instanceof Exception e) {
            throw e;
        }
        if (t != null) {
            throw new AssertionError("serve() failed: " + t, t);
        }
    }
}
