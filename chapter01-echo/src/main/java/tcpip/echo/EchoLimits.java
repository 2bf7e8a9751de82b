package tcpip.echo;

import java.time.Duration;
import java.util.function.Supplier;
import tcpip.cli.Cli;
import tcpip.cli.Messages;
import tcpip.net.AcceptLoop;

/**
 * The caps and deadlines every echo server of this chapter takes, and the flags that set them.
 *
 * @param maxConnections clients served at once; one more is accepted, told "server busy" and closed
 * @param readDeadline   a client that sends nothing for this long is closed
 * @param writeDeadline  a client that does not read is closed once our write has waited this long
 * @param sendBuffer     SO_SNDBUF asked for each connection, 0 = the kernel's default (tcp_wmem)
 */
record EchoLimits(int maxConnections, Duration readDeadline, Duration writeDeadline, int sendBuffer) {

    /** The largest SO_SNDBUF a flag may ask for (the kernel caps it at net.core.wmem_max anyway). */
    static final int MAX_SEND_BUFFER = 64 << 20;
    private static final Messages MSG = Messages.of("tcpip.echo.messages");

    EchoLimits {
        if (maxConnections < 1 || readDeadline.isNegative() || readDeadline.isZero() || writeDeadline.isNegative()
                || writeDeadline.isZero() || sendBuffer < 0) {
            throw new IllegalArgumentException("bad limits: " + maxConnections + ", " + readDeadline + ", "
                    + writeDeadline + ", " + sendBuffer);
        }
    }

    /** The shared safe defaults: 1,000 connections, 30 s read deadline, 10 s write deadline. */
    static EchoLimits defaults() {
        return new EchoLimits(AcceptLoop.DEFAULT_MAX_CONNECTIONS, AcceptLoop.DEFAULT_READ_DEADLINE,
                AcceptLoop.DEFAULT_WRITE_DEADLINE, 0);
    }

    EchoLimits withReadDeadline(Duration d) {
        return new EchoLimits(maxConnections, d, writeDeadline, sendBuffer);
    }

    EchoLimits withWriteDeadline(Duration d) {
        return new EchoLimits(maxConnections, readDeadline, d, sendBuffer);
    }

    EchoLimits withMaxConnections(int max) {
        return new EchoLimits(max, readDeadline, writeDeadline, sendBuffer);
    }

    EchoLimits withSendBuffer(int bytes) {
        return new EchoLimits(maxConnections, readDeadline, writeDeadline, bytes);
    }

    /** Declares --max-connections, --read-deadline, --write-deadline and --send-buffer; read after parse(). */
    static Supplier<EchoLimits> flags(Cli cli) {
        EchoLimits d = defaults();
        Cli.Option<Integer> max = cli.intOption("--max-connections", d.maxConnections(), 1, 1_000_000,
                MSG.get("EchoLimits.opt.maxConnections"));
        Cli.Option<Duration> read = cli.durationOption("--read-deadline", d.readDeadline(),
                MSG.get("EchoLimits.opt.readDeadline"));
        Cli.Option<Duration> write = cli.durationOption("--write-deadline", d.writeDeadline(),
                MSG.get("EchoLimits.opt.writeDeadline"));
        Cli.Option<Long> sendBuffer = cli.sizeOption("--send-buffer", 0, 0, MAX_SEND_BUFFER,
                MSG.get("EchoLimits.opt.sendBuffer"));
        return () -> new EchoLimits(max.get(), read.get(), write.get(), sendBuffer.get().intValue());
    }

    /**
     * A server's start-up line, the sentence {@code key}: its own arguments {@code first} (address,
     * mode…), then these limits: max connections, read and write deadline in ms, buffer bytes.
     */
    String listening(String key, String... first) {
        String[] args = java.util.Arrays.copyOf(first, first.length + 4);
        args[first.length] = String.valueOf(maxConnections);
        args[first.length + 1] = String.valueOf(readDeadline.toMillis());
        args[first.length + 2] = String.valueOf(writeDeadline.toMillis());
        args[first.length + 3] = String.valueOf(EchoCore.BUFFER_SIZE);
        return MSG.get(key, (Object[]) args);
    }
}
