package tcpip.segmentation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
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
import tcpip.segmentation.mss.MssClient;
import tcpip.segmentation.mss.MssServer;
import tcpip.segmentation.nagle.NagleClient;
import tcpip.segmentation.nagle.RequestResponseServer;
import tcpip.segmentation.throughput.BulkReceiver;
import tcpip.segmentation.throughput.BulkSender;
import tcpip.testing.CliContract;
import tcpip.testing.MainRunner;

/** Every main of this chapter: --help works, bad arguments give one line and exit 2. */
@Isolated // runs mains in this JVM (they swap its stdout and language): nothing may run beside it
class CommandLineTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(classes = {ReadSizeServer.class, LineServer.class, LengthPrefixServer.class, BufferSizeServer.class,
        SlowReaderServer.class, RequestResponseServer.class, MssServer.class, BulkReceiver.class,
        WriteBurstClient.class, LineClient.class, LengthPrefixClient.class, BufferSizeClient.class,
        BlockedWriterClient.class, NagleClient.class, MssClient.class, BulkSender.class})
    @Timeout(60)
    void networkMainsKeepTheContract(Class<?> main) {
        CliContract.assertHelpAndBadArguments(main); // --help and an unknown option; flag values: ServerOptionsTest
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(classes = {SegmentationDemo.class}) // SeqAckSimulator: seqack.SeqAckCommandLineTest
    @Timeout(60)
    void otherMainsKeepTheContract(Class<?> main) {
        CliContract.assertHelpAndBadArguments(main, new String[] {"--stage"});
    }

    /**
     * Every server has a whole-request deadline beside the read and write ones, and says so in --help in
     * both languages; for the five that only receive, the request is the whole connection (ReceiveDeadlinesTest).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(classes = {ReadSizeServer.class, LineServer.class, LengthPrefixServer.class, BufferSizeServer.class,
        SlowReaderServer.class, RequestResponseServer.class, MssServer.class, BulkReceiver.class})
    @Timeout(60)
    void everyServerListsItsRequestDeadline(Class<?> main) {
        for (String lang : new String[] {"en", "ko"}) {
            MainRunner.Result help = MainRunner.runHere(Duration.ofSeconds(20), main, "--lang", lang, "--help");
            assertThat(help.exitCode()).as("%s --lang %s --help (stderr: %s)", main.getSimpleName(), lang, help.stderr())
                    .isZero();
            String line = help.stdout().lines().filter(l -> l.contains("--request-timeout")).findFirst().orElse("");
            assertThat(line).as("%s --lang %s --help", main.getSimpleName(), lang).contains("--request-timeout")
                    .containsPattern(lang.equals("ko") ? "[가-힣]" : "whole (request|connection)");
        }
    }
}
