package tcpip.segmentation.throughput;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.segmentation.Msg;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import tcpip.kernel.SsInfo;
import tcpip.narration.Narrator;
import tcpip.narration.Progress;
import tcpip.net.ExchangeDeadline;
import tcpip.segmentation.ServerOptions;

/**
 * Sends as fast as it can for a while with one write size ({@link ThroughputCore}) and prints MB/s: each write() is a
 * system call and a copy into the kernel, so tiny writes are slow however fast the network is.
 * {@code --sweep} runs every size from 1 byte to 1 MiB plus the SocketChannel and
 * FileChannel.transferTo (zero copy) variants and draws a bar chart.
 */
public final class BulkSender {

    /** How the bytes reach the kernel. */
    public enum Mode {
        /** Socket.getOutputStream().write(byte[]): a heap array, copied into a direct buffer by the JDK. */
        STREAM,
        /** SocketChannel.write(direct ByteBuffer): the kernel copies straight from it. */
        CHANNEL,
        /** FileChannel.transferTo(socket): sendfile(), the file's pages go to the socket without a user copy. */
        TRANSFER_TO
    }

    /** The sweep's write sizes: 1 byte to 1 MiB. */
    public static final int[] SIZES = {1, 16, 256, 4 << 10, 64 << 10, 256 << 10, 1 << 20};
    /** Size of the file transferTo sends from (sent again and again). */
    public static final int FILE_SIZE = 16 << 20;
    private static final int BAR_WIDTH = 50;
    /** How long past --duration connect, FIN and the receiver's count may take in all (--timeout). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private BulkSender() {
    }

    /** One measured setting. */
    public record Measurement(Mode mode, int writeSize, long bytes, Duration elapsed) {
        /** 10^6 bytes per second, measured until the receiver confirmed the count. */
        public double mbPerSecond() {
            return bytes / (elapsed.toNanos() / 1e9) / 1e6;
        }

        public String label() {
            return String.format("%-11s %8s", mode.name().toLowerCase(Locale.ROOT).replace('_', '-'), size(writeSize));
        }
    }

