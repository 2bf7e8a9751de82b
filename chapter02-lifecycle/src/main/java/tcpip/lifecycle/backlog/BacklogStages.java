package tcpip.lifecycle.backlog;

import static tcpip.lifecycle.StageSupport.ANY_LOOPBACK_PORT;
import static tcpip.lifecycle.StageSupport.KERNEL_WAIT;
import static tcpip.lifecycle.StageSupport.LOOPBACK;
import static tcpip.lifecycle.StageSupport.SHORT_CONNECT_TIMEOUT;
import static tcpip.lifecycle.StageSupport.acceptQueue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tcpip.cli.Cli;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.SynRetrySchedule;
import tcpip.kernel.TcpState;
import tcpip.lifecycle.Msg;
import tcpip.lifecycle.StageSupport;
import tcpip.lifecycle.handshake.HandshakeCore;
import tcpip.narration.ArticleSection;
import tcpip.narration.Narrator;
import tcpip.narration.Stage;
import tcpip.net.Closeables;

/** Three way handshake with nobody calling accept(): backlog N completes N+1, then the next SYN is dropped. */
public final class BacklogStages {

    private BacklogStages() {
    }

    /** The stage {@code backlog-full-timeout}. */
    public static Stage backlogFull() {
        return new Stage("backlog-full-timeout", ArticleSection.THREE_WAY_HANDSHAKE, Msg.get("LifecycleDemo.backlog.title"),
                BacklogStages::backlogFull);
    }

    static void backlogFull(Narrator n) throws Exception {
        List<Socket> clients = new ArrayList<>();
        n.code(BacklogCore.class, "listen-no-accept");
        try (ServerSocket server = BacklogCore.listenWithoutAccepting(ANY_LOOPBACK_PORT, BacklogCore.SMALL_BACKLOG)) {
            int port = server.getLocalPort();
            InetSocketAddress address = new InetSocketAddress(LOOPBACK, port);
            for (int i = 1; i <= BacklogCore.SMALL_BACKLOG + 1; i++) {
                long start = System.nanoTime();
                Socket client = HandshakeCore.connect(address, KERNEL_WAIT);
                clients.add(client);
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                if (n.available()) {
                    KernelAwait.await(port, client.getLocalPort(), TcpState.ESTABLISHED, KERNEL_WAIT);
                }
                n.result(n.available() ? Msg.get("LifecycleDemo.backlog.connectedQueue", i, Narrator.human(took),
                        acceptQueue(port)) : Msg.get("LifecycleDemo.backlog.connected", i, Narrator.human(took)));
            }
            n.code(HandshakeCore.class, "connect");
            long start = System.nanoTime();
            try (Socket extra = HandshakeCore.connect(address, SHORT_CONNECT_TIMEOUT)) {
                n.result(Msg.get("LifecycleDemo.backlog.notFull", BacklogCore.SMALL_BACKLOG + 2));
            } catch (SocketTimeoutException e) {
                n.result(Msg.get("LifecycleDemo.backlog.timedOut", BacklogCore.SMALL_BACKLOG + 2, Cli.describe(e),
                        Narrator.human(Duration.ofNanos(System.nanoTime() - start))));
                SynRetrySchedule schedule = SynRetrySchedule.ofThisKernel();
                n.kernel(Msg.get("LifecycleDemo.backlog.dropped", Narrator.human(SHORT_CONNECT_TIMEOUT),
                        schedule.synsWithin(SHORT_CONNECT_TIMEOUT)));
                n.note(Msg.get("LifecycleDemo.backlog.schedule", schedule.describe()));
            }
            n.simplifies(Msg.get("LifecycleDemo.backlog.simplifies", BacklogCore.SMALL_BACKLOG, clients.size()));
        } finally {
            clients.forEach(Closeables::closeQuietly);
        }
    }
}
