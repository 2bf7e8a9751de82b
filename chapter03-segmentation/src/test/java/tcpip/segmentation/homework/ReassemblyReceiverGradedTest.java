package tcpip.segmentation.homework;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import tcpip.testing.HomeworkAnswerKey;
import tcpip.testing.TodoHint;
import tcpip.testing.Weight;

/**
 * Grades ReassemblyReceiver with CS144-style cases: in order, out of order, overlapping, duplicate,
 * early FIN, capacity, 32-bit wraparound, and randomised deliveries with fixed seeds. Payloads are
 * text, so a failure shows the stream as text.
 */
@ExtendWith(TodoHint.class)
class ReassemblyReceiverGradedTest {

    /** Points in the score table. */
    static final int POINTS = 20;

    /** Fails every check of an answer that calls the course's own code for this exercise (the answer key). */
    @RegisterExtension
    static final HomeworkAnswerKey ANSWER_KEY = HomeworkAnswerKey.of(ReassemblyReceiver.class);

    static final long MOD = 1L << 32;
    /** The ISNs every named case runs from (each step's log says which one failed). */
    static final long[] ISNS = {1000, MOD - 2, MOD - 1};

    /** A receiver driven by stream offsets (0 = first data byte), with every step's expectation as text. */
    static final class Peer {
        final ReassemblyReceiver r;
        final long isn;
        final StringBuilder log = new StringBuilder();
        final StringBuilder readSoFar = new StringBuilder();

        Peer(long isn, int capacity) {
            this.isn = isn;
            this.r = new ReassemblyReceiver(isn, capacity);
            log.append("isn=").append(isn).append(" capacity=").append(capacity);
        }

        long seqOf(long offset) {
            return Math.floorMod(isn + 1 + offset, MOD);
        }

        Peer seg(long offset, String text) {
            return seg(offset, text, false);
        }

        Peer seg(long offset, String text, boolean fin) {
            log.append(" | seg@").append(offset).append(" \"").append(text).append('"').append(fin ? "+FIN" : "");
            r.onSegment(seqOf(offset), text.getBytes(StandardCharsets.US_ASCII), fin);
            return this;
        }

        Peer read() {
            readSoFar.append(new String(r.read(), StandardCharsets.US_ASCII));
            log.append(" | read");
            return this;
        }

        /** Expects the text read so far (after one more read()), the ACK as a stream offset, and finished(). */
        Peer expect(String text, long ackOffset, boolean finished) {
            read();
            assertThat(readSoFar.toString()).as("bytes read in order after %s", log).isEqualTo(text);
            assertThat(r.ack()).as("ACK after %s (as a stream offset: %d; isn + 1 + offset, +1 after FIN, mod 2^32)",
                    log, ackOffset).isEqualTo(seqOf(ackOffset));
            assertThat(r.finished()).as("finished() after %s", log).isEqualTo(finished);
            return this;
        }

        Peer window(int expected) {
            assertThat(r.window()).as("window() after %s", log).isEqualTo(expected);
            return this;
        }
    }

    static DynamicTest check(String name, Consumer<Void> body) {
        return dynamicTest(name, () -> todoHint(() -> body.accept(null)));
    }

