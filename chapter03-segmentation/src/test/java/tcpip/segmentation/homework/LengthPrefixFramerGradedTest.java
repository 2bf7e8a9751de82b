package tcpip.segmentation.homework;

import tcpip.net.LoopbackPair;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import tcpip.segmentation.FrameException;
import tcpip.testing.TodoHint;

/** Grades LengthPrefixFramer: frames survive any cut TCP makes, bad lengths are refused. */
@ExtendWith(TodoHint.class)
@Timeout(20)
class LengthPrefixFramerGradedTest {

    private static final int MAX = 1 << 20;

    @Test
    void writesTheLengthBigEndianThenThePayload() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LengthPrefixFramer.writeFrame(out, "hi!".getBytes(StandardCharsets.UTF_8));
        assertThat(out.toByteArray()).as("a frame for \"hi!\" is 00 00 00 03 then the 3 bytes")
                .containsExactly(0, 0, 0, 3, 'h', 'i', '!');
    }

    @Test
    void framesSurviveALoopbackConnectionThatDeliversOneByteAtATime() throws Exception {
        try (LoopbackPair pair = LoopbackPair.open((c, l) -> c.setTcpNoDelay(true))) {
            ByteArrayOutputStream frames = new ByteArrayOutputStream();
            LengthPrefixFramer.writeFrame(frames, "first".getBytes(StandardCharsets.UTF_8));
            LengthPrefixFramer.writeFrame(frames, new byte[0]);
            LengthPrefixFramer.writeFrame(frames, new byte[70_000]);
            OutputStream out = pair.client().getOutputStream();
            Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    for (byte b : frames.toByteArray()) {
                        out.write(b); // one byte per write(): the reader sees the frames in tiny pieces
                    }
                    pair.client().shutdownOutput();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            InputStream in = pair.server().getInputStream();
            assertThat(LengthPrefixFramer.readFrame(in, MAX)).as("first frame: one read() may return only part of "
                    + "it; keep reading until the length says the payload is complete").asString().isEqualTo("first");
            assertThat(LengthPrefixFramer.readFrame(in, MAX)).as("an empty frame (length 0) is a frame").isEmpty();
            assertThat(LengthPrefixFramer.readFrame(in, MAX)).as("a 70,000-byte frame needs many reads").hasSize(70_000);
            assertThat(LengthPrefixFramer.readFrame(in, MAX)).as("after the peer's FIN between frames: null").isNull();
            writer.join();
        }
    }

    @Test
    void refusesNegativeAndTooLargeLengthsBeforeReadingThePayload() {
        InputStream negative = new ByteArrayInputStream(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xfe});
        assertThat(thrownBy(() -> LengthPrefixFramer.readFrame(negative, MAX)))
                .as("ff ff ff fe is -2 as an int: no frame has a negative length; throw FrameException")
                .isInstanceOf(FrameException.class);
        // Only the header is there: if the code tried to allocate or read 2 GiB first, it would fail differently.
        InputStream huge = new ByteArrayInputStream(new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff});
        assertThat(thrownBy(() -> LengthPrefixFramer.readFrame(huge, MAX)))
                .as("a length over maxFrame must be refused with FrameException before allocating or reading it")
                .isInstanceOf(FrameException.class);
        InputStream justOver = new ByteArrayInputStream(new byte[] {0, 0, 0, 11});
        assertThat(thrownBy(() -> LengthPrefixFramer.readFrame(justOver, 10))).as("maxFrame 10, length 11")
                .isInstanceOf(FrameException.class);
    }

    @Test
    void aStreamThatEndsInsideAFrameIsAnEofError() {
        assertThat(thrownBy(() -> LengthPrefixFramer.readFrame(new ByteArrayInputStream(new byte[] {0, 0}), MAX)))
                .as("the peer closed inside the length: EOFException, not a clean end")
                .isInstanceOf(EOFException.class);
        assertThat(thrownBy(() -> LengthPrefixFramer.readFrame(new ByteArrayInputStream(new byte[] {0, 0, 0, 5, 'a'}), MAX)))
                .as("the peer closed after 1 of 5 payload bytes: EOFException")
                .isInstanceOf(EOFException.class);
    }

    /** What the call threw; an unfinished template's TODO is passed on so TodoHint reports it. */
    private static Throwable thrownBy(ThrowingCallable call) {
        Throwable t = catchThrowable(call);
        if (t instanceof UnsupportedOperationException u && u.getMessage() != null && u.getMessage().startsWith("TODO")) {
            throw u;
        }
        return t;
    }
}
