package tcpip.kernel;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Which end of a captured connection is the client, and why when the packets do not say: a
 * client the program named (it knows its own port), else the sender of the SYN, the receiver of
 * the SYN+ACK, the end not on the captured port, the end on an ephemeral port, or the first sender.
 * Those last three are guesses, kept only for a capture whose client nobody knows (a .pcap file a
 * learner brings, a test's made-up segments): every program of the course that draws a ladder
 * knows its own client's port and passes it ({@code Ladder.of(segments, knownClient)},
 * {@code Narrator.ladder(segments, knownClient)}), so its ladders never guess.
 *
 * @param endpoint the client's {@code address:port} as tcpdump wrote the address
 * @param reason   the sentence saying how it was guessed, or "" when the packets (or the program) told
 */
record ClientSide(String endpoint, String reason) {

    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

    /** True if the client sent {@code s}. */
    boolean sent(Segment s) {
        return source(s).equals(endpoint);
    }

    /** {@code s}'s sender as {@code address:port}: the key that tells the two ends apart. */
    static String source(Segment s) {
        return s.src() + ":" + s.srcPort();
    }

    /** {@code s}'s receiver as {@code address:port}. */
    static String destination(Segment s) {
        return s.dst() + ":" + s.dstPort();
    }

    /** True if {@code known} (may be null) is one end of the connection {@code conn}. */
    static boolean involves(List<Segment> conn, InetSocketAddress known) {
        return known != null && conn.stream().anyMatch(s -> is(s.src(), s.srcPort(), known));
    }

    static ClientSide of(List<Segment> conn, InetSocketAddress known) {
        Segment first = conn.get(0);
        if (known != null) {
            Segment mine = conn.stream().filter(s -> is(s.src(), s.srcPort(), known)).findFirst().orElseThrow();
            return new ClientSide(source(mine), "");
        }
        Segment syn = conn.stream().filter(s -> s.syn() && !s.hasAck()).findFirst().orElse(null);
        Segment synAck = conn.stream().filter(s -> s.syn() && s.hasAck()).findFirst().orElse(null);
        if (syn != null) {
            return new ClientSide(source(syn), "");
        }
        if (synAck != null) {
            return new ClientSide(destination(synAck), "");
        }
        if (PacketCapture.capturedPort(first.srcPort()) != PacketCapture.capturedPort(first.dstPort())) {
            boolean srcIsServer = PacketCapture.capturedPort(first.srcPort());
            return new ClientSide(srcIsServer ? destination(first) : source(first), KernelText.get(
                    "ladder.guess.captured", String.valueOf(srcIsServer ? first.srcPort() : first.dstPort())));
        }
        int[] range = ephemeralRange();
        boolean srcEphemeral = first.srcPort() >= range[0] && first.srcPort() <= range[1];
        boolean dstEphemeral = first.dstPort() >= range[0] && first.dstPort() <= range[1];
        if (srcEphemeral != dstEphemeral) {
            int port = srcEphemeral ? first.srcPort() : first.dstPort();
            return new ClientSide(srcEphemeral ? source(first) : destination(first), KernelText.get(
                    "ladder.guess.ephemeral", String.valueOf(port), String.valueOf(range[0]), String.valueOf(range[1])));
        }
        return new ClientSide(source(first), KernelText.get(
                srcEphemeral ? "ladder.guess.first.both" : "ladder.guess.first.neither",
                String.valueOf(first.srcPort()), String.valueOf(range[0]), String.valueOf(range[1])));
    }

    /** True if tcpdump's {@code address} and {@code port} are {@code known}; its wildcard or unresolved address matches any. */
    private static boolean is(String address, int port, InetSocketAddress known) {
        if (port != known.getPort()) {
            return false;
        }
        InetAddress ip = known.getAddress();
        if (ip == null || ip.isAnyLocalAddress()) {
            return true;
        }
        if (!address.matches("[0-9a-fA-F:.]+")) {
            return false; // tcpdump -n writes numbers only; anything else is never looked up
        }
        try {
            return InetAddress.getByName(address).equals(ip); // a literal: parsed here, no DNS
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static int[] ephemeralRange() {
        try {
            String[] parts = Files.readString(EPHEMERAL_RANGE).trim().split("\\s+");
            return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
        } catch (IOException | RuntimeException e) {
            return new int[] {32768, 60999}; // Linux's default
        }
    }
}
