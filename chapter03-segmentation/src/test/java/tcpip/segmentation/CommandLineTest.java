package tcpip.segmentation;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tcpip.testing.CliContract;

/** Every main of this chapter: --help works, bad arguments give one line and exit 2. */
@Execution(ExecutionMode.CONCURRENT)
class CommandLineTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(classes = {ReadSizeServer.class, WriteBurstClient.class, LineServer.class, LineClient.class,
        LengthPrefixServer.class, LengthPrefixClient.class, BufferSizeServer.class, BufferSizeClient.class,
        SlowReaderServer.class, BlockedWriterClient.class, RequestResponseServer.class, NagleClient.class,
        MssServer.class, MssClient.class, BulkReceiver.class, BulkSender.class})
    @Timeout(60)
    void networkMainsKeepTheContract(Class<?> main) {
        CliContract.assertHelpAndBadArguments(main, new String[] {"--port", "70000"});
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(classes = {SeqAckSimulator.class, SegmentationDemo.class})
    @Timeout(60)
    void otherMainsKeepTheContract(Class<?> main) {
        CliContract.assertHelpAndBadArguments(main, new String[] {"--stage"});
    }
}
