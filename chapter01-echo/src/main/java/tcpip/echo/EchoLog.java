package tcpip.echo;

import tcpip.cli.Cli;
import tcpip.net.Preload;

/**
 * The sentences every echo server of this chapter shares: its log lines, the one reply a client
 * ever gets besides its echo ("server busy": no path, no exception text), the --quiet flag.
 */
public final class EchoLog {

    private EchoLog() {
    }

    /** What a client over the connection cap reads before the server closes it: one line. */
    public static String busy(int maxConnections) {
        return Msg.get("EchoServer.busy", String.valueOf(maxConnections)) + System.lineSeparator();
    }

    public static String accepted(String peer, int open) {
        return Msg.get("EchoServer.log.accepted", peer, String.valueOf(open));
    }

    public static String closed(String peer, long bytes) {
        return Msg.get("EchoServer.log.closed", peer, String.valueOf(bytes));
    }

    public static String refused(String peer, int open, int maxConnections) {
        return Msg.get("EchoServer.log.refused", peer, String.valueOf(open), String.valueOf(maxConnections));
    }

    public static String stopped(long accepted, long refused, long failed) {
        return Msg.get("EchoServer.stopped", String.valueOf(accepted), String.valueOf(refused), String.valueOf(failed));
    }

    /** A sentence of the chapter's bundle (for a server's own log lines). */
    public static String get(String key, Object... args) {
        return Msg.get(key, args);
    }

    /** --quiet, the same on every echo server. */
    public static Cli.Option<Boolean> quietFlag(Cli cli) {
        return cli.flag("--quiet", Msg.get("EchoServer.opt.quiet"));
    }

    /**
     * Before a server accepts: every sentence a failure path may need is formatted once, and every class
     * a connection needs is loaded ({@code server}'s package, this one, socket-support's; the JDK's
     * virtual-thread poller started), so that a server out of descriptors (EMFILE) loads no class and no
     * bundle for the first time.
     */
    public static void preloadFailurePaths(Class<?> server) {
        Preload.connectionPaths(server, EchoLog.class);
        String peer = "127.0.0.1:1";
        String line = busy(1) + accepted(peer, 1) + closed(peer, 1) + refused(peer, 1, 1) + stopped(1, 1, 1);
        for (String key : new String[] {"SelectorEchoServer.log.selectFailed", "SelectorEchoServer.log.acceptFailed",
                "SelectorEchoServer.log.writeDeadline", "SelectorEchoServer.log.readDeadline",
                "SelectorEchoServer.log.requestDeadline", "SelectorEchoServer.log.reset",
                "SelectorEchoServer.log.failed"}) {
            line += get(key, peer, "1");
        }
        if (line.isEmpty()) {
            throw new IllegalStateException(); // never: keeps the formatting from being optimised away
        }
    }
}
