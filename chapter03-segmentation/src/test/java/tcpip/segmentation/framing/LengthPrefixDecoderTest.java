package tcpip.segmentation.framing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The length-prefix decoder on every malformed input, and on good input cut anywhere. */
class LengthPrefixDecoderTest {

    private static byte[] stream(String... payloads) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String p : payloads) {
            out.writeBytes(LengthPrefixEncoder.encode(p.getBytes(StandardCharsets.UTF_8)));
        }
        return out.toByteArray();
    }

    private static List<String> strings(List<byte[]> frames) {
        return frames.stream().map(f -> new String(f, StandardCharsets.UTF_8)).toList();
    }

    @Test
    void decodesFramesSplitAtEveryByteOffset() throws Exception {
        byte[] all = stream("first", "", "third frame");
        for (int cut = 0; cut <= all.length; cut++) {
            LengthPrefixDecoder d = new LengthPrefixDecoder();
            List<byte[]> frames = new ArrayList<>(d.feed(all, 0, cut));
            frames.addAll(d.feed(all, cut, all.length - cut));
            assertThat(strings(frames)).as("stream cut after byte %d", cut).containsExactly("first", "", "third frame");
            d.finish();
        }
    }

    @Test
    void decodesOneByteAtATime() throws Exception {
        byte[] all = stream("a", "bc", "def");
        LengthPrefixDecoder d = new LengthPrefixDecoder();
        List<byte[]> frames = new ArrayList<>();
        for (byte b : all) {
            frames.addAll(d.feed(new byte[] {b}));
        }
        assertThat(strings(frames)).containsExactly("a", "bc", "def");
        assertThat(d.midFrame()).isFalse();
    }

    @Test
    void rejectsNegativeLength() {
        LengthPrefixDecoder d = new LengthPrefixDecoder();
        assertThatThrownBy(() -> d.feed(ByteBuffer.allocate(4).putInt(-1).array()))
                .isInstanceOf(FrameException.class).hasMessageContaining("negative frame length -1");
        assertThatThrownBy(() -> d.feed(new byte[1])).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void rejectsHugeLengthEvenWhenSplit() throws Exception {
        byte[] header = ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE).array();
        LengthPrefixDecoder d = new LengthPrefixDecoder();
        assertThat(d.feed(header, 0, 3)).isEmpty();
        assertThat(d.midFrame()).isTrue();
        assertThatThrownBy(() -> d.feed(header, 3, 1)).isInstanceOf(FrameException.class)
                .hasMessageContaining("larger than the maximum 1048576");
    }

    @Test
    void maximumIsConfigurableAndInclusive() throws Exception {
        LengthPrefixDecoder d = new LengthPrefixDecoder(5);
        assertThat(strings(d.feed(stream("12345")))).containsExactly("12345");
        assertThatThrownBy(() -> d.feed(stream("123456"))).isInstanceOf(FrameException.class)
                .hasMessageContaining("larger than the maximum 5");
        assertThat(new LengthPrefixDecoder(LengthPrefixDecoder.DEFAULT_MAX_FRAME + 1)
                .feed(LengthPrefixEncoder.encode(new byte[LengthPrefixDecoder.DEFAULT_MAX_FRAME + 1]))).hasSize(1);
    }

    @Test
    void rejectsBadLengthBeforeAllocatingThePayload() throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().threadId();
        byte[] tooBig = ByteBuffer.allocate(4).putInt(LengthPrefixDecoder.DEFAULT_MAX_FRAME + 1).array();
        byte[] justRight = ByteBuffer.allocate(4).putInt(LengthPrefixDecoder.DEFAULT_MAX_FRAME).array();
        new LengthPrefixDecoder().feed(justRight); // warm up the code paths once
        try {
            new LengthPrefixDecoder().feed(tooBig);
        } catch (FrameException expected) {
            // warm-up
        }
        long before = threads.getThreadAllocatedBytes(id);
        new LengthPrefixDecoder().feed(justRight);
        long accepted = threads.getThreadAllocatedBytes(id) - before;
        before = threads.getThreadAllocatedBytes(id);
        try {
            new LengthPrefixDecoder().feed(tooBig);
        } catch (FrameException expected) {
            // refused
        }
        long refused = threads.getThreadAllocatedBytes(id) - before;
        assertThat(accepted).as("a 1 MiB length allocates the 1 MiB payload").isGreaterThanOrEqualTo(1 << 20);
        assertThat(refused).as("a refused length must not allocate its payload").isLessThan(64 * 1024);
    }

    @Test
    void truncatedInsideLengthOrPayloadIsAnErrorAtEndOfStream() throws Exception {
        byte[] all = stream("hello");
        for (int cut = 1; cut < all.length; cut++) {
            LengthPrefixDecoder d = new LengthPrefixDecoder();
            assertThat(d.feed(all, 0, cut)).isEmpty();
            assertThatThrownBy(d::finish).as("stream ends after byte %d", cut).isInstanceOf(FrameException.class)
                    .hasMessageContaining("truncated frame");
        }
    }
}
