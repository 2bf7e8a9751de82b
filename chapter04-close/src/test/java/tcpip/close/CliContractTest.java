package tcpip.close;

import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tcpip.testing.CliContract;

/** Every main of this chapter: --help exits 0, bad arguments give one line and exit 2. */
@Timeout(120)
class CliContractTest {

    static Stream<Arguments> mains() {
        return Stream.of(
                Arguments.of(OrderlyCloseServer.class, new String[] {"--closes-first", "nobody"}),
                Arguments.of(OrderlyCloseClient.class, new String[] {"--port", "70000"}),
                Arguments.of(HalfCloseFileServer.class, new String[] {"--drain-timeout", "soon"}),
                Arguments.of(HalfCloseFileClient.class, new String[] {"--port", "7304"}), // --file missing
                Arguments.of(LingerServer.class, new String[] {"--linger", "-1"}),
                Arguments.of(LingerClient.class, new String[] {"--rcvbuf", "lots"}),
                Arguments.of(ClosedPeerServer.class, new String[] {"--unread-data=yes"}),
                Arguments.of(ClosedPeerClient.class, new String[] {"--port"}),
                Arguments.of(TimeWaitRestartServer.class, new String[] {"--connections", "0"}),
                Arguments.of(TimeWaitClient.class, new String[] {"--count", "x"}),
                Arguments.of(CloseDemo.class, new String[] {"--stage", "no-such-stage"}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mains")
    void helpAndBadArguments(Class<?> main, String[] bad) {
        CliContract.assertHelpAndBadArguments(main, bad);
    }
}
