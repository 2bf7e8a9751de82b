package tcpip.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place that understands tcpdump's text format for TCP, as printed by
 * {@code tcpdump -n -S -tt} (numeric hosts, absolute sequence numbers, epoch timestamps).
 * Every chapter that shows real packets parses them here.
 */
public final class TcpdumpLine {

    // 1732400000.123456 IP 127.0.0.1.45678 > 127.0.0.1.7007: Flags [S], seq 1, win 65495, options [...], length 0
    private static final Pattern LINE = Pattern.compile(
            "^(\\S+) IP6? (\\S+)\\.(\\d+) > (\\S+)\\.(\\d+): Flags \\[([^]]*)](.*)$");
    private static final Pattern SEQ = Pattern.compile(", seq (\\d+)(?::(\\d+))?");
    private static final Pattern ACK = Pattern.compile(", ack (\\d+)");
    private static final Pattern WIN = Pattern.compile(", win (\\d+)");
    private static final Pattern LENGTH = Pattern.compile(", length (\\d+)");
    private static final Pattern MSS = Pattern.compile("mss (\\d+)");
    private static final Pattern WSCALE = Pattern.compile("wscale (\\d+)");
    private static final Pattern SACK = Pattern.compile("sack \\d+ ((?:\\{\\d+:\\d+\\}\\s*)+)");
    private static final Pattern SACK_BLOCK = Pattern.compile("\\{(\\d+):(\\d+)\\}");

    private TcpdumpLine() {
    }

    /** The segment on this line, or empty if the line is not a TCP segment line. */
    public static Optional<Segment> parse(String line) {
        Matcher m = LINE.matcher(line.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        double time;
        try {
            time = Double.parseDouble(m.group(1));
        } catch (NumberFormatException e) {
            time = Double.NaN; // a clock time like 22:18:01.123456 (tcpdump without -tt)
        }
        String rest = m.group(7);
        long seq = -1;
        long seqEnd = -1;
        Matcher s = SEQ.matcher(rest);
        if (s.find()) {
            seq = Long.parseLong(s.group(1));
            seqEnd = s.group(2) != null ? Long.parseLong(s.group(2)) : seq;
        }
        int length = (int) number(LENGTH, rest);
        if (seq >= 0 && seqEnd == seq && length > 0) {
            seqEnd = seq + length;
        }
        return Optional.of(new Segment(time, m.group(2), Integer.parseInt(m.group(3)), m.group(4),
                Integer.parseInt(m.group(5)), m.group(6), seq, seqEnd, number(ACK, rest), number(WIN, rest),
                Math.max(length, 0), (int) number(MSS, rest), (int) number(WSCALE, rest)));
    }

    /** The packet on this line with its SACK blocks and timestamp flag, or empty if it is not a TCP segment line. */
    public static Optional<PacketCapture.Packet> packet(String line) {
        return parse(line).map(s -> new PacketCapture.Packet(s, sackBlocks(line), line.contains("TS val")));
    }

    /** The SACK blocks printed on one line, e.g. {@code sack 1 {100:200}} (absolute numbers with -S). */
    public static List<PacketCapture.SackBlock> sackBlocks(String line) {
        List<PacketCapture.SackBlock> blocks = new ArrayList<>();
        Matcher m = SACK.matcher(line);
        if (m.find()) {
            Matcher b = SACK_BLOCK.matcher(m.group(1));
            while (b.find()) {
                blocks.add(new PacketCapture.SackBlock(Long.parseLong(b.group(1)), Long.parseLong(b.group(2))));
            }
        }
        return List.copyOf(blocks);
    }

    private static long number(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }
}
