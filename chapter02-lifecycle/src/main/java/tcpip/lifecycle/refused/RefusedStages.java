package tcpip.lifecycle.refused;

import static tcpip.lifecycle.StageSupport.ANY_LOOPBACK_PORT;
import static tcpip.lifecycle.StageSupport.KERNEL_WAIT;
import static tcpip.lifecycle.StageSupport.LOOPBACK;
import static tcpip.lifecycle.StageSupport.SHORT_CONNECT_TIMEOUT;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import tcpip.cli.Cli;
import tcpip.kernel.Background;
import tcpip.kernel.Endpoint;
import tcpip.kernel.SocketTable;
import tcpip.lifecycle.Msg;
import tcpip.lifecycle.creation.CreationCore;
import tcpip.lifecycle.handshake.HandshakeClient;
import tcpip.lifecycle.handshake.HandshakeCore;
import tcpip.narration.ArticleSection;
import tcpip.narration.Narrator;
import tcpip.narration.Stage;
import tcpip.net.AcceptLoop;

/** 소켓 연결 설정 when nobody listens: RST at once ("refused"), and a client that retries until a server is up. */
public final class RefusedStages {

    private static final Duration RETRY_DEADLINE = Duration.ofSeconds(5);
    private static final Duration RETRY_ATTEMPT_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration RETRY_FIRST_PAUSE = Duration.ofMillis(100);
    private static final Duration RETRY_MAX_PAUSE = Duration.ofSeconds(1);

    private RefusedStages() {
    }

    /** The stage {@code refused}. */
    public static Stage refused() {
        return new Stage("refused", ArticleSection.SOCKET_CONNECT, Msg.get("LifecycleDemo.refused.title"), RefusedStages::refused);
    }

    /** The stage {@code retry}. */
    public static Stage retry() {
        return new Stage("retry", ArticleSection.SOCKET_CONNECT, Msg.get("LifecycleDemo.retry.title"), RefusedStages::retry);
    }

    static void refused(Narrator n) throws Exception {
        n.code(CreationCore.class, "bind-only");
        try (Socket bound = CreationCore.newSocket()) {
            CreationCore.bindOnly(bound, ANY_LOOPBACK_PORT);
            int port = bound.getLocalPort();
            if (n.available()) {
                n.kernel(Msg.get("LifecycleDemo.refused.bound", port,
                        SocketTable.boundTo((InetSocketAddress) bound.getLocalSocketAddress()).size()));
            }
            n.code(HandshakeCore.class, "connect");
            long start = System.nanoTime();
            try (Socket client = HandshakeCore.connect(new InetSocketAddress(LOOPBACK, port), SHORT_CONNECT_TIMEOUT)) {
                n.result(Msg.get("LifecycleDemo.refused.connected", port));
            } catch (ConnectException e) {
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                n.result(Msg.get("LifecycleDemo.refused.result", Cli.describe(e), Narrator.human(took),
                        outcome(HandshakeClient.classify(e))));
                n.kernel(Msg.get("LifecycleDemo.refused.rst"));
                n.note(Msg.get("LifecycleDemo.refused.note"));
            }
        }
    }

    /** How a failed connect() was sorted, in words: refused (RST), timed out, failed. */
    private static String outcome(HandshakeClient.Outcome outcome) {
        return switch (outcome) {
            case REFUSED -> Msg.get("HandshakeClient.outcome.refused");
            case TIMED_OUT -> Msg.get("HandshakeClient.outcome.timedOut");
            case FAILED -> Msg.get("HandshakeClient.outcome.failed");
            case CONNECTED -> Msg.get("HandshakeClient.outcome.connected");
        };
    }

    static void retry(Narrator n) throws Exception {
        try (ReservedPort reserved = ReservedPort.onLoopback()) {
            InetSocketAddress address = new InetSocketAddress(LOOPBACK, reserved.port());
            CountDownLatch firstFailure = new CountDownLatch(1);
            n.code(RetryCore.class, "retry");
            n.program(Msg.get("LifecycleDemo.retry.program", Endpoint.text(address)));
            CompletableFuture<Socket> connected = CompletableFuture.supplyAsync(() -> {
                try {
                    return RetryCore.connect(address, RETRY_DEADLINE, RETRY_ATTEMPT_TIMEOUT, RETRY_FIRST_PAUSE,
                            RETRY_MAX_PAUSE, (attempt, why, pause) -> {
                                n.result(Msg.get("LifecycleDemo.retry.attempt", attempt, Cli.describe(why),
                                        Narrator.human(pause)));
                                firstFailure.countDown();
                            });
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, Background.OWN_THREAD);
            if (!firstFailure.await(KERNEL_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(Msg.get("LifecycleDemo.retry.noFailure"));
            }
            try (ServerSocket server = reserved.listen(AcceptLoop.DEFAULT_BACKLOG);
                    Socket socket = connected.get(KERNEL_WAIT.toSeconds() * 2, TimeUnit.SECONDS);
                    Socket accepted = HandshakeCore.accept(server)) {
                n.program(Msg.get("LifecycleDemo.retry.serverUp"));
                n.result(Msg.get("LifecycleDemo.retry.connected", socket.getLocalPort()));
            }
        }
    }
}
