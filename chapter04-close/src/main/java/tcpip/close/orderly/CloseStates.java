package tcpip.close.orderly;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import tcpip.close.Msg;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.SocketRow;
import tcpip.kernel.TcpState;
import tcpip.kernel.TimerKind;
import tcpip.narration.Narrator;

/**
 * Runs the steps of {@link OrderlyCloseCore} and shows the kernel's row after each one. A connection
 * the peer reset has no row left: that ends the story at once instead of waiting for a state
 * that will never come (a storm of connect+RST clients passes quickly).
 */
public final class CloseStates {

    /** How long to wait for the kernel to show a state change. */
    public static final Duration KERNEL_WAIT = Duration.ofSeconds(10);
    /** Where Linux keeps the lifetime of an orphaned FIN_WAIT2 socket. */
    public static final Path FIN_TIMEOUT = Path.of("/proc/sys/net/ipv4/tcp_fin_timeout");

    private CloseStates() {
    }

    /** Active closer: close(), then FIN_WAIT2 and TIME_WAIT as the kernel shows them. */
    public static void closeFirst(Socket socket, Narrator n, boolean showCode) throws IOException, TimeoutException {
        closeFirst(socket, n, showCode, true);
    }

    /** Same; without {@code kernelView} only the socket calls are narrated (no /proc reads). */
    public static void closeFirst(Socket socket, Narrator n, boolean showCode, boolean kernelView)
            throws IOException, TimeoutException {
        int local = socket.getLocalPort();
        int remote = socket.getPort();
        if (showCode) {
            n.code(OrderlyCloseCore.class, "close-first");
        }
        n.program(Msg.get("CloseStates.closeFirst"));
        OrderlyCloseCore.closeFirst(socket);
        if (!kernelView || !n.available()) {
            return;
        }
        Optional<SocketRow> row = awaitStateOrGone(local, remote, EnumSet.of(TcpState.FIN_WAIT2, TcpState.TIME_WAIT));
        if (row.isEmpty()) {
            n.kernel(Msg.get("CloseStates.resetNoClose", local, remote));
            return;
        }
        if (row.get().state() == TcpState.FIN_WAIT2) {
            n.kernel(describe(row.get()));
            n.note(finTimeoutNote(row.get(), "CloseStates.finWait2."));
        }
        Optional<SocketRow> timeWait = awaitStateOrGone(local, remote, EnumSet.of(TcpState.TIME_WAIT));
        if (timeWait.isEmpty()) {
            n.kernel(Msg.get("CloseStates.reset", local, remote));
            return;
        }
        n.kernel(describe(timeWait.get()));
        n.note(Msg.get("CloseStates.timeWait", seconds(timeWait.get().timerLeft())));
    }

    /** Passive closer: read() until the peer's FIN, CLOSE_WAIT, then close() after {@code pause}. */
    public static void closeSecond(Socket socket, Duration pause, Narrator n, boolean showCode)
            throws IOException, TimeoutException, InterruptedException {
        closeSecond(socket, pause, n, showCode, true);
    }

    /** Same; without {@code kernelView} only the socket calls are narrated (no /proc reads). */
    public static void closeSecond(Socket socket, Duration pause, Narrator n, boolean showCode, boolean kernelView)
            throws IOException, TimeoutException, InterruptedException {
        int local = socket.getLocalPort();
        int remote = socket.getPort();
        if (showCode) {
            n.code(OrderlyCloseCore.class, "await-fin");
        }
        n.program(Msg.get("CloseStates.awaitFin"));
        int r = OrderlyCloseCore.awaitFin(socket);
        if (r != -1) {
            throw new IOException(Msg.get("CloseStates.dataNotFin"));
        }
        n.program(Msg.get("CloseStates.finArrived"));
        if (kernelView && n.available()) {
            Optional<SocketRow> closeWait = awaitStateOrGone(local, remote, EnumSet.of(TcpState.CLOSE_WAIT));
            closeWait.ifPresent(row -> {
                n.kernel(describe(row));
                n.note(Msg.get("CloseStates.closeWait"));
            });
        }
        if (showCode) {
            n.code(OrderlyCloseCore.class, "close-second");
        }
        n.program(Msg.get("CloseStates.closeSecond", Narrator.human(pause)));
        OrderlyCloseCore.closeSecond(socket, pause);
        if (kernelView && n.available()) {
            KernelAwait.awaitGone(local, remote, KERNEL_WAIT);
            n.kernel(Msg.get("CloseStates.passiveGone", local, remote));
        }
    }

    /**
     * A row as {@link SocketRow#describe()} prints it, except that an orphaned FIN_WAIT2 row's
     * timer is named for what it is: /proc/net/tcp* reports it with the TIME_WAIT timer code, but
     * its length is tcp_fin_timeout.
     */
    public static String describe(SocketRow row) {
        String line = row.describe();
        if (row.state() == TcpState.FIN_WAIT2 && row.timer() == TimerKind.TIME_WAIT) {
            return line.replace("timer=TIME_WAIT(", "timer=tcp_fin_timeout(");
        }
        return line;
    }

    /** The note beside a FIN_WAIT2 row: which timer runs and how long this machine sets it. */
    static String finTimeoutNote(SocketRow row) {
        return finTimeoutNote(row, "CloseStates.finTimeout.");
    }

    /** The same note as one sentence of the bundle whose keys start with {@code prefix} ({@code held}, {@code orphan} …). */
    private static String finTimeoutNote(SocketRow row, String prefix) {
        if (row.inode() != 0) {
            return Msg.get(prefix + "held");
        }
        Optional<Integer> seconds = finTimeoutSeconds();
        return seconds.isPresent() ? Msg.get(prefix + "orphan", seconds.get(), FIN_TIMEOUT)
                : Msg.get(prefix + "orphanUnreadable", FIN_TIMEOUT);
    }

    /** net.ipv4.tcp_fin_timeout in seconds, if this is Linux. */
    public static Optional<Integer> finTimeoutSeconds() {
        try {
            // Not Files.readString: /proc/sys files report size 0 and it returns only their first byte ("6" for 60).
            return Optional.of(Integer.parseInt(Files.readAllLines(FIN_TIMEOUT).get(0).strip()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Waits for the connection to be in one of {@code states}; empty if its row disappeared (RST). */
    public static Optional<SocketRow> awaitStateOrGone(int local, int remote, Set<TcpState> states) throws TimeoutException {
        List<SocketRow> rows = KernelAwait.awaitConnection(local, remote,
                t -> t.isEmpty() || t.stream().anyMatch(r -> states.contains(r.state())), KERNEL_WAIT,
                Msg.get("CloseStates.await.stateOrGone", local, remote, states));
        return rows.stream().filter(r -> states.contains(r.state())).findFirst();
    }

    private static String seconds(Duration d) {
        return String.format("%.2f", d.toMillis() / 1000.0);
    }
}
