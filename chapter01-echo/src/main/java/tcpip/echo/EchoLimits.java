package tcpip.echo;

import java.time.Duration;
import java.util.Arrays;
import java.util.function.Supplier;
import tcpip.cli.Cli;
import tcpip.echo.blocking.EchoCore;
import tcpip.net.AcceptLoop;
import tcpip.net.RequestDeadline;

/**
 * The caps and deadlines every echo server of this chapter takes, and the flags that set them.
 *
 * @param maxConnections  clients served at once; one more is accepted, told "server busy" and closed
 * @param readDeadline    a client that sends nothing for this long is closed ({@code --read-timeout})
 * @param writeDeadline   a client that does not read is closed once our write has waited this long ({@code --write-timeout})
 * @param requestDeadline one request (a line, or {@link EchoCore#BUFFER_SIZE} bytes without a newline) and its
 *                        echo must be done within this, however slowly the client sends or reads ({@code --request-timeout})
 * @param sendBuffer      SO_SNDBUF asked for each connection, 0 = the kernel's default (tcp_wmem)
 */
public record EchoLimits(int maxConnections, Duration readDeadline, Duration writeDeadline, Duration requestDeadline,
        int sendBuffer) {

    /** The largest SO_SNDBUF a flag may ask for (the kernel caps it at net.core.wmem_max anyway). */
    public static final int MAX_SEND_BUFFER = 64 << 20;

    public EchoLimits {
        if (maxConnections < 1 || !positive(readDeadline) || !positive(writeDeadline) || !positive(requestDeadline)
                || sendBuffer < 0) {
            throw new IllegalArgumentException("bad limits: " + maxConnections + ", " + readDeadline + ", "
                    + writeDeadline + ", " + requestDeadline + ", " + sendBuffer);
        }
    }

    private static boolean positive(Duration d) {
        return !d.isNegative() && !d.isZero();
    }

    /** The shared safe defaults: 1,000 connections, 30 s read, 10 s write, 60 s request deadline. */
    public static EchoLimits defaults() {
        return new EchoLimits(AcceptLoop.DEFAULT_MAX_CONNECTIONS, AcceptLoop.DEFAULT_READ_DEADLINE,
                AcceptLoop.DEFAULT_WRITE_DEADLINE, AcceptLoop.DEFAULT_REQUEST_DEADLINE, 0);
    }

    public EchoLimits withReadDeadline(Duration d) {
        return new EchoLimits(maxConnections, d, writeDeadline, requestDeadline, sendBuffer);
    }

    public EchoLimits withWriteDeadline(Duration d) {
        return new EchoLimits(maxConnections, readDeadline, d, requestDeadline, sendBuffer);
    }

    public EchoLimits withRequestDeadline(Duration d) {
        return new EchoLimits(maxConnections, readDeadline, writeDeadline, d, sendBuffer);
    }

    public EchoLimits withMaxConnections(int max) {
        return new EchoLimits(max, readDeadline, writeDeadline, requestDeadline, sendBuffer);
    }

    public EchoLimits withSendBuffer(int bytes) {
        return new EchoLimits(maxConnections, readDeadline, writeDeadline, requestDeadline, bytes);
    }

    /** A new request clock for one connection: a request is a line, or one buffer's worth of bytes without one. */
    public RequestDeadline newRequestDeadline() {
        return RequestDeadline.lines(requestDeadline, EchoCore.BUFFER_SIZE);
    }

    /**
     * Declares --max-connections, --read-timeout, --write-timeout, --request-timeout and --send-buffer
     * (and the old spellings --read-deadline, --write-deadline, kept as aliases); read after parse().
     */
    public static Supplier<EchoLimits> flags(Cli cli) {
        EchoLimits d = defaults();
        Cli.Option<Integer> max = cli.intOption("--max-connections", d.maxConnections(), 1, 1_000_000,
                Msg.get("EchoLimits.opt.maxConnections"));
        Cli.Option<Duration> read = cli.durationOption("--read-timeout", d.readDeadline(),
                Msg.get("EchoLimits.opt.readDeadline"));
        Cli.Option<Duration> write = cli.durationOption("--write-timeout", d.writeDeadline(),
                Msg.get("EchoLimits.opt.writeDeadline"));
        Cli.Option<Duration> request = cli.durationOption("--request-timeout", d.requestDeadline(),
                Msg.get("EchoLimits.opt.requestDeadline"));
        Cli.Option<Duration> readAlias = cli.durationOption("--read-deadline", null,
                Msg.get("EchoLimits.opt.alias", "--read-timeout"));
        Cli.Option<Duration> writeAlias = cli.durationOption("--write-deadline", null,
                Msg.get("EchoLimits.opt.alias", "--write-timeout"));
        Cli.Option<Long> sendBuffer = cli.sizeOption("--send-buffer", 0, 0, MAX_SEND_BUFFER,
                Msg.get("EchoLimits.opt.sendBuffer"));
        return () -> new EchoLimits(max.get(), read.given() || readAlias.get() == null ? read.get() : readAlias.get(),
                write.given() || writeAlias.get() == null ? write.get() : writeAlias.get(), request.get(),
                sendBuffer.get().intValue());
    }

    /**
     * A server's start-up line, the sentence {@code key}: its own arguments {@code first} (address,
     * mode…), then these limits: max connections, read, write and request deadline in ms, buffer bytes.
     */
    public String listening(String key, String... first) {
        String[] args = Arrays.copyOf(first, first.length + 5);
        args[first.length] = String.valueOf(maxConnections);
        args[first.length + 1] = String.valueOf(readDeadline.toMillis());
        args[first.length + 2] = String.valueOf(writeDeadline.toMillis());
        args[first.length + 3] = String.valueOf(requestDeadline.toMillis());
        args[first.length + 4] = String.valueOf(EchoCore.BUFFER_SIZE);
        return Msg.get(key, (Object[]) args);
    }
}
