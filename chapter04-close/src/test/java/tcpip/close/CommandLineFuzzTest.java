package tcpip.close;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tcpip.close.halfclose.HalfCloseFileClient;
import tcpip.close.halfclose.HalfCloseFileServer;
import tcpip.close.orderly.OrderlyCloseClient;
import tcpip.close.orderly.OrderlyCloseServer;
import tcpip.close.reset.ClosedPeerClient;
import tcpip.close.reset.ClosedPeerServer;
import tcpip.close.reset.LingerClient;
import tcpip.close.reset.LingerServer;
import tcpip.close.timewait.TimeWaitClient;
import tcpip.close.timewait.TimeWaitMyths;
import tcpip.close.timewait.TimeWaitRestartServer;
import tcpip.testing.CliFuzz;

/**
 * Every main of the chapter refuses every bad value of every flag (read from its --help) in one line
 * that names the flag or the value, with a non-zero exit and no stack trace (course-testing's
 * {@link CliFuzz}). Servers get a port the fuzz holds and clients {@code --port 1}, where nothing
 * listens. HalfCloseFileClient's own cases are the names it once took badly: {@code --file /} printed a
 * NullPointerException's stack trace, {@code --file ..} and an {@code --out} that is a directory went on.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CommandLineFuzzTest {

    /** Not a finding: the fuzz tries 0s as a bad TIME, but here it is a legal value. */
    static final String PAUSE_ZERO = "--second-close-pause 0s is legal: the second close at once (the README runs it)";

    static boolean pauseZero(CliFuzz.Outcome o) {
        return o.args().equals(java.util.List.of("--second-close-pause", "0s"));
    }

    @Test
    void servers() {
        CliFuzz.of(OrderlyCloseServer.class).onBusyPort().knownElsewhere(PAUSE_ZERO, CommandLineFuzzTest::pauseZero)
                .assertEveryBadValueRefused();
        for (Class<?> server : new Class<?>[] {CloseFirstServer.class, ClosedPeerServer.class, LingerServer.class,
                TimeWaitRestartServer.class}) {
            CliFuzz.of(server).onBusyPort().assertEveryBadValueRefused();
        }
        CliFuzz.of(HalfCloseFileServer.class).onBusyPort().also("--root", "/dev/null")
                .also("--root", "/proc/self/no-such-dir").assertEveryBadValueRefused();
    }

    @Test
    void halfCloseFileClient() {
        CliFuzz.of(HalfCloseFileClient.class).before("--port", "1").also("--file", "/").also("--file", "..")
                .also("--file", "dir/").also("--out", "/tmp", "--file", "x").also("--out", "/nonexistent/x", "--file", "x")
                .assertEveryBadValueRefused();
    }

    @Test
    void clients() {
        CliFuzz.of(CloseSecondClient.class).before("--port", "1").assertEveryBadValueRefused();
        CliFuzz.of(OrderlyCloseClient.class).before("--port", "1").knownElsewhere(PAUSE_ZERO, CommandLineFuzzTest::pauseZero)
                .assertEveryBadValueRefused();
        CliFuzz.of(ClosedPeerClient.class).before("--port", "1").assertEveryBadValueRefused();
        CliFuzz.of(LingerClient.class).before("--port", "1").knownElsewhere("--stall 0s is legal: read at once",
                o -> o.args().equals(java.util.List.of("--stall", "0s"))).assertEveryBadValueRefused();
        CliFuzz.of(TimeWaitClient.class).before("--port", "1").assertEveryBadValueRefused();
    }

    @Test
    void demos() {
        CliFuzz.of(TimeWaitMyths.class).assertEveryBadValueRefused();
        CliFuzz.of(CloseDemo.class).before("--no-pause").also("--only", "no-such-stage").also("--stage", "no-such-stage")
                .assertEveryBadValueRefused();
    }
}
