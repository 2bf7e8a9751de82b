package tcpip.segmentation.homework;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tcpip.testing.TodoHint;

/** Grades ReassemblyReceiver: ACK = next expected byte, +1 only for SYN and FIN, in-order delivery. */
@ExtendWith(TodoHint.class)
class ReassemblyReceiverGradedTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void inOrderSegmentsAreAckedWithSeqPlusLength() {
        ReassemblyReceiver r = new ReassemblyReceiver(5000);
        assertThat(r.onSegment(5001, bytes("hello"), false))
                .as("SYN had seq 5000 so data starts at 5001; 5 bytes at 5001 -> ACK 5006 (SEQ + length, NOT +1)")
                .isEqualTo(5006);
        assertThat(r.onSegment(5006, bytes(" world"), false)).as("6 more bytes at 5006").isEqualTo(5012);
        assertThat(r.delivered()).asString().isEqualTo("hello world");
    }

    @Test
    void finTakesOneSequenceNumber() {
        ReassemblyReceiver r = new ReassemblyReceiver(0);
        assertThat(r.onSegment(1, bytes("abc"), true)).as("3 bytes at 1 with FIN: 1 + 3 = 4, plus 1 for the FIN")
                .isEqualTo(5);
        ReassemblyReceiver bare = new ReassemblyReceiver(0);
        bare.onSegment(1, bytes("abc"), false);
        assertThat(bare.onSegment(4, new byte[0], true)).as("a bare FIN at 4 is acknowledged with 5").isEqualTo(5);
    }

    @Test
    void earlySegmentsWaitForTheGapAndDuplicatesAreIgnored() {
        ReassemblyReceiver r = new ReassemblyReceiver(100);
        assertThat(r.onSegment(106, bytes("world"), false))
                .as("bytes 101..105 are missing: the ACK stays at 101 (the first byte still expected)").isEqualTo(101);
        assertThat(r.delivered()).as("nothing may be delivered past a gap").isEmpty();
        assertThat(r.onSegment(101, bytes("hello"), false))
                .as("the gap is filled: both segments are delivered, ACK jumps to 111").isEqualTo(111);
        assertThat(r.onSegment(101, bytes("hello"), false)).as("a duplicate changes nothing").isEqualTo(111);
        assertThat(r.delivered()).asString().as("each byte delivered once, in order").isEqualTo("helloworld");
    }

    @Test
    void anyArrivalOrderWithDuplicatesDeliversTheMessage() {
        byte[] message = bytes("Segments may arrive in any order, some of them twice; the bytes may not.");
        for (long seed = 0; seed < 100; seed++) {
            Random random = new Random(seed);
            long syn = random.nextInt() & 0xffffffffL;
            List<int[]> arrivals = new ArrayList<>();
            for (int off = 0; off < message.length; off += 8) {
                arrivals.add(new int[] {off, Math.min(8, message.length - off)});
            }
            arrivals.addAll(arrivals.subList(0, random.nextInt(arrivals.size())));
            Collections.shuffle(arrivals, random);
            ReassemblyReceiver r = new ReassemblyReceiver(syn);
            long ack = 0;
            for (int[] a : arrivals) {
                ack = Math.max(ack, r.onSegment(syn + 1 + a[0], Arrays.copyOfRange(message, a[0], a[0] + a[1]), false));
            }
            assertThat(r.delivered()).as("seed %d: the delivered bytes", seed).isEqualTo(message);
            assertThat(ack).as("seed %d: final ACK = SYN + 1 + message length", seed).isEqualTo(syn + 1 + message.length);
        }
    }
}
