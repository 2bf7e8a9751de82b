package tcpip.close.halfclose;

import static tcpip.close.StageSupport.LOOPBACK;
import static tcpip.close.StageSupport.WAIT;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import tcpip.cli.Cli;
import tcpip.close.Msg;
import tcpip.close.StageSupport;
import tcpip.kernel.Background;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.TcpState;
import tcpip.narration.ArticleSection;
import tcpip.narration.Narrator;
import tcpip.narration.Stage;

/** 소켓 연결 종료, one direction at a time: a file whose end is the server's FIN, and a graceful shutdown. */
public final class HalfCloseStages {

    private static final int BIG_FILE = 8 << 20;
    private static final int SLOW_RCVBUF = 64 * 1024;
    private static final Duration LATE_CONNECT_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration SHUTDOWN_DEADLINE = Duration.ofSeconds(5);
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(10);

    private HalfCloseStages() {
    }

    /** The stage {@code half-close-file}. */
    public static Stage halfCloseFile() {
        return new Stage("half-close-file", ArticleSection.SOCKET_CLOSE, StageSupport.title("half-close-file"),
                HalfCloseStages::halfCloseFile);
    }

    /** The stage {@code graceful-shutdown}. */
    public static Stage gracefulShutdown() {
        return new Stage("graceful-shutdown", ArticleSection.SOCKET_CLOSE, StageSupport.title("graceful-shutdown"),
                HalfCloseStages::gracefulShutdown);
    }

    static void halfCloseFile(Narrator n) throws Exception {
        Path root = Files.createTempDirectory("close-demo-root");
        Path downloads = Files.createTempDirectory("close-demo-out");
        try {
            Files.writeString(root.resolve("notes.txt"), "The FIN is the end of this file.\n".repeat(1000));
            ByteArrayOutputStream serverLog = new ByteArrayOutputStream();
            try (HalfCloseFileServer server = new HalfCloseFileServer(root, new InetSocketAddress(LOOPBACK, 0),
                    WAIT, new PrintStream(serverLog, true, StandardCharsets.UTF_8))) {
                int port = server.start();
                n.code(HalfCloseCore.class, "receive");
                n.code(HalfCloseCore.class, "send");
                n.code(HalfCloseCore.class, "half-close");
                n.code(HalfCloseCore.class, "thank-you");
                ByteArrayOutputStream clientLog = new ByteArrayOutputStream();
                HalfCloseFileClient.download(LOOPBACK.getHostAddress(), port, "notes.txt", downloads.resolve("notes.txt"),
                        WAIT, new PrintStream(clientLog, true, StandardCharsets.UTF_8), bytes -> { }, false);
                String client = Narrator.label("client");
                clientLog.toString(StandardCharsets.UTF_8).lines().forEach(l -> n.line(client, l));
                server.shutdown(WAIT); // waits for the server's thread to print the Thank you
                String serverLabel = Narrator.label("server");
                serverLog.toString(StandardCharsets.UTF_8).lines().forEach(l -> n.line(serverLabel, l));
                n.note(Msg.get("CloseDemo.halfClose.oneDirection"));
                n.note(Msg.get("CloseDemo.halfClose.framing"));
            }
        } finally {
            deleteTree(root);
            deleteTree(downloads);
        }
    }

    static void gracefulShutdown(Narrator n) throws Exception {
        Path root = Files.createTempDirectory("close-demo-root");
        Path downloads = Files.createTempDirectory("close-demo-out");
        try {
            Files.write(root.resolve("big.bin"), new byte[BIG_FILE]);
            ByteArrayOutputStream serverLog = new ByteArrayOutputStream();
            HalfCloseFileServer server = new HalfCloseFileServer(root, new InetSocketAddress(LOOPBACK, 0),
                    WAIT, new PrintStream(serverLog, true, StandardCharsets.UTF_8));
            int port = server.start();
            try (Socket slow = new Socket()) {
                slow.setReceiveBufferSize(SLOW_RCVBUF);
                slow.connect(new InetSocketAddress(LOOPBACK, port), Math.toIntExact(WAIT.toMillis()));
                slow.setSoTimeout(Math.toIntExact(WAIT.toMillis()));
                slow.getOutputStream().write(FileProtocol.request("big.bin"));
                if (n.available()) { // the transfer is in flight: the server waits for the client's window
                    KernelAwait.awaitRow(port, r -> r.remotePort() == slow.getLocalPort()
                            && r.txQueue() > 0, WAIT, Msg.get("CloseDemo.await.transferInFlight"));
                }
                n.program(Msg.get("CloseDemo.shutdown.start"));
                CompletableFuture<HalfCloseFileServer.ShutdownReport> report =
                        CompletableFuture.supplyAsync(() -> server.shutdown(SHUTDOWN_DEADLINE), Background.OWN_THREAD);
                if (n.available()) {
                    KernelAwait.awaitTable(rows -> rows.stream().noneMatch(r -> r.localPort() == port
                            && r.state() == TcpState.LISTEN), WAIT, Msg.get("CloseDemo.await.listenerClosed"));
                }
                try (Socket late = new Socket()) {
                    late.connect(new InetSocketAddress(LOOPBACK, port), Math.toIntExact(LATE_CONNECT_TIMEOUT.toMillis()));
                    n.program(Msg.get("CloseDemo.shutdown.lateConnected"));
                } catch (ConnectException e) {
                    n.program(Msg.get("CloseDemo.shutdown.lateRefused", Cli.describe(e)));
                }
                long got = slow.getInputStream().transferTo(OutputStream.nullOutputStream()); // -1 = FIN
                n.program(Msg.get("CloseDemo.shutdown.inFlightRead", got));
                HalfCloseCore.thankYou(slow);
                HalfCloseFileServer.ShutdownReport r = report.get(SHUTDOWN_WAIT.toSeconds(), TimeUnit.SECONDS);
                n.result(Msg.get("CloseDemo.shutdown.finished", r.finished(), r.aborted()));
                String serverLabel = Narrator.label("server");
                serverLog.toString(StandardCharsets.UTF_8).lines().forEach(l -> n.line(serverLabel, l));
            } finally {
                server.close();
            }
        } finally {
            deleteTree(root);
            deleteTree(downloads);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
