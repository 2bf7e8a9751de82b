package tcpip.close;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import tcpip.cli.Cli;
import tcpip.close.halfclose.FileProtocol;
import tcpip.close.halfclose.HalfCloseCore;
import tcpip.close.orderly.CloseStates;
import tcpip.close.orderly.OrderlyCloseCore;
import tcpip.close.reset.ClosedPeerCore;
import tcpip.close.timewait.ReuseAddressCore;
import tcpip.kernel.KernelText;
import tcpip.kernel.SocketTable;
import tcpip.narration.Narrator;
import tcpip.narration.Progress;
import tcpip.net.Preload;

/**
 * What every server of the chapter loads, and initialises, before its first accept(). Out of descriptors (EMFILE)
 * no class file and no bundle can be opened, and the JVM remembers a class that failed to load or to initialise for
 * good (JVMS 5.4.3): a red team starved each server at its first client, gave the descriptors back, and every later
 * client still failed ("NoClassDefFoundError: tcpip/close/orderly/OrderlyCloseCore", "Could not initialize class
 * ..."). So: every class of each package a connection goes through (the chapter's, the kernel view's, the
 * narration's), then what a static initialiser or a first call reads from a file: the three message bundles, the
 * SHA-256 provider. A server started with too few descriptors even for this does not start: one line, exit 1.
 */
public final class ServerPreload {

    private ServerPreload() {
    }

    /** Call before the first accept(); the IOException's message is the server's one line if this failed. */
    public static void beforeAccept() throws IOException {
        Preload.connectionPaths(Msg.class, OrderlyCloseCore.class, ClosedPeerCore.class, HalfCloseCore.class,
                ReuseAddressCore.class, SocketTable.class, Narrator.class, Cli.class);
        try {
            for (Class<?> c : new Class<?>[] {Msg.class, CloseStates.class, FileProtocol.class, Narrator.class,
                    Progress.class, KernelText.class}) {
                Class.forName(c.getName(), true, c.getClassLoader()); // initialised: its static fields set
            }
            Msg.get("Server.listening", "");
            KernelText.get("state.ESTABLISHED");
            Narrator n = new Narrator(new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8));
            n.program(Narrator.human(Duration.ofMillis(1)));
            n.kernel("");
            n.note("");
            n.result("");
            FileProtocol.sha256().digest(); // the security providers, read once
            jdkPoller();
        } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
            throw new IOException(Msg.get("Server.notPrepared",
                    e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        }
    }

    /**
     * The JDK's poller for virtual threads (sun.nio.ch.Poller) opens its epoll descriptors when it is initialised,
     * which Preload's warm-up does; started with too few descriptors, that failed and the class stays failed: every
     * virtual thread that waits for a socket then fails for good. A failed class throws here; another JDK without
     * that class name is fine.
     */
    private static void jdkPoller() throws ClassNotFoundException {
        try {
            Class.forName("sun.nio.ch.Poller", true, null);
        } catch (ClassNotFoundException e) {
            // not this JDK's name for it: nothing to check
        }
    }
}
