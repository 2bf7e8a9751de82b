package tcpip.narration;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import tcpip.cli.Messages;
import tcpip.kernel.Ladder;
import tcpip.kernel.Segment;

/**
 * Which connections of one capture get a ladder, and which end each calls the client: the client the
 * program named (it made the connection, so nothing is guessed), or, for a capture started on a
 * server's port, the other end; only a capture nobody knows more about leaves it to the packets.
 *
 * @param drawn       the ladders to draw, each with its connection's number in the capture (1-based)
 * @param connections how many connections the capture held
 */
record LadderChoice(List<LadderChoice.Drawn> drawn, int connections) {

    private static final Messages MSG = Messages.of("tcpip.cli.messages");

    /** One ladder and its connection's number among the capture's (1-based). */
    record Drawn(Ladder ladder, int number) {
    }

    /** How many connections of the capture get no ladder. */
    int notDrawn() {
        return connections - drawn.size();
    }

    /**
     * The connection of {@code knownClient} (null: not known), its client taken from the program; when
     * the capture does not hold it, the first {@code max} connections, their clients taken from the packets.
     */
    static LadderChoice of(List<Segment> segments, InetSocketAddress knownClient, int max) {
        List<List<Segment>> all = Ladder.connections(segments);
        for (int i = 0; i < all.size(); i++) {
            if (Ladder.involves(all.get(i), knownClient)) {
                return new LadderChoice(List.of(new Drawn(named(Ladder.of(all.get(i), knownClient)), i + 1)),
                        all.size());
            }
        }
        List<Drawn> drawn = new ArrayList<>();
        for (int i = 0; i < Math.min(max, all.size()); i++) {
            drawn.add(new Drawn(named(Ladder.of(all.get(i))), i + 1));
        }
        return new LadderChoice(List.copyOf(drawn), all.size());
    }

    /**
     * The first {@code max} connections of a capture started for {@code serverPort} (the port a
     * program listened on): in each, the client is the end on the other port.
     */
    static LadderChoice ofServer(List<Segment> segments, int serverPort, int max) {
        List<List<Segment>> all = Ladder.connections(segments);
        List<Drawn> drawn = new ArrayList<>();
        for (int i = 0; i < Math.min(max, all.size()); i++) {
            Segment any = all.get(i).get(0);
            InetSocketAddress client = any.srcPort() == serverPort ? new InetSocketAddress(any.dstPort())
                    : any.dstPort() == serverPort ? new InetSocketAddress(any.srcPort()) : null; // port alone
            drawn.add(new Drawn(named(Ladder.of(all.get(i), client)), i + 1));
        }
        return new LadderChoice(List.copyOf(drawn), all.size());
    }

    private static Ladder named(Ladder ladder) {
        return ladder.named(MSG.get("narrator.label.client"), MSG.get("narrator.label.server"));
    }
}
