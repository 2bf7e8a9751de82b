package tcpip.echo;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tcpip.echo.blocking.EchoClient;
import tcpip.echo.blocking.EchoServer;
import tcpip.echo.blocking.PlainEchoServer;
import tcpip.echo.nio.NioEchoClient;
import tcpip.echo.nio.NioEchoServer;
import tcpip.echo.selector.SelectorEchoServer;
import tcpip.testing.CliFuzz;

/**
 * Every main of the chapter refuses every bad value of every flag (read from its --help) in one
 * line that names the flag or the value, with a non-zero exit and no stack trace. Servers get a port
 * the fuzz holds and clients {@code --port 1}, where nothing listens: a value accepted by mistake then
 * fails at once (address in use, connection refused) with a line that names neither, and is caught.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CommandLineFuzzTest {

    @Test
    void plainEchoServer() {
        CliFuzz.of(PlainEchoServer.class).onBusyPort().assertEveryBadValueRefused();
    }

    @Test
    void echoServer() {
        CliFuzz.of(EchoServer.class).onBusyPort().assertEveryBadValueRefused();
    }

    @Test
    void nioEchoServer() {
        CliFuzz.of(NioEchoServer.class).onBusyPort().assertEveryBadValueRefused();
    }

    @Test
    void selectorEchoServer() {
        CliFuzz.of(SelectorEchoServer.class).onBusyPort().assertEveryBadValueRefused();
    }

    @Test
    void echoClient() {
        CliFuzz.of(EchoClient.class).before("--port", "1", "--message", "fuzz")
                .also("--ping", "10", "--load", "10").assertEveryBadValueRefused();
    }

    @Test
    void nioEchoClient() {
        CliFuzz.of(NioEchoClient.class).before("--port", "1", "--message", "fuzz").assertEveryBadValueRefused();
    }

    @Test
    void echoDemo() {
        CliFuzz.of(EchoDemo.class).before("--no-pause").also("--only", "no-such-stage").also("--stage", "no-such-stage")
                .also("--only", "connect\nforged: line").assertEveryBadValueRefused();
    }
}
