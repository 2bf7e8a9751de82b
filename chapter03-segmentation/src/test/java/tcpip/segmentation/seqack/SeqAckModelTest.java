package tcpip.segmentation.seqack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The SEQ/ACK MODEL: ACK = SEQ + length, +1 only for SYN and FIN, reassembly under loss, duplication, reordering. */
class SeqAckModelTest {

    private static final byte[] MESSAGE = "The quick brown fox jumps over the lazy dog, 0123456789."
            .getBytes(StandardCharsets.UTF_8);

    @Test
    void cleanNetworkAcksEverySegmentWithSeqPlusLength() {
        SeqAckModel.Result r = SeqAckModel.run(MESSAGE, SeqAckModel.Options.clean(42, 10));
        List<Long> expected = new ArrayList<>();
        for (int end = 10; end < MESSAGE.length; end += 10) {
            expected.add(r.isn() + 1 + end); // data: next byte expected = SEQ + length, no +1
        }
        expected.add(r.isn() + 1 + MESSAGE.length);       // the last, shorter segment
        expected.add(r.isn() + 1 + MESSAGE.length + 1);   // FIN: one sequence number, +1
        assertThat(r.acks()).containsExactlyElementsOf(expected);
        assertThat(r.delivered()).isEqualTo(MESSAGE);
        assertThat(r.retransmissions()).isZero();
        assertThat(r.diagram()).anyMatch(l -> l.contains("MODEL"));
    }

    @Test
    void reassemblesExactlyUnderLossDuplicationAndReorderingForManySeeds() {
        for (long seed = 0; seed < 500; seed++) {
            SeqAckModel.Result r = SeqAckModel.run(MESSAGE, new SeqAckModel.Options(seed, 7, 0.3, 0.2, 0.4, 4, 10_000));
            assertThat(r.complete()).as("seed %d finished", seed).isTrue();
            assertThat(r.delivered()).as("seed %d delivered the message in order", seed).isEqualTo(MESSAGE);
            assertThat(r.acks()).as("seed %d: ACKs never go backwards", seed).isSorted();
            assertThat(r.acks().get(r.acks().size() - 1)).isEqualTo(r.isn() + 1 + MESSAGE.length + 1);
        }
    }

    @Test
    void lossCausesRetransmissionAfterTheTimeout() {
        int withRetransmits = 0;
        for (long seed = 0; seed < 50; seed++) {
            SeqAckModel.Result r = SeqAckModel.run(MESSAGE, new SeqAckModel.Options(seed, 7, 0.3, 0, 0, 4, 10_000));
            if (r.retransmissions() > 0) {
                withRetransmits++;
                assertThat(r.diagram()).anyMatch(l -> l.contains("timeout"));
                assertThat(r.diagram()).anyMatch(l -> l.contains("lost"));
            }
        }
        assertThat(withRetransmits).as("runs out of 50 with 30% loss that retransmitted").isPositive();
    }

    @Test
    void linuxModeResendsOnceTcpReorderingSegmentsAreSackedWithoutWaitingForTheTimeout() {
        byte[] message = new byte[100];
        SeqAckModel.Options o = new SeqAckModel.Options(7, 10, 0, 0, 0, 4, 10_000).dropping(Set.of(3));
        SeqAckModel.Result book = SeqAckModel.run(message, o);
        SeqAckModel.Result linux = SeqAckModel.run(message, o.likeLinux());
        assertThat(book.fastRetransmissions()).as("textbook: only the timer resends").isZero();
        assertThat(book.timeoutTicks()).hasSize(1);
        assertThat(linux.fastRetransmissions()).as("Linux: duplicate ACKs with SACK trigger it").isEqualTo(1);
        assertThat(linux.fastAfterDupAcks()).as("not the first duplicate ACK: the one that SACKs tcp_reordering segments")
                .containsExactly(SeqAckModel.REORDERING);
        assertThat(linux.timeoutTicks()).as("no timeout needed").isEmpty();
        assertThat(linux.retransmissions()).isEqualTo(1);
        assertThat(linux.delivered()).isEqualTo(message);
        assertThat(linux.diagram()).anyMatch(l -> l.contains("duplicate ACK") && l.contains("resend at once"));
    }

