package tcpip.kernel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Reads the kernel's TCP socket table from /proc/net/tcp and /proc/net/tcp6 (Linux only).
 *
 * <p>Traps handled here so no chapter has to: Java sockets on 127.0.0.1 usually sit in tcp6 as
 * ::ffff:127.0.0.1; addresses are printed as 32-bit words in the CPU's little-endian order while
 * ports are big-endian hex; timers are in 1/100 s.
 */
public final class SocketTable {

    /** Where the kernel publishes its IPv4 TCP table. */
    public static final Path TCP4 = Path.of("/proc/net/tcp");
    /** Where the kernel publishes its IPv6 TCP table (with IPv4-mapped sockets). */
    public static final Path TCP6 = Path.of("/proc/net/tcp6");
    /** /proc reports timer values in USER_HZ ticks, 100 per second. */
    private static final int TICKS_PER_SECOND = 100;

    private SocketTable() {
    }

    /** True when this system publishes the TCP table (Linux). */
    public static boolean available() {
        return Files.isReadable(TCP4) || Files.isReadable(TCP6);
    }

    /** The one line to print instead of a kernel view where /proc is missing. */
    public static String unavailableMessage() {
        return KernelText.get("table.unavailable", System.getProperty("os.name"));
    }

    /**
     * Every TCP socket in the system right now; empty where {@link #available()} is false. The
     * kernel hands the table out in pieces, not as one snapshot: a socket that moves in its hash
     * table while we read can be listed twice, so a row is kept once per connection and inode.
     */
    public static List<SocketRow> read() {
        List<SocketRow> rows = new ArrayList<>();
        readInto(TCP4, false, rows);
        readInto(TCP6, true, rows);
        Set<List<Object>> seen = new HashSet<>();
        rows.removeIf(r -> !seen.add(List.of(r.ipv6Table(), r.local(), r.remote(), r.state(), r.inode())));
        return rows;
    }

    /** The rows matching a condition. */
    public static List<SocketRow> read(Predicate<SocketRow> filter) {
        return read().stream().filter(filter).toList();
    }

    /** The rows where either end uses the port (a server's LISTEN row and all its connections). */
    public static List<SocketRow> onPort(int port) {
        return read(r -> r.hasPort(port));
    }

    /**
     * The rows whose local end is exactly {@code local} (address and port): the socket bound there, and a
     * listener's accepted connections. Not, as {@link #onPort} would, a connection whose remote port has that
     * number, or another program's socket with that port number on ::1.
     */
    public static List<SocketRow> boundTo(InetSocketAddress local) {
        return read(r -> r.localPort() == local.getPort() && r.localAddress().equals(local.getAddress()));
    }

    /** The row of one connection, seen from the end whose local port is {@code localPort}. */
    public static Optional<SocketRow> connection(int localPort, int remotePort) {
        return read(r -> r.localPort() == localPort && r.remotePort() == remotePort).stream().findFirst();
    }

    /** The LISTEN row of a server port. */
    public static Optional<SocketRow> listener(int port) {
        return read(r -> r.localPort() == port && r.state() == TcpState.LISTEN).stream().findFirst();
    }

    private static void readInto(Path file, boolean v6, List<SocketRow> rows) {
        if (!Files.isReadable(file)) {
            return;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        for (int i = 1; i < lines.size(); i++) { // line 0 is the header
            String line = lines.get(i);
            if (!line.isBlank()) {
                rows.add(parseLine(line, v6));
            }
        }
    }

    /**
     * Parses one data line of /proc/net/tcp ({@code v6 == false}) or /proc/net/tcp6.
     *
     * @throws IllegalArgumentException if the line does not have the kernel's format
     */
    public static SocketRow parseLine(String line, boolean v6) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 10 || !f[0].endsWith(":")) {
            throw new IllegalArgumentException("not a /proc/net/tcp line: " + line);
        }
        try {
            String[] local = f[1].split(":");
            String[] remote = f[2].split(":");
            String[] queues = f[4].split(":");
            String[] timer = f[5].split(":");
            return new SocketRow(
                    address(local[0]),
                    Integer.parseInt(local[1], 16),
                    address(remote[0]),
                    Integer.parseInt(remote[1], 16),
                    TcpState.ofCode(Integer.parseInt(f[3], 16)),
                    Long.parseLong(queues[0], 16),
                    Long.parseLong(queues[1], 16),
                    TimerKind.ofCode(Integer.parseInt(timer[0], 16)),
                    Duration.ofMillis(Long.parseLong(timer[1], 16) * 1000 / TICKS_PER_SECOND),
                    (int) Long.parseLong(f[6], 16),
                    Integer.parseInt(f[7]),
                    Long.parseLong(f[9]),
                    v6);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a /proc/net/tcp line: " + line, e);
        }
    }

    /**
     * Decodes the kernel's hex address: 8 hex digits (IPv4) or 32 (IPv6), each group of 8 a
     * 32-bit word printed in little-endian byte order. An IPv4-mapped IPv6 address comes back
     * as the plain IPv4 address.
     */
    static InetAddress address(String hex) {
        if (hex.length() != 8 && hex.length() != 32) {
            throw new IllegalArgumentException("bad address " + hex);
        }
        byte[] bytes = new byte[hex.length() / 2];
        for (int word = 0; word < hex.length() / 8; word++) {
            long value = Long.parseLong(hex.substring(word * 8, word * 8 + 8).toLowerCase(Locale.ROOT), 16);
            for (int b = 0; b < 4; b++) {
                bytes[word * 4 + b] = (byte) (value >>> (8 * b));
            }
        }
        try {
            return InetAddress.getByAddress(bytes); // maps ::ffff:a.b.c.d to Inet4Address
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("bad address " + hex, e);
        }
    }
}
