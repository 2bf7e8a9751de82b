package tcpip.close.timewait;

import static tcpip.close.StageSupport.LOOPBACK;
import static tcpip.close.StageSupport.WAIT;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import tcpip.cli.Cli;
import tcpip.close.Msg;
import tcpip.close.StageSupport;
import tcpip.kernel.Background;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.SocketTable;
import tcpip.kernel.TcpState;
import tcpip.narration.ArticleSection;
import tcpip.narration.Narrator;
import tcpip.narration.Stage;

/** TIME_WAIT on a server that closed first, and its restart on the same port. */
public final class TimeWaitStages {

    private TimeWaitStages() {
    }

    /** The stage {@code time-wait-restart}. */
    public static Stage timeWaitRestart() {
        return new Stage("time-wait-restart", ArticleSection.TIME_WAIT, StageSupport.title("time-wait-restart"),
                TimeWaitStages::timeWaitRestart);
    }

    static void timeWaitRestart(Narrator n) throws Exception {
        n.code(ReuseAddressCore.class, "close-first");
        int[] ports = closeFirst(n, true);
        int port = ports[0];
        n.program(Msg.get("CloseDemo.restart.firstServer", port));
        if (n.available()) {
            SocketTable.connection(port, ports[1]).ifPresent(n::row);
        }
        n.code(ReuseAddressCore.class, "restart");
        try (ServerSocket again = ReuseAddressCore.listen(LOOPBACK, port, false)) {
            n.program(Msg.get("CloseDemo.restart.noReuseBound", port));
        } catch (IOException e) {
            n.program(Msg.get("CloseDemo.restart.noReuseFailed", port, Cli.describe(e)));
        }
        try (ServerSocket again = ReuseAddressCore.listen(LOOPBACK, port, true)) {
            n.program(Msg.get("CloseDemo.restart.reuseBound", port));
        }
        // The TIME_WAIT row remembers its listener's SO_REUSEADDR: measured with a first server that had it off.
        int strict = closeFirst(n, false)[0];
        try (ServerSocket again = ReuseAddressCore.listen(LOOPBACK, strict, true)) {
            n.result(Msg.get("CloseDemo.restart.rowsKeepReuse.bound", strict));
        } catch (IOException e) {
            n.result(Msg.get("CloseDemo.restart.rowsKeepReuse.failed", strict, Cli.describe(e)));
        }
        n.note(Msg.get("CloseDemo.restart.whyTimeWait"));
        n.simplifies(Msg.get("CloseDemo.simplifies.timeWaitLength"));
    }

    /** A server (SO_REUSEADDR {@code reuse}) serves one client and closes first: {its port, the client's port}. */
    private static int[] closeFirst(Narrator n, boolean reuse) throws Exception {
        int port;
        int clientPort;
        int wait = Math.toIntExact(WAIT.toMillis());
        try (ServerSocket first = ReuseAddressCore.listen(LOOPBACK, 0, reuse)) {
            port = first.getLocalPort();
            try (Socket client = new Socket()) {
                CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                    try {
                        ReuseAddressCore.serveAndCloseFirst(first.accept());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }, Background.OWN_THREAD);
                client.connect(first.getLocalSocketAddress(), wait);
                client.setSoTimeout(wait);
                client.getInputStream().readAllBytes(); // until the server's FIN
                served.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                clientPort = client.getLocalPort();
                client.close();
                if (n.available()) {
                    KernelAwait.await(port, clientPort, TcpState.TIME_WAIT, WAIT);
                }
            }
        }
        return new int[] {port, clientPort};
    }
}