    @Test
    void linuxModeWithFewerSackedSegmentsWaitsOneReorderingWindow() {
        // 4 segments, the 3rd lost: only the 4th (and the FIN) arrive after the hole, fewer than tcp_reordering.
        byte[] message = new byte[40];
        SeqAckModel.Result linux = SeqAckModel.run(message, new SeqAckModel.Options(7, 10, 0, 0, 0, 4, 10_000)
                .dropping(Set.of(3)).likeLinux());
        assertThat(linux.fastAfterDupAcks()).as("resent after the reordering window, before any timeout")
                .hasSize(1).allMatch(d -> d < SeqAckModel.REORDERING);
        assertThat(linux.timeoutTicks()).isEmpty();
        assertThat(linux.diagram()).anyMatch(l -> l.contains("reordering window over"));
        assertThat(linux.delivered()).isEqualTo(message);
    }

    @Test
    void linuxModeDoublesTheTimeoutAsRfc6298Says() {
        SeqAckModel.Options o = new SeqAckModel.Options(7, 10, 0, 0, 0, 4, 10_000).dropping(Set.of(1, 2, 3, 4));
        List<Integer> book = SeqAckModel.run(new byte[10], o).timeoutTicks();
        List<Integer> linux = SeqAckModel.run(new byte[10], o.likeLinux()).timeoutTicks();
        assertThat(book).hasSize(4);
        // Linux mode: the FIN behind the lost segment is SACKed, so one resend comes from the reordering window;
        // the other three from the timer, each gap twice the one before.
        assertThat(linux).hasSize(3);
        for (int i = 2; i < linux.size(); i++) {
            assertThat(linux.get(i) - linux.get(i - 1)).as("gap %d doubles", i)
                    .isEqualTo(2 * (linux.get(i - 1) - linux.get(i - 2)));
            assertThat(book.get(i) - book.get(i - 1)).as("textbook gap %d stays", i)
                    .isLessThan(2 * (book.get(i - 1) - book.get(i - 2)));
        }
    }

    @Test
    void isnIsRandomButRepeatableForASeed() {
        SeqAckModel.Options o = new SeqAckModel.Options(5, 8, 0.2, 0.1, 0.2, 4, 10_000);
        assertThat(SeqAckModel.run(MESSAGE, o).diagram()).isEqualTo(SeqAckModel.run(MESSAGE, o).diagram());
        long isn5 = SeqAckModel.run(MESSAGE, o).isn();
        long isn6 = SeqAckModel.run(MESSAGE, new SeqAckModel.Options(6, 8, 0.2, 0.1, 0.2, 4, 10_000)).isn();
        assertThat(isn5).isNotEqualTo(isn6).isBetween(0L, 0xffffffffL);
    }

    @Test
    void receiverKeepsEarlySegmentsAndAcksTheGap() {
        ModelReceiver r = new ModelReceiver(1000); // SYN seq 1000: data starts at 1001
        assertThat(r.onSegment(1011, bytes("bbbbbbbbbb"), false)).as("gap before it: ACK stays at the gap").isEqualTo(1001);
        assertThat(r.lastOutcome()).isEqualTo(ModelReceiver.Outcome.OUT_OF_ORDER);
        assertThat(r.onSegment(1021, bytes("c"), true)).isEqualTo(1001);
        assertThat(r.onSegment(1001, bytes("aaaaaaaaaa"), false)).as("gap filled: everything, +1 for FIN").isEqualTo(1023);
        assertThat(r.finReceived()).isTrue();
        assertThat(r.onSegment(1001, bytes("aaaaaaaaaa"), false)).as("duplicate").isEqualTo(1023);
        assertThat(r.lastOutcome()).isEqualTo(ModelReceiver.Outcome.DUPLICATE);
        assertThat(new String(r.delivered(), StandardCharsets.UTF_8)).isEqualTo("aaaaaaaaaabbbbbbbbbbc");
    }

    @Test
    void receiverDeliversRandomPermutationsWithDuplicatesInOrder() {
        for (long seed = 0; seed < 200; seed++) {
            Random random = new Random(seed);
            List<long[]> segs = new ArrayList<>(); // {offset, length}
            for (int off = 0; off < MESSAGE.length; off += 5) {
                segs.add(new long[] {off, Math.min(5, MESSAGE.length - off)});
            }
            List<long[]> arrivals = new ArrayList<>(segs);
            arrivals.addAll(segs.subList(0, random.nextInt(segs.size())));
            java.util.Collections.shuffle(arrivals, random);
            ModelReceiver r = new ModelReceiver(77);
            for (long[] s : arrivals) {
                byte[] payload = java.util.Arrays.copyOfRange(MESSAGE, (int) s[0], (int) (s[0] + s[1]));
                r.onSegment(78 + s[0], payload, false);
            }
            assertThat(r.delivered()).as("seed %d", seed).isEqualTo(MESSAGE);
            assertThat(r.ack()).isEqualTo(78 + MESSAGE.length);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