    /** TodoHint does not see dynamic tests: the same "Not done yet" message for an unfinished template. */
    static void todoHint(Runnable body) {
        try {
            body.run();
        } catch (UnsupportedOperationException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(TodoHint.TODO)) {
                throw new org.opentest4j.AssertionFailedError("Not done yet: " + e.getMessage()
                        + " (ReassemblyReceiverGradedTest grades this exercise)");
            }
            throw e;
        }
    }

    static Peer peer(long isn) {
        return new Peer(isn, 64);
    }

    /** A case that holds for any ISN: its name, and its steps from a given ISN. */
    record Case(String name, LongConsumer steps) {
    }

    /** The cases that hold for any ISN. */
    private static List<Case> named() {
        List<Case> t = new ArrayList<>();
        t.add(new Case("nothing yet: ACK is isn + 1", isn -> peer(isn).expect("", 0, false)));
        t.add(new Case("one segment in order", isn -> peer(isn).seg(0, "abcd").expect("abcd", 4, false)));
        t.add(new Case("two segments in order", isn -> peer(isn).seg(0, "ab").seg(2, "cd").expect("abcd", 4, false)));
        t.add(new Case("empty segment changes nothing", isn -> peer(isn).seg(0, "ab").seg(2, "").expect("ab", 2, false)));
        t.add(new Case("out of order: the gap holds the ACK", isn -> peer(isn).seg(2, "cd").expect("", 0, false)));
        t.add(new Case("out of order, then the gap is filled", isn -> peer(isn).seg(2, "cd").seg(0, "ab").expect("abcd", 4, false)));
        t.add(new Case("three out of order", isn -> peer(isn).seg(6, "gh").seg(2, "cd").seg(4, "ef").seg(0, "ab")
                .expect("abcdefgh", 8, false)));
        t.add(new Case("reverse order, one byte each", isn -> peer(isn).seg(4, "e").seg(3, "d").seg(2, "c").seg(1, "b").seg(0, "a")
                .expect("abcde", 5, false)));
        t.add(new Case("exact duplicate is delivered once", isn -> peer(isn).seg(0, "abc").seg(0, "abc").expect("abc", 3, false)));
        t.add(new Case("duplicate of a waiting segment", isn -> peer(isn).seg(3, "def").seg(3, "def").seg(0, "abc")
                .expect("abcdef", 6, false)));
        t.add(new Case("old segment after reading", isn -> peer(isn).seg(0, "abc").read().seg(0, "abc").expect("abc", 3, false)));
        t.add(new Case("overlap: a retransmission that starts before and ends after the next byte", isn -> peer(isn)
                .seg(0, "abc").seg(1, "bcdef").expect("abcdef", 6, false)));
        t.add(new Case("overlap: repacketised retransmission after reading", isn -> peer(isn).seg(0, "abcd").read()
                .seg(2, "cdefgh").expect("abcdefgh", 8, false)));
        t.add(new Case("overlap between two waiting segments", isn -> peer(isn).seg(2, "cde").seg(4, "efg").seg(0, "ab")
                .expect("abcdefg", 7, false)));
        t.add(new Case("a waiting segment inside a bigger one", isn -> peer(isn).seg(3, "d").seg(1, "bcdef").seg(0, "a")
                .expect("abcdef", 6, false)));
        t.add(new Case("a big segment covering two waiting ones", isn -> peer(isn).seg(2, "c").seg(5, "f").seg(0, "abcdefg")
                .expect("abcdefg", 7, false)));
        t.add(new Case("FIN with the data", isn -> peer(isn).seg(0, "abc", true).expect("abc", 4, true)));
        t.add(new Case("FIN alone, empty payload", isn -> peer(isn).seg(0, "abc").seg(3, "", true).expect("abc", 4, true)));
        t.add(new Case("FIN before the gap is filled", isn -> peer(isn).seg(3, "def", true).expect("", 0, false)));
        t.add(new Case("FIN before the gap, then the gap", isn -> peer(isn).seg(3, "def", true).seg(0, "abc")
                .expect("abcdef", 7, true)));
        t.add(new Case("FIN arrives twice", isn -> peer(isn).seg(0, "ab", true).seg(0, "ab", true).expect("ab", 3, true)));
        t.add(new Case("capacity: bytes beyond it are dropped", isn -> new Peer(isn, 4).seg(0, "abcdef").expect("abcd", 4, false)));
        t.add(new Case("capacity: reading frees room", isn -> new Peer(isn, 4).seg(0, "abcd").read().seg(4, "efgh")
                .expect("abcdefgh", 8, false)));
        t.add(new Case("capacity: unread bytes take room", isn -> new Peer(isn, 4).seg(0, "ab").seg(2, "cdef")
                .expect("abcd", 4, false)));
        t.add(new Case("capacity: an early segment beyond it is dropped", isn -> new Peer(isn, 4).seg(4, "ef").seg(0, "abcd")
                .expect("abcd", 4, false)));
        t.add(new Case("capacity: FIN beyond it is dropped too", isn -> new Peer(isn, 4).seg(0, "abcdef", true)
                .expect("abcd", 4, false)));
        t.add(new Case("capacity: a dropped tail comes again later", isn -> new Peer(isn, 4).seg(0, "abcdef").read()
                .seg(0, "abcdef", true).expect("abcdef", 7, true)));
        t.add(new Case("window: capacity minus unread bytes", isn -> new Peer(isn, 10).seg(0, "abcd").window(6).read().window(10)));
        t.add(new Case("window: bytes waiting for a gap do not shrink it (the window starts at the ACK)", isn -> new Peer(isn, 10)
                .seg(4, "ef").window(10).seg(0, "abcd").window(4)));
        t.add(new Case("capacity: a FIN right at the edge still counts (it takes no room)", isn -> new Peer(isn, 4)
                .seg(0, "abcd", true).expect("abcd", 5, true)));
        return t;
    }

    @TestFactory
    Stream<DynamicTest> cases() {
        List<DynamicTest> t = new ArrayList<>();
        // Every named case runs from three ISNs: a small one, one where the stream crosses 2^32 after its first byte,
        // and 2^32 - 1 (the first byte has seq 0), so a receiver that breaks wrapped sequence numbers fails nearly
        // every check, not a few.
        for (Case c : named()) {
            t.add(check(c.name(), v -> {
                for (long isn : ISNS) {
                    c.steps().accept(isn);
                }
            }));
        }
        t.add(check("wraparound: isn = 2^32 - 1, the first byte has seq 0", v -> new Peer(MOD - 1, 64).seg(0, "abc")
                .expect("abc", 3, false)));
        t.add(check("wraparound: a segment that crosses 2^32", v -> new Peer(MOD - 3, 64).seg(0, "abcdef")
                .expect("abcdef", 6, false)));
        t.add(check("wraparound: out of order across 2^32", v -> new Peer(MOD - 3, 64).seg(4, "efgh").seg(0, "abcd")
                .expect("abcdefgh", 8, false)));
        t.add(check("wraparound: FIN right after 2^32", v -> new Peer(MOD - 2, 64).seg(0, "ab", true).expect("ab", 3, true)));
        t.add(check("wraparound: ACK wraps to a small number", v -> {
            Peer p = new Peer(MOD - 2, 64).seg(0, "abc");
            assertThat(p.r.ack()).as("ACK after isn = 2^32 - 2 and 3 bytes: (2^32 - 2 + 1 + 3) mod 2^32").isEqualTo(2);
        }));
        t.add(check("long stream: more than 2^32 would wrap, small steps keep it right", v -> {
            Peer p = new Peer(MOD - 100, 8);
            StringBuilder expected = new StringBuilder();
            for (int i = 0; i < 60; i++) {
                String chunk = String.valueOf((char) ('a' + i % 26)).repeat(4);
                p.seg(i * 4L, chunk).read();
                expected.append(chunk);
            }
            p.expect(expected.toString(), 240, false);
        }));
        return t.stream();
    }

    @TestFactory
    Stream<DynamicTest> randomisedDeliveries() {
        List<DynamicTest> t = new ArrayList<>();
        for (long seed = 1; seed <= 12; seed++) {
            long s = seed;
            t.add(dynamicTest("random overlapping, duplicated, reordered segments (seed " + s + ")",
                    () -> todoHint(() -> shuffled(s))));
        }
        return t.stream();
    }

    /**
     * End to end, as a sender would drive it: 12 streams (three of four crossing 2^32) through a small buffer, the sender
     * mostly retransmitting from just before the ACK (overlapping what already arrived: no segment but the first starts
     * right at it) and sometimes sending ahead (out of order, maybe beyond the window), the application reading now and
     * then. After every step the ACK lies
     * between what was read and what was read + capacity, the window is capacity minus the unread bytes, and what
     * read() returns continues the text. Weighted as much as all other checks together: a receiver that gets one
     * whole behaviour wrong (wrapping, overlaps, the capacity, the window) keeps at most half of the points.
     */
    @Test
    @Weight(48)
    void streamsThroughASmallBufferArriveWholeWithTheRightAckAndWindowAtEveryStep() {
        for (long seed = 1; seed <= 12; seed++) {
            throughASmallBuffer(seed);
        }
    }

    /** Most steps a stream may take before it must be complete. */
    static final int MAX_STEPS = 20_000;

    private static void throughASmallBuffer(long seed) {
        Random random = new Random(1000 + seed);
        int length = 100 + random.nextInt(400);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.append((char) ('a' + random.nextInt(26)));
        }
        long isn = seed % 4 == 0 ? random.nextLong(MOD) : MOD - 1 - random.nextInt(length);
        int capacity = 8 + random.nextInt(40);
        ReassemblyReceiver r = new ReassemblyReceiver(isn, capacity);
        StringBuilder read = new StringBuilder();
        String where = "stream " + seed + " (isn " + isn + ", " + length + " bytes, capacity " + capacity + ")";
        for (int step = 1; step <= MAX_STEPS && !(r.finished() && read.length() == length); step++) {
            long acked = Math.min(length, Math.floorMod(r.ack() - isn - 1, MOD)); // the FIN's +1 left out
            int from = random.nextInt(3) > 0 ? (int) Math.max(0, acked - 1 - random.nextInt(8)) // a retransmission
                    : (int) Math.min(length, acked + 1 + random.nextInt(capacity + 8)); // ahead, maybe beyond the window
            int to = Math.min(length, from + 1 + random.nextInt(24));
            r.onSegment(Math.floorMod(isn + 1 + from, MOD), text.substring(from, to).getBytes(StandardCharsets.US_ASCII),
                    to == length);
            if (random.nextInt(3) == 0) {
                String got = new String(r.read(), StandardCharsets.US_ASCII);
                assertThat(got.length()).as("%s, step %d: read() returned more than the capacity", where, step)
                        .isLessThanOrEqualTo(capacity);
                read.append(got);
                assertThat(text.substring(0, Math.min(length, read.length()))).as("%s, step %d: the bytes read so far are"
                        + " the text's first %d", where, step, read.length()).isEqualTo(read.toString());
            }
            long ackData = Math.floorMod(r.ack() - isn - 1, MOD) - (r.finished() ? 1 : 0);
            assertThat(ackData).as("%s, step %d (segment %d..%d%s): the ACK as a stream offset, between what was read"
                    + " (%d) and that + capacity", where, step, from, to, to == length ? "+FIN" : "", read.length())
                    .isBetween((long) read.length(), (long) read.length() + capacity);
            assertThat(r.window()).as("%s, step %d: window() = capacity - bytes delivered but not read (ACK offset %d,"
                    + " read %d)", where, step, ackData, read.length()).isEqualTo((int) (capacity - (ackData - read.length())));
        }
        assertThat(read.toString()).as("%s: the whole text, read after at most %d steps", where, MAX_STEPS)
                .isEqualTo(text.toString());
        assertThat(r.finished()).as("%s: finished() after the whole text and the FIN", where).isTrue();
    }

    /** A random text cut into random overlapping pieces, sent in random order with duplicates; FIN on the last. */
    private static void shuffled(long seed) {
        Random random = new Random(seed);
        int length = 50 + random.nextInt(400);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.append((char) ('a' + random.nextInt(26)));
        }
        // three of four streams cross 2^32 somewhere in the middle
        long isn = seed % 4 == 0 ? random.nextLong(MOD) : MOD - 1 - random.nextInt(length);
        record Piece(int from, int to) {
        }
        List<Piece> pieces = new ArrayList<>();
        for (int start = 0; start < length;) {
            int end = Math.min(length, start + 1 + random.nextInt(40));
            pieces.add(new Piece(Math.max(0, start - random.nextInt(8)), end)); // overlaps its predecessor
            start = end;
        }
        for (int i = 0, n = pieces.size(); i < n / 3; i++) {
            pieces.add(pieces.get(random.nextInt(n))); // duplicates
        }
        java.util.Collections.shuffle(pieces, random);
        Peer p = new Peer(isn, length + 1);
        for (Piece piece : pieces) {
            p.seg(piece.from(), text.substring(piece.from(), piece.to()), piece.to() == length);
        }
        String got = new String(p.r.read(), StandardCharsets.US_ASCII);
        assertThat(got).as("the stream after %d pieces in random order (seed %d, isn %d)", pieces.size(), seed, isn)
                .isEqualTo(text.toString());
        assertThat(p.r.finished()).as("finished() once every piece and the FIN arrived (seed %d)", seed).isTrue();
        assertThat(p.r.ack()).as("ACK after the whole stream and the FIN (seed %d)", seed).isEqualTo(p.seqOf(length + 1));
    }
}
