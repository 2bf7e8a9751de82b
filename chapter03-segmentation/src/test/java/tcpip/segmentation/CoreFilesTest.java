package tcpip.segmentation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tcpip.testing.CoreContract;
import tcpip.narration.Narrator;
import tcpip.segmentation.buffers.BlockedWriterClient;
import tcpip.segmentation.buffers.BufferStages;
import tcpip.segmentation.buffers.BufferCore;
import tcpip.segmentation.buffers.BufferReport;
import tcpip.segmentation.buffers.BufferSizeClient;
import tcpip.segmentation.buffers.SlowReaderServer;
import tcpip.segmentation.buffers.WindowCore;
import tcpip.segmentation.buffers.WindowFill;
import tcpip.segmentation.framing.FramingStages;
import tcpip.segmentation.framing.LengthPrefixClient;
import tcpip.segmentation.framing.LengthPrefixCore;
import tcpip.segmentation.framing.LengthPrefixServer;
import tcpip.segmentation.framing.LineClient;
import tcpip.segmentation.framing.LineCore;
import tcpip.segmentation.framing.LineServer;
import tcpip.segmentation.framing.ReadSizeServer;
import tcpip.segmentation.framing.StreamCore;
import tcpip.segmentation.framing.WriteBurstClient;
import tcpip.segmentation.loss.LabPeer;
import tcpip.segmentation.loss.LossCore;
import tcpip.segmentation.mss.MssClient;
import tcpip.segmentation.mss.MssCore;
import tcpip.segmentation.mss.MssServer;
import tcpip.segmentation.mss.MssStages;
import tcpip.segmentation.nagle.NagleClient;
import tcpip.segmentation.nagle.NagleCore;
import tcpip.segmentation.nagle.NagleStages;
import tcpip.segmentation.nagle.RequestResponseServer;
import tcpip.segmentation.throughput.BulkReceiver;
import tcpip.segmentation.throughput.BulkSender;
import tcpip.segmentation.throughput.ThroughputStages;
import tcpip.segmentation.throughput.ThroughputCore;

/**
 * Issue 11 items 1-2: every lesson has a short core file whose marker comments balance; the mains
 * call their core instead of re-implementing it; the demo's stages print the core's real lines.
 */
class CoreFilesTest {

    /** Each lesson's core and the programs that must call it. */
    private static final Map<Class<?>, List<Class<?>>> CORES = Map.of(
            StreamCore.class, List.of(StreamServer.class, StreamClient.class, ReadSizeServer.class, WriteBurstClient.class),
            LineCore.class, List.of(LineServer.class, LineClient.class),
            LengthPrefixCore.class, List.of(LengthPrefixServer.class, LengthPrefixClient.class),
            BufferCore.class, List.of(BufferSizeClient.class, BufferReport.class), // the client prints its report
            WindowCore.class, List.of(SlowReaderServer.class, BlockedWriterClient.class, WindowFill.class),
            NagleCore.class, List.of(RequestResponseServer.class, NagleClient.class),
            MssCore.class, List.of(MssServer.class, MssClient.class),
            ThroughputCore.class, List.of(BulkReceiver.class, BulkSender.class),
            LossCore.class, List.of(LabPeer.class));

    @Test
    void everyCoreKeepsTheCoreFileRule() {
        CORES.keySet().forEach(CoreContract::assertCoreFile);
    }

    @Test
    void everyCoreMethodIsCalledByAProgramALearnerRuns() {
        CORES.forEach((core, programs) -> CoreContract.assertEveryCoreMethodRuns(core, programs.toArray(Class<?>[]::new)));
    }

    @Test
    void everyMarkerTheDemoPrintsExistsAndTheDemoShowsRealLines() throws Exception {
        List<Class<?>> narrated = List.of(FramingStages.class, BufferStages.class, NagleStages.class, MssStages.class,
                ThroughputStages.class);
        CoreContract.assertQuotedMarkersExist(narrated, CORES.keySet());

        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Narrator n = new Narrator(new PrintStream(buf, true, StandardCharsets.UTF_8));
        n.code(StreamCore.class, "one-write");
        assertThat(buf.toString(StandardCharsets.UTF_8)).contains("StreamCore.java [one-write]")
                .contains("socket.getOutputStream().write(data);");
    }
}
