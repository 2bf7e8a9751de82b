package tcpip.segmentation.framing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The line decoder on good input cut anywhere and on every malformed input. */
class LineDecoderTest {

    @Test
    void decodesLinesSplitAtEveryByteOffset() throws Exception {
        byte[] all = "one\r\ntwo\n\nthree\n".getBytes(StandardCharsets.UTF_8);
        for (int cut = 0; cut <= all.length; cut++) {
            LineDecoder d = new LineDecoder();
            List<String> lines = new ArrayList<>(d.feed(all, 0, cut));
            lines.addAll(d.feed(all, cut, all.length - cut));
            assertThat(lines).as("cut after byte %d", cut).containsExactly("one", "two", "", "three");
            d.finish();
        }
    }

    @Test
    void refusesALineLongerThanTheMaximumWhileItArrives() throws Exception {
        LineDecoder d = new LineDecoder(4);
        assertThat(d.feed("abcd\n".getBytes(StandardCharsets.UTF_8))).containsExactly("abcd");
        assertThat(d.feed("abcd\r\n".getBytes(StandardCharsets.UTF_8))).containsExactly("abcd");
        assertThatThrownBy(() -> d.feed("abcde\n".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(FrameException.class).hasMessageContaining("longer than the maximum 4");
        LineDecoder endless = new LineDecoder(4);
        assertThatThrownBy(() -> endless.feed(new byte[100])).isInstanceOf(FrameException.class)
                .hasMessageContaining("without a newline");
    }

    @Test
    void truncatedLineIsAnErrorAtEndOfStream() throws Exception {
        LineDecoder d = new LineDecoder();
        assertThat(d.feed("done\nhalf".getBytes(StandardCharsets.UTF_8))).containsExactly("done");
        assertThat(d.midLine()).isTrue();
        assertThatThrownBy(d::finish).isInstanceOf(FrameException.class).hasMessageContaining("truncated line");
    }
}
