package tcpip.kernel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
    /** The fields a row needs, up to the inode: sl, local, remote, st, queues, timer, retrnsmt, uid, timeout, inode. */
    private static final int FIELDS = 10;
    /**
     * Addresses already decoded, by their hex text: a table of thousands of rows holds a handful of
     * addresses (127.0.0.1, ::1, the wildcards), so each is decoded once. Bounded: a machine with many
     * addresses only decodes the others every time.
     */
    private static final Map<String, InetAddress> ADDRESSES = new ConcurrentHashMap<>();
    private static final int ADDRESSES_KEPT = 256;

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
        return readPorts(EVERY_ROW);
    }

    /** Which rows to decode, tested on their two ports before anything else of the row is read. */
    @FunctionalInterface
    public interface Ports {
        boolean test(int localPort, int remotePort);
    }

    static final Ports EVERY_ROW = (local, remote) -> true;

    /**
     * The rows whose ports pass {@code ports}; the others are skipped before their addresses, queues and
     * timers are decoded. A table of thousands of TIME_WAIT rows is read in a fraction of the time when
     * only one connection's rows are wanted.
     */
    public static List<SocketRow> readPorts(Ports ports) {
        List<SocketRow> rows = new ArrayList<>();
        readInto(TCP4, false, ports, rows);
        readInto(TCP6, true, ports, rows);
        Set<RowKey> seen = new HashSet<>();
        rows.removeIf(r -> !seen.add(new RowKey(r.ipv6Table(), r.localAddress(), r.localPort(), r.remoteAddress(),
                r.remotePort(), r.state(), r.inode())));
        return rows;
    }

    /** What makes a row the same connection and inode (a cheap key: no text is built per row). */
    private record RowKey(boolean v6, InetAddress localAddress, int localPort, InetAddress remoteAddress,
            int remotePort, TcpState state, long inode) {
    }

    /** The rows matching a condition. */
    public static List<SocketRow> read(Predicate<SocketRow> filter) {
        return read().stream().filter(filter).toList();
    }

    /** The rows where either end uses the port (a server's LISTEN row and all its connections). */
    public static List<SocketRow> onPort(int port) {
        return readPorts((local, remote) -> local == port || remote == port);
    }

    /** The rows whose local port is {@code port}, on any address: a listener's row and its connections. */
    public static List<SocketRow> withLocalPort(int port) {
        return readPorts((local, remote) -> local == port);
    }

    /**
     * The rows whose local end is exactly {@code local} (address and port): the socket bound there, and a
     * listener's accepted connections. Not, as {@link #onPort} would, a connection whose remote port has that
     * number, or another program's socket with that port number on ::1.
     */
    public static List<SocketRow> boundTo(InetSocketAddress local) {
        return withLocalPort(local.getPort()).stream().filter(r -> r.localAddress().equals(local.getAddress())).toList();
    }

    /** The row of one connection, seen from the end whose local port is {@code localPort}. */
    public static Optional<SocketRow> connection(int localPort, int remotePort) {
        return connectionRows(localPort, remotePort).stream().findFirst();
    }

    /** Every row of one connection seen from the end whose local port is {@code localPort} (usually one). */
    public static List<SocketRow> connectionRows(int localPort, int remotePort) {
        return readPorts((local, remote) -> local == localPort && remote == remotePort);
    }

    /** The rows of both ends of a connection on this machine: (a → b) and (b → a). */
    public static List<SocketRow> bothEnds(int portA, int portB) {
        return readPorts((local, remote) -> local == portA && remote == portB || local == portB && remote == portA);
    }

    /** The LISTEN row of a server port. */
    public static Optional<SocketRow> listener(int port) {
        // a LISTEN row's remote end is 0.0.0.0:0 or [::]:0
        return readPorts((local, remote) -> local == port && remote == 0).stream()
                .filter(r -> r.state() == TcpState.LISTEN).findFirst();
    }

    private static void readInto(Path file, boolean v6, Ports ports, List<SocketRow> rows) {
        if (!Files.isReadable(file)) {
            return;
        }
        byte[] text;
        try {
            text = Files.readAllBytes(file); // ASCII
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        parse(text, text.length, v6, ports, rows);
    }

    /**
     * The rows of a whole table file's text (its first {@code length} bytes; line 0 is the header) whose ports
     * pass {@code ports}. Also what {@link SharedTable} parses after its own read.
     */
    static void parse(byte[] text, int length, boolean v6, Ports ports, List<SocketRow> rows) {
        int[] start = new int[FIELDS];
        int[] end = new int[FIELDS];
        int from = lineEnd(text, 0, length) + 1;
        while (from < length) {
            int to = lineEnd(text, from, length);
            int n = fields(text, from, to, start, end, 3); // sl, local, remote: enough to test the ports
            if (n > 0 && n < 3) {
                throw notALine(text, from, to, null);
            }
            if (n > 0 && ports.test(port(text, from, to, start[1], end[1]), port(text, from, to, start[2], end[2]))) {
                rows.add(row(text, from, to, start, end, v6));
            }
            from = to + 1;
        }
    }

    /**
     * Parses one data line of /proc/net/tcp ({@code v6 == false}) or /proc/net/tcp6. The fields are
     * {@code sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode …},
     * separated by spaces. Read byte by byte, not with a regular expression: a busy machine's table has
     * thousands of rows, and the tests and demos read it every few milliseconds while they wait.
     *
     * @throws IllegalArgumentException if the line does not have the kernel's format
     */
    public static SocketRow parseLine(String line, boolean v6) {
        byte[] text = line.getBytes(StandardCharsets.ISO_8859_1);
        return row(text, 0, text.length, new int[FIELDS], new int[FIELDS], v6);
    }

    /** Where the line starting at {@code from} ends: its newline, or the end of the text. */
    private static int lineEnd(byte[] text, int from, int length) {
        int i = from;
        while (i < length && text[i] != '\n') {
            i++;
        }
        return i;
    }

    /** Finds up to {@code count} space-separated fields in text[from, to); returns how many there are. */
    private static int fields(byte[] text, int from, int to, int[] start, int[] end, int count) {
        int n = 0;
        int i = from;
        while (n < count) {
            while (i < to && text[i] <= ' ') {
                i++;
            }
            if (i >= to) {
                break;
            }
            start[n] = i;
            while (i < to && text[i] > ' ') {
                i++;
            }
            end[n++] = i;
        }
        return n;
    }

    private static SocketRow row(byte[] text, int from, int to, int[] start, int[] end, boolean v6) {
        if (fields(text, from, to, start, end, FIELDS) < FIELDS || text[end[0] - 1] != ':') {
            throw notALine(text, from, to, null);
        }
        try {
            int localColon = colon(text, start[1], end[1]);
            int remoteColon = colon(text, start[2], end[2]);
            int queueColon = colon(text, start[4], end[4]);
            int timerColon = colon(text, start[5], end[5]);
            return new SocketRow(
                    address(text, start[1], localColon),
                    (int) number(text, localColon + 1, end[1], 16),
                    address(text, start[2], remoteColon),
                    (int) number(text, remoteColon + 1, end[2], 16),
                    TcpState.ofCode((int) number(text, start[3], end[3], 16)),
                    number(text, start[4], queueColon, 16),
                    number(text, queueColon + 1, end[4], 16),
                    TimerKind.ofCode((int) number(text, start[5], timerColon, 16)),
                    Duration.ofMillis(number(text, timerColon + 1, end[5], 16) * 1000 / TICKS_PER_SECOND),
                    (int) number(text, start[6], end[6], 16),
                    (int) number(text, start[7], end[7], 10),
                    number(text, start[9], end[9], 10),
                    v6);
        } catch (RuntimeException e) {
            throw notALine(text, from, to, e);
        }
    }

    private static IllegalArgumentException notALine(byte[] text, int from, int to, RuntimeException cause) {
        return new IllegalArgumentException("not a /proc/net/tcp line: "
                + new String(text, from, to - from, StandardCharsets.ISO_8859_1), cause);
    }

    /** The port of an {@code address:port} field, in hex. */
    private static int port(byte[] text, int lineFrom, int lineTo, int from, int to) {
        try {
            return (int) number(text, colon(text, from, to) + 1, to, 16);
        } catch (RuntimeException e) {
            throw notALine(text, lineFrom, lineTo, e);
        }
    }

    /** The one ':' inside a field such as {@code 0100007F:1F90}. */
    private static int colon(byte[] text, int from, int to) {
        for (int i = from; i < to; i++) {
            if (text[i] == ':') {
                return i;
            }
        }
        throw new IllegalArgumentException("no ':' in a field");
    }

    /** A non-negative number in hex (radix 16) or decimal (10), of at most 15 digits. */
    private static long number(byte[] text, int from, int to, int radix) {
        if (from >= to || to - from > 15) {
            throw new IllegalArgumentException("not a number of 1 to 15 digits");
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            int c = text[i];
            int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10 : radix;
            if (digit >= radix) {
                throw new IllegalArgumentException("not a digit: " + (char) c);
            }
            value = value * radix + digit;
        }
        return value;
    }

    private static InetAddress address(byte[] text, int from, int to) {
        String hex = new String(text, from, to - from, StandardCharsets.ISO_8859_1);
        InetAddress known = ADDRESSES.get(hex);
        if (known != null) {
            return known;
        }
        InetAddress decoded = address(hex);
        if (ADDRESSES.size() < ADDRESSES_KEPT) {
            ADDRESSES.put(hex, decoded);
        }
        return decoded;
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
            long value = Long.parseLong(hex, word * 8, word * 8 + 8, 16);
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