    public static void main(String[] args) {
        Lang.chooseFrom(args);
        Cli cli = new Cli("BulkSender", Msg.get("BulkSender.summary"));
        Cli.Option<String> host = cli.host();
        Cli.Option<Integer> port = cli.port(ServerOptions.DEFAULT_PORT);
        Cli.Option<Long> size = cli.sizeOption("--write-size", 64 << 10, 1, 64 << 20, Msg.get("BulkSender.opt.writeSize"));
        Cli.Option<Mode> mode = cli.enumOption("--mode", Mode.class, Mode.STREAM, Msg.get("BulkSender.opt.mode"));
        Cli.Option<Duration> duration = cli.durationOption("--duration", Duration.ofSeconds(2), Msg.get("BulkSender.opt.duration"));
        Cli.Option<Boolean> sweep = cli.flag("--sweep", Msg.get("BulkSender.opt.sweep"));
        Cli.Option<Duration> perSize = cli.durationOption("--per-size", Duration.ofSeconds(1),
                Msg.get("BulkSender.opt.perSize"));
        Cli.Option<Boolean> cpu = cli.flag("--cpu", Msg.get("BulkSender.opt.cpu"));
        Cli.Option<Duration> timeout = cli.durationOption("--timeout", DEFAULT_TIMEOUT, Msg.get("BulkSender.opt.timeout"));
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=BulkSender -Dargs=\"--port 7203 --sweep\"");
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=BulkSender -Dargs=\"--port 7203 --write-size 1 --duration 300ms\"");
        cli.parse(args);
        cli.run(() -> {
            InetSocketAddress server = new InetSocketAddress(host.get(), port.get());
            // Only transferTo sends from a file: 16 MiB written for nothing would cost every other run its time.
            boolean fromFile = sweep.get() || mode.get() == Mode.TRANSFER_TO;
            Path file = fromFile ? Files.createTempFile("bulk-sender", ".bin") : null;
            try {
                if (fromFile) {
                    fill(file);
                }
                List<Measurement> results = new ArrayList<>();
                if (sweep.get()) {
                    // A progress line (bytes sent, rate) on a terminal only; silent when piped.
                    Progress progress = Progress.start(Msg.get("BulkSender.progress.sweep"), -1);
                    SWEEPING.set(true);
                    for (Setting s : sweepSettings()) {
                        Measurement m = measure(server, s.mode(), s.size(), perSize.get(), file, timeout.get());
                        progress.add(m.bytes());
                        System.out.printf("%s  %,10.1f MB/s%n", m.label(), m.mbPerSecond());
                        results.add(m);
                    }
                    progress.done();
                    System.out.println();
                    System.out.print(chart(results));
                } else {
                    ThreadCpu before = ThreadCpu.now();
                    Measurement m = measure(server, mode.get(), (int) (long) size.get(), duration.get(), file,
                            timeout.get());
                    ThreadCpu used = ThreadCpu.now().minus(before);
                    System.out.println(Msg.get("BulkSender.result", m.label(), String.format("%,.1f", m.mbPerSecond()),
                            String.format("%,d", m.bytes()), Narrator.human(m.elapsed())));
                    if (cpu.get()) {
                        System.out.println(used.perGigabyte(m));
                    }
                }
            } finally {
                if (file != null) {
                    Files.deleteIfExists(file);
                }
            }
        });
    }

    /**
     * On a terminal, a progress line for one long send: bytes the receiver's kernel has
     * acknowledged so far (ss's bytes_acked), the rate, and the time left of the run. Null when
     * piped, in the sweep (it has its own line) or without ss.
     */
    private static Thread progressWatcher(SocketChannel channel, Duration duration) throws IOException {
        if (!Progress.onTerminal() || duration.compareTo(PROGRESS_AFTER) < 0 || SWEEPING.get()) {
            return null;
        }
        int local = ((InetSocketAddress) channel.getLocalAddress()).getPort();
        int remote = ((InetSocketAddress) channel.getRemoteAddress()).getPort();
        long endMillis = System.currentTimeMillis() + duration.toMillis();
        Progress progress = Progress.start(
                Msg.get("BulkSender.progress.sending", Narrator.human(duration)), -1);
        return Thread.ofVirtual().start(() -> {
            try {
                while (!Thread.currentThread().isInterrupted() && System.currentTimeMillis() < endMillis) {
                    SsInfo.of(local, remote).map(i -> i.number("bytes_acked")).filter(v -> v > 0)
                            .ifPresent(progress::update);
                    Thread.sleep(PROGRESS_EVERY.toMillis()); // a display refresh, not synchronisation
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                progress.done();
            }
        });
    }

    private static final Duration PROGRESS_AFTER = Duration.ofSeconds(2);
    private static final Duration PROGRESS_EVERY = Duration.ofMillis(250);
    private static final ThreadLocal<Boolean> SWEEPING = ThreadLocal.withInitial(() -> false);

    /**
     * CPU time of the calling thread so far, user and total: user time is Java's own work (the JDK's
     * copy of a heap array into native memory included), system time the kernel's for this thread.
     */
    record ThreadCpu(long userNanos, long totalNanos) {
        static ThreadCpu now() {
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            return mx.isCurrentThreadCpuTimeSupported()
                    ? new ThreadCpu(mx.getCurrentThreadUserTime(), mx.getCurrentThreadCpuTime()) : new ThreadCpu(-1, -1);
        }

        ThreadCpu minus(ThreadCpu earlier) {
            return userNanos < 0 || earlier.userNanos < 0 ? new ThreadCpu(-1, -1)
                    : new ThreadCpu(userNanos - earlier.userNanos, totalNanos - earlier.totalNanos);
        }

        /** The line --cpu prints: user and system CPU ms per GB (10^9 bytes) sent, and how busy the thread was. */
        String perGigabyte(Measurement m) {
            if (userNanos < 0 || m.bytes() == 0) {
                return Msg.get("BulkSender.cpu.unavailable");
            }
            double gigabytes = m.bytes() / 1e9;
            return Msg.get("BulkSender.cpu", String.format(Locale.ROOT, "%.1f", userNanos / 1e6 / gigabytes),
                    String.format(Locale.ROOT, "%.1f", (totalNanos - userNanos) / 1e6 / gigabytes),
                    String.format(Locale.ROOT, "%.0f", 100.0 * totalNanos / m.elapsed().toNanos()));
        }
    }

    /** One point of the sweep. */
    public record Setting(Mode mode, int size) {
    }

    /** Every size in STREAM mode, then CHANNEL and TRANSFER_TO at the large sizes. */
    public static List<Setting> sweepSettings() {
        List<Setting> settings = new ArrayList<>();
        for (int s : SIZES) {
            settings.add(new Setting(Mode.STREAM, s));
        }
        for (int s : new int[] {64 << 10, 256 << 10, 1 << 20}) {
            settings.add(new Setting(Mode.CHANNEL, s));
        }
        for (int s : new int[] {64 << 10, 256 << 10, 1 << 20}) {
            settings.add(new Setting(Mode.TRANSFER_TO, s));
        }
        return settings;
    }

    /** Writes a file for transferTo to send (real bytes, so the page cache holds them). */
    public static void fill(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer chunk = ByteBuffer.allocate(1 << 20);
            for (int i = 0; i < chunk.capacity(); i++) {
                chunk.put(i, (byte) i);
            }
            for (int written = 0; written < FILE_SIZE; written += chunk.capacity()) {
                chunk.clear();
                while (chunk.hasRemaining()) {
                    ch.write(chunk);
                }
            }
        }
    }

    /**
     * Connects, sends for {@code duration} in writes of {@code writeSize} bytes, sends FIN, and
     * waits for the receiver's count; the time includes draining the pipe. {@code file} is what
     * {@link Mode#TRANSFER_TO} sends (see {@link #fill}); the other modes do not read it (null is fine).
     */
    public static Measurement measure(InetSocketAddress server, Mode mode, int writeSize, Duration duration,
            Path file) throws IOException {
        return measure(server, mode, writeSize, duration, file, DEFAULT_TIMEOUT);
    }

    /**
     * {@link #measure(InetSocketAddress, Mode, int, Duration, Path)}, all of it within {@code duration} plus
     * {@code timeout}: past that the channel is closed (a write() blocked on a receiver that stopped reading, a
     * count that never comes) and the IOException says so.
     */
    public static Measurement measure(InetSocketAddress server, Mode mode, int writeSize, Duration duration,
            Path file, Duration timeout) throws IOException {
        try (SocketChannel channel = SocketChannel.open();
                ExchangeDeadline deadline = ExchangeDeadline.arm(channel, duration.plus(timeout))) {
            try {
                return send(channel, mode, writeSize, duration, file, server);
            } catch (IOException e) {
                throw deadline.explain(e);
            }
        }
    }

    private static Measurement send(SocketChannel channel, Mode mode, int writeSize, Duration duration, Path file,
            InetSocketAddress server) throws IOException {
        channel.connect(server);
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        Thread watcher = progressWatcher(channel, duration);
        try {
            switch (mode) {
                case STREAM -> ThroughputCore.sendStream(channel, writeSize, end);
                case CHANNEL -> ThroughputCore.sendChannel(channel, writeSize, end);
                case TRANSFER_TO -> {
                    try (FileChannel source = FileChannel.open(file, StandardOpenOption.READ)) {
                        ThroughputCore.sendFile(channel, source, writeSize, end);
                    }
                }
            }
        } finally {
            if (watcher != null) {
                watcher.interrupt();
            }
        }
        channel.shutdownOutput(); // FIN after the last byte: the receiver's read() returns -1
        ByteBuffer count = ByteBuffer.allocate(Long.BYTES);
        while (count.hasRemaining()) {
            if (channel.read(count) < 0) {
                throw new IOException(Msg.get("BulkSender.noCount"));
            }
        }
        long elapsed = System.nanoTime() - start;
        return new Measurement(mode, writeSize, count.flip().getLong(), Duration.ofNanos(elapsed));
    }

    /** The measurements as a terminal bar chart, bars scaled to the fastest. */
    public static String chart(List<Measurement> results) {
        double best = results.stream().mapToDouble(Measurement::mbPerSecond).max().orElse(1);
        StringBuilder sb = new StringBuilder(Msg.get("BulkSender.chart") + "\n");
        for (Measurement m : results) {
            int width = (int) Math.round(m.mbPerSecond() / best * BAR_WIDTH);
            sb.append(String.format("%s |%-" + BAR_WIDTH + "s %,10.1f%n", m.label(),
                    width == 0 ? "." : "#".repeat(width), m.mbPerSecond()));
        }
        return sb.toString();
    }

    /** 1 B, 16 B, 4 KiB, 1 MiB. */
    public static String size(int bytes) {
        if (bytes >= 1 << 20 && bytes % (1 << 20) == 0) {
            return (bytes >> 20) + " MiB";
        }
        if (bytes >= 1 << 10 && bytes % (1 << 10) == 0) {
            return (bytes >> 10) + " KiB";
        }
        return bytes + " B";
    }
}
