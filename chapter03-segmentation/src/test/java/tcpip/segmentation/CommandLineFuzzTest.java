package tcpip.segmentation;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tcpip.segmentation.buffers.BlockedWriterClient;
import tcpip.segmentation.buffers.BufferSizeClient;
import tcpip.segmentation.buffers.BufferSizeServer;
import tcpip.segmentation.buffers.SlowReaderServer;
import tcpip.segmentation.framing.LengthPrefixClient;
import tcpip.segmentation.framing.LengthPrefixServer;
import tcpip.segmentation.framing.LineClient;
import tcpip.segmentation.framing.LineServer;
import tcpip.segmentation.framing.ReadSizeServer;
import tcpip.segmentation.framing.WriteBurstClient;
import tcpip.segmentation.loss.LabPeer;
import tcpip.segmentation.loss.LossLab;
import tcpip.segmentation.mss.MssClient;
import tcpip.segmentation.mss.MssServer;
import tcpip.segmentation.nagle.NagleClient;
import tcpip.segmentation.nagle.RequestResponseServer;
import tcpip.segmentation.seqack.SeqAckSimulator;
import tcpip.segmentation.throughput.BulkReceiver;
import tcpip.segmentation.throughput.BulkSender;
import tcpip.testing.CliFuzz;

/**
 * Every main of the chapter refuses every bad value of every flag (read from its --help) in one line
 * that names the flag or the value, with a non-zero exit and no stack trace (course-testing's
 * {@link CliFuzz}). Servers get a port the fuzz holds and clients {@code --port 1}, where nothing listens.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CommandLineFuzzTest {

    @Test
    void servers() {
        zeroIsLegal(CliFuzz.of(SlowReaderServer.class).onBusyPort(), "--hold").assertEveryBadValueRefused();
        zeroIsLegal(CliFuzz.of(ReadSizeServer.class).onBusyPort(), "--read-delay").assertEveryBadValueRefused();
        for (Class<?> server : List.of(StreamServer.class, LineServer.class, LengthPrefixServer.class,
                RequestResponseServer.class, BulkReceiver.class, BufferSizeServer.class, MssServer.class)) {
            CliFuzz.of(server).onBusyPort().assertEveryBadValueRefused();
        }
    }

    /** Not a finding: the fuzz tries 0s as a bad TIME, but for {@code flag} it is legal (no pause at all). */
    static CliFuzz zeroIsLegal(CliFuzz fuzz, String flag) {
        return fuzz.knownElsewhere(flag + " 0s is legal here: no pause (not a finding)",
                o -> o.args().equals(List.of(flag, "0s")));
    }

    @Test
    void clients() {
        for (Class<?> client : List.of(StreamClient.class, LineClient.class, LengthPrefixClient.class, NagleClient.class,
                BulkSender.class, BufferSizeClient.class, BlockedWriterClient.class, WriteBurstClient.class,
                MssClient.class)) {
            CliFuzz.of(client).before("--port", "1").assertEveryBadValueRefused();
        }
    }

    @Test
    void demosAndLabs() {
        CliFuzz.of(SeqAckSimulator.class).assertEveryBadValueRefused();
        CliFuzz.of(LabPeer.class).assertEveryBadValueRefused();
        CliFuzz.of(LossLab.class).assertEveryBadValueRefused();
        CliFuzz.of(SegmentationDemo.class).before("--no-pause").also("--only", "no-such-stage")
                .also("--stage", "no-such-stage").assertEveryBadValueRefused();
    }
}
