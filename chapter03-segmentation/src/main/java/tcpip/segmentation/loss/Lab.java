package tcpip.segmentation.loss;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import tcpip.kernel.PacketCapture;
import tcpip.kernel.SsInfo;
import tcpip.segmentation.Msg;

/**
 * One lab session: a {@link LabPeer} JVM as the first process of a throwaway {@link Netns}, driven by
 * command lines; plus the namespace's views (ss -ti, nstat, sysctls). close() ends the peer, and with it
 * the namespace; so do Ctrl-C (the peer gets it too) and SIGTERM (a shutdown hook).
 */
final class Lab implements AutoCloseable {

    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(15);

    private Netns ns;
    private final Process peer;
    private final Thread hook;
    private final PrintWriter commands;
    private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();

    private Lab(Process peer) {
        this.peer = peer;
        this.hook = new Thread(peer::destroyForcibly, "lab-peer-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        this.commands = new PrintWriter(peer.outputWriter(StandardCharsets.UTF_8), true);
        Thread.ofPlatform().daemon().name("lab-peer-out").start(() -> {
            try (BufferedReader out = peer.inputReader(StandardCharsets.UTF_8)) {
                for (String line; (line = out.readLine()) != null;) {
                    replies.add(line);
                }
            } catch (IOException ignored) {
                // the peer ended
            }
            replies.add("ended");
        });
    }

    /** Starts the peer JVM (same java, same class path) as the first process of a new namespace. */
    static Lab open() throws IOException {
        List<String> java = List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                LabPeer.class.getName());
        Lab lab = new Lab(Netns.startFirst(java));
        try {
            // The peer's first line names its namespace: from then on /proc/PID/ns/net is that one.
            String[] ready = lab.expect(null, LabPeer.READY);
            lab.ns = Netns.of(lab.peer, ready[1]);
            return lab;
        } catch (IOException | RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    /** The two ends of one lab connection: the server's port (the listener's), the client's, how long connect() took. */
    record Conn(int serverPort, int clientPort, long connectMicros) {

        /** The client's end as the lab knows it (the peer said its port): a ladder's client, never a guess. */
        InetSocketAddress client() {
            return new InetSocketAddress(clientPort); // any address: the port alone tells the ends apart
        }
    }

    /** A fresh listener in the peer, on 127.0.0.1 and a port the kernel picks. */
    int listen() throws IOException {
        return Integer.parseInt(expect("listen", "port")[1]);
    }

    /** A fresh connection from the peer's client to its listener (connect() waits up to 5 s). */
    Conn connect(int port) throws IOException {
        String[] w = expect("connect 5000", "connected");
        return new Conn(port, Integer.parseInt(w[1]), Long.parseLong(w[2]));
    }

    /** tcpdump on the namespace's lo for one port; fails with the reason where it cannot capture. */
    PacketCapture capture(int port) throws IOException {
        PacketCapture c = PacketCapture.startIn(ns.enter(), port);
        if (!c.running()) {
            throw new IOException(Msg.get("LossLab.noCapture", c.unavailableReason()));
        }
        return c;
    }

    /** A sysctl as the namespace sees it, or {@code fallback} where it cannot be read. */
    String sysctlOr(String name, String fallback) {
        try {
            return ns.sysctl(name);
        } catch (IOException e) {
            return fallback;
        }
    }

    /** A sysctl as a number, empty where it cannot be read (for kernel-view's schedules). */
    Optional<Long> sysctlNumber(String name) {
        try {
            return Optional.of(Long.parseLong(ns.sysctl(name)));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The peer JVM, the namespace's first process. */
    Process peer() {
        return peer;
    }

    Netns ns() {
        return ns;
    }

    /** Sends one command to the peer and waits for its one-line answer. */
    String ask(String command) throws IOException {
        if (command != null) {
            commands.println(command);
        }
        try {
            String reply = replies.poll(REPLY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (reply == null) {
                throw new IOException(Msg.get("Lab.noAnswer", command, REPLY_TIMEOUT.toSeconds()));
            }
            return reply;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(Msg.get("Lab.interrupted"));
        }
    }

    /** Asks and insists on an answer starting with {@code expected}; returns its words. */
    String[] expect(String command, String expected) throws IOException {
        String reply = ask(command);
        if (!reply.startsWith(expected + " ")) {
            throw new IOException(Msg.get("Lab.unexpectedReply", command, reply));
        }
        return reply.split(" ");
    }

    /** {@code ss -ti} for the connection with this local and remote port, inside the namespace. */
    Optional<SsInfo> ss(int localPort, int remotePort) throws IOException {
        return SsInfo.parse(ns.exec("ss", "-H", "-t", "-i", "-n", "-m",
                "( sport = :" + localPort + " and dport = :" + remotePort + " )"));
    }

    /** {@code ss -tano} rows of every socket on {@code port} in the namespace (state, timer). */
    List<String> ssRows(int port) throws IOException {
        List<String> rows = new ArrayList<>();
        for (String line : ns.exec("ss", "-H", "-t", "-a", "-n", "-o", "( sport = :" + port + " or dport = :"
                + port + " )").split("\n")) {
            if (!line.isBlank()) {
                rows.add(line.strip().replaceAll("\\s+", " "));
            }
        }
        return rows;
    }

    /** The namespace's absolute TCP counters ({@code nstat -asz}: no history file is touched). */
    Map<String, Long> nstat() throws IOException {
        Map<String, Long> counters = new HashMap<>();
        for (String line : ns.exec("nstat", "-a", "-s", "-z").split("\n")) {
            String[] w = line.strip().split("\\s+");
            if (w.length >= 2 && w[1].matches("\\d+")) {
                counters.put(w[0], Long.parseLong(w[1]));
            }
        }
        return counters;
    }

    /** after − before for each named counter this kernel has, in a fixed order of interest. */
    static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after, List<String> names) {
        Map<String, Long> d = new LinkedHashMap<>();
        for (String n : names) {
            if (after.containsKey(n)) { // a counter this kernel lacks stays out
                d.put(n, after.get(n) - before.getOrDefault(n, 0L));
            }
        }
        return d;
    }

    @Override
    public void close() {
        try {
            commands.println("quit");
            if (!peer.waitFor(2, TimeUnit.SECONDS)) {
                peer.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            peer.destroyForcibly();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook ends the peer
            }
        }
    }
}
