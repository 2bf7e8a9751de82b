package tcpip.segmentation;

import tcpip.net.LoopbackPair;
import tcpip.kernel.SsInfo;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tcpip.narration.Narrator;
import tcpip.narration.Stage;
import tcpip.narration.Stages;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.PacketCapture;
import tcpip.kernel.Segment;
import tcpip.kernel.SocketRow;

/** The article's 데이터 송수신 section, stage by stage, on loopback in one JVM. */
public final class SegmentationDemo {

    private static final String SECTION = "데이터 송수신";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private SegmentationDemo() {
    }

    public static void main(String[] args) {
        Stages.main("SegmentationDemo", "데이터 송수신: write/read, framing, buffers, window, Nagle, MSS, SEQ/ACK, throughput.",
                stages(), args);
    }

    /** Every stage of this chapter, in order. */
    public static List<Stage> stages() {
        return List.of(
                new Stage("no-boundaries", SECTION, "a stream has no message boundaries", SegmentationDemo::noBoundaries),
                new Stage("framing", SECTION, "delimiter and length-prefix framing", SegmentationDemo::framing),
                new Stage("buffers", SECTION, "SO_SNDBUF / SO_RCVBUF: asked vs. allocated", SegmentationDemo::buffers),
                new Stage("window", SECTION, "flow control: a full window blocks write()", SegmentationDemo::window),
                new Stage("nagle", SECTION, "Nagle + delayed ACK vs. TCP_NODELAY", SegmentationDemo::nagle),
                new Stage("mss", SECTION, "the MSS the kernel really uses", SegmentationDemo::mss),
                new Stage("seq-ack-model", SECTION, "SEQ/ACK, loss, retransmission (model and real)",
                        SegmentationDemo::seqAck),
                new Stage("throughput", SECTION, "MB/s by write size (short sweep)", SegmentationDemo::throughput));
    }

    // ---- 1. no message boundaries -------------------------------------------------------------

    static void noBoundaries(Narrator n) throws Exception {
        try (LoopbackPair pair = LoopbackPair.open()) {
            n.program("client: ONE write() of 1 MiB; server: read() into an 8 KiB buffer until all arrived");
            Thread writer = Thread.ofPlatform().start(() -> write(pair.client(), new byte[1 << 20]));
            List<Integer> sizes = readExactly(pair.server().getInputStream(), 1 << 20, ReadSizeServer.BUFSIZE);
            writer.join();
            n.result(ReadSizeServer.describe("server", sizes).replace(System.lineSeparator(), "; "));
            n.note("one write, " + sizes.size() + " reads: read() returns what the receive queue holds at that moment");

            n.program("client: ten write() calls of 10 bytes each");
            OutputStream out = pair.client().getOutputStream();
            for (int i = 0; i < 10; i++) {
                out.write(("message-" + i + "|").getBytes(StandardCharsets.US_ASCII));
            }
            if (n.available()) {
                SocketRow row = KernelAwait.awaitRow(r -> r.localPort() == pair.serverPort()
                        && r.remotePort() == pair.clientPort() && r.rxQueue() == 100, TIMEOUT, "rx_queue=100");
                n.kernel(row.describe());
            }
            byte[] buf = new byte[1024];
            int got = pair.server().getInputStream().read(buf);
            n.result("server: ONE read() returned " + got + " bytes: \"" + new String(buf, 0, got, StandardCharsets.US_ASCII) + "\"");
            n.note("the receive queue is one row of bytes: the ten writes left no trace in it");

            n.program("the classic bug: client sends \"HELLO\" then \"WORLD\"; server assumes one read() = one message");
            out.write("HELLO".getBytes(StandardCharsets.US_ASCII));
            out.write("WORLD".getBytes(StandardCharsets.US_ASCII));
            if (n.available()) {
                KernelAwait.awaitRow(r -> r.localPort() == pair.serverPort() && r.remotePort() == pair.clientPort()
                        && r.rxQueue() == 10, TIMEOUT, "rx_queue=10");
            }
            got = pair.server().getInputStream().read(buf);
            n.result("server's \"first message\" = \"" + new String(buf, 0, got, StandardCharsets.US_ASCII)
                    + "\" (both messages glued together; under load it could just as well be \"HEL\")");
            n.note("fixes: fixed-size messages, a delimiter, or a length prefix (next stage); never available() or one read()");
        }
    }

    // ---- 2. framing ---------------------------------------------------------------------------

    static void framing(Narrator n) throws Exception {
        PrintStream log = prefixed(n, "server");
        ServerSocket listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        try (LengthPrefixServer server = new LengthPrefixServer(listener, LengthPrefixDecoder.DEFAULT_MAX_FRAME,
                TIMEOUT, log)) {
            Thread serving = server.start();
            n.note("length-prefix framing: [4-byte big-endian length][payload], max frame 1 MiB");
            try (Socket good = new Socket(); Socket bad = new Socket()) {
                good.connect(listener.getLocalSocketAddress());
                bad.connect(listener.getLocalSocketAddress());
                good.setSoTimeout((int) TIMEOUT.toMillis());
                bad.setSoTimeout((int) TIMEOUT.toMillis());
                byte[] frame = LengthPrefixEncoder.encode("hello, framed world".getBytes(StandardCharsets.UTF_8));
                OutputStream goodOut = good.getOutputStream();
                DataInputStream goodIn = new DataInputStream(good.getInputStream());
                n.program("client A: writes the frame in two pieces, cutting the LENGTH itself after 2 bytes");
                goodOut.write(frame, 0, 2);
                goodOut.flush();
                goodOut.write(frame, 2, frame.length - 2);
                n.result("client A got: " + LengthPrefixClient.readAnswer(goodIn));
                n.program("client B: sends a length prefix of 2,147,483,647 (2 GiB)");
                bad.getOutputStream().write(ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE).array());
                n.result("client B got: " + LengthPrefixClient.readAnswer(new DataInputStream(bad.getInputStream())));
                n.program("client A: sends another frame (the server must still serve it)");
                goodOut.write(frame);
                n.result("client A got: " + LengthPrefixClient.readAnswer(goodIn));
                good.shutdownOutput();
            }
            server.close();
            serving.join(TIMEOUT.toMillis());
        }
        ServerSocket lines = new ServerSocket();
        lines.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        try (LineServer server = new LineServer(lines, LineDecoder.DEFAULT_MAX_LINE, TIMEOUT, log);
                Socket client = new Socket()) {
            Thread serving = server.start();
            n.note("delimiter framing: one message per line, '\\n' ends it");
            client.connect(lines.getLocalSocketAddress());
            client.setSoTimeout((int) TIMEOUT.toMillis());
            n.program("client: write(\"one\\ntwo\\nthr\"), then write(\"ee\\n\"), then FIN");
            client.getOutputStream().write("one\ntwo\nthr".getBytes(StandardCharsets.UTF_8));
            client.getOutputStream().write("ee\n".getBytes(StandardCharsets.UTF_8));
            client.shutdownOutput();
            String answers = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            answers.lines().forEach(l -> n.result("client got: " + l));
            server.close();
            serving.join(TIMEOUT.toMillis());
        }
        n.note("available() only says what is queued NOW (maybe half a message); one read() may return part of a");
        n.note("message or several: only the bytes themselves (length, delimiter) say where a message ends");
    }

    // ---- 3. buffers ---------------------------------------------------------------------------

    static void buffers(Narrator n) throws Exception {
        int snd = 32 * 1024;
        int rcv = 16 * 1024;
        n.program("client: setSendBufferSize(" + snd + "), setReceiveBufferSize(" + rcv + ") BEFORE connect()");
        try (LoopbackPair pair = LoopbackPair.open((client, listener) -> {
            client.setSendBufferSize(snd);
            client.setReceiveBufferSize(rcv);
        })) {
            n.result("Java getSendBufferSize()=" + pair.client().getSendBufferSize() + " getReceiveBufferSize()="
                    + pair.client().getReceiveBufferSize() + " (what was asked for)");
            n.kernel(BufferSizeClient.kernelView(pair.client()));
            n.note("Linux doubles the request (half is for its own bookkeeping) and ss -m shows the doubled size");
            n.result("the accepted server end kept the defaults: Java getReceiveBufferSize()="
                    + pair.server().getReceiveBufferSize());
            n.kernel(BufferSizeClient.kernelView(pair.server()));
            n.note("set buffers before connect()/bind(): the window scale is agreed in the SYN and cannot grow later;");
            n.note("setting a size also switches off the kernel's autotuning for that socket");
        }
    }

    // ---- 4. the window ------------------------------------------------------------------------

    static void window(Narrator n) throws Exception {
        if (!n.available()) {
            return;
        }
        for (int buffer : new int[] {0, 16 * 1024}) {
            String what = buffer == 0 ? "default buffers" : "SO_SNDBUF = SO_RCVBUF = 16 KiB";
            n.program("client writes 64 MiB, the server reads nothing (" + what + ")");
            WindowFill.Result r = WindowFill.run(buffer, buffer, 64L << 20, TIMEOUT);
            StallDetector.Stall s = r.stall();
            n.result(String.format("write() blocked after %,d bytes had been written", s.written()));
            n.kernel("writer " + s.writer().describe());
            n.kernel("reader " + s.reader().describe());
            n.result(String.format("stuck in the kernels: tx_queue %,d + rx_queue %,d = %,d bytes", s.writer().txQueue(),
                    s.reader().rxQueue(), s.stuck()));
            n.result(String.format("then the reader drained: %,d bytes read, the writer resumed and wrote all %,d",
                    r.read(), r.written()));
        }
        n.note("the reader's window shrinks as its receive queue fills; at zero the sender stops (the timer column");
        n.note("shows the zero-window probe) and once its send buffer is full, write() blocks");

        n.program("deadlock: both peers write 8 MiB and neither reads (64 KiB buffers)");
        WriteWriteDeadlock.Deadlock d = WriteWriteDeadlock.provoke(TIMEOUT);
        n.result(String.format("DEADLOCK detected: both write() calls blocked (A wrote %,d, B wrote %,d) and the", d.aWritten(),
                d.bWritten()));
        n.result("kernel shows full queues on both ends, unchanged for " + WriteWriteDeadlock.STABLE.toMillis() + " ms:");
        n.kernel("A " + d.aRow().describe());
        n.kernel("B " + d.bRow().describe());
        n.note("nobody will ever read, so nobody's write() can return: we closed both sockets to end it");
        n.program("fix: the same two writers, plus a reader thread on each side");
        long[] read = WriteWriteDeadlock.withReaders(TIMEOUT);
        n.result(String.format("both finished: A read %,d bytes, B read %,d bytes", read[0], read[1]));
    }

    // ---- 5. Nagle -----------------------------------------------------------------------------

    static void nagle(Narrator n) throws Exception {
        int requests = 9;
        n.program("client: write(10-byte header), write(10-byte body), read(4-byte response), " + requests + " times");
        long[] nagle = NagleProbe.run(false, requests);
        n.result("TCP_NODELAY off (Nagle on): median " + Narrator.human(NagleClient.median(nagle)) + " per request");
        long[] nodelay = NagleProbe.run(true, requests);
        n.result("TCP_NODELAY on:             median " + Narrator.human(NagleClient.median(nodelay)) + " per request");
        n.note("Nagle holds the small body while the header is unacknowledged; the server's kernel delays that ACK");
        n.note("(at least 40 ms on Linux) hoping to piggyback it on a response, which cannot come before the body");
        n.simplifies("the article says small data may be combined before sending; this is that combining, and its price");
    }

    // ---- 6. MSS -------------------------------------------------------------------------------

    static void mss(Narrator n) throws Exception {
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = listener.getLocalPort();
            try (PacketCapture capture = PacketCapture.start(port); Socket client = new Socket()) {
                client.connect(listener.getLocalSocketAddress());
                try (Socket server = listener.accept()) {
                    Thread writer = Thread.ofPlatform().start(() -> write(client, new byte[256 * 1024]));
                    readExactly(server.getInputStream(), 256 * 1024, 64 * 1024);
                    writer.join();
                    if (SsInfo.installed()) {
                        n.kernel("client " + MssClient.mss(client) + "   [" + SsInfo.command(client.getLocalPort(), port) + "]");
                        n.kernel("server " + MssClient.mss(server));
                    } else {
                        n.kernel(SsInfo.unavailableMessage());
                    }
                    if (capture.running()) {
                        List<Segment> segs = capture.awaitSegments(3, Duration.ofSeconds(2));
                        segs.stream().filter(Segment::syn).forEach(s -> n.line("packet", s.describe()));
                        int largest = segs.stream().mapToInt(Segment::length).max().orElse(0);
                        n.result("largest packet tcpdump saw: " + largest + " bytes of data (loopback passes GSO");
                        n.result("packets up to 64 KiB whole; on a real NIC they leave as MSS-sized segments)");
                } else {
                        n.note(capture.unavailableReason());
                    }
                    String mtu = loopbackMtu();
                    n.note("lo's MTU here is " + mtu + ": MSS = MTU - 40 (20 IP + 20 TCP) = the mss option in the SYN;");
                    n.note("mss in ss is smaller again: it subtracts the 12-byte timestamp option and is capped by the peer");
                    if (mtu.equals("1500")) {
                        n.simplifies("this lo has Ethernet's MTU 1500: the SYN's mss is the article's 1460");
                    } else {
                        n.simplifies("the article's 1460 is Ethernet's MTU 1500 minus 40; loopback has no Ethernet.");
                        n.simplifies("To see 1460: sudo chapter03-segmentation/scripts/mss-netns.sh (lo with MTU 1500)");
                    }
                }
            }
        }
    }

    // ---- 7. SEQ/ACK ---------------------------------------------------------------------------

    static void seqAck(Narrator n) throws Exception {
        byte[] message = "Hello, TCP! This message is cut into segments.".getBytes(StandardCharsets.UTF_8);
        int mss = 16;
        n.note("THIS IS A MODEL of what the kernel does, with seed 7: 20% loss, 10% duplicates, 20% reordering");
        SeqAckModel.Result r = SeqAckModel.run(message, new SeqAckModel.Options(7, mss, 0.2, 0.1, 0.2, 4, 10_000));
        r.diagram().forEach(l -> n.line("model", l));
        n.result("model receiver's program got \"" + new String(r.delivered(), StandardCharsets.UTF_8) + "\"");

        n.note("the real kernel: the same " + message.length + " bytes as writes of " + mss
                + " bytes (TCP_NODELAY, each read before the next write) on loopback");
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = listener.getLocalPort();
            try (PacketCapture capture = PacketCapture.start(port)) {
                if (!capture.running()) {
                    n.note(capture.unavailableReason());
                }
                try (Socket client = new Socket()) {
                    client.setTcpNoDelay(true);
                    client.connect(listener.getLocalSocketAddress());
                    try (Socket server = listener.accept()) {
                        OutputStream out = client.getOutputStream();
                        InputStream in = server.getInputStream();
                        for (int off = 0; off < message.length; off += mss) {
                            int len = Math.min(mss, message.length - off);
                            out.write(message, off, len);
                            in.readNBytes(len); // read each piece before the next write: one segment each
                        }
                        client.shutdownOutput(); // FIN
                        in.readAllBytes();       // -1: the FIN arrived
                    }
                }
                if (capture.running()) {
                    List<Segment> segs = capture.awaitSegments(10, Duration.ofSeconds(2));
                    segs.forEach(s -> n.line("packet", s.describe()));
                    segs.stream().filter(s -> s.length() > 0).findFirst().ifPresent(s -> n.note("data seq=" + s.seq()
                            + " len=" + s.length() + " is answered by ack=" + (s.seq() + s.length())
                            + " = SEQ + length (no +1); only SYN and FIN add 1"));
                }
            }
        }
        n.simplifies("the article adds 1 to the received size; the ACK is the next byte expected, SEQ + length.");
        n.simplifies("The +1 appears only for SYN and FIN, which each use one sequence number.");
    }

    // ---- 8. throughput ------------------------------------------------------------------------

    static void throughput(Narrator n) throws Exception {
        Duration each = Duration.ofMillis(250);
        Path file = Files.createTempFile("segmentation-demo", ".bin");
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            BulkSender.fill(file);
            Thread receiver = Thread.ofPlatform().daemon().start(() -> {
                while (listener.isOpen()) {
                    try (SocketChannel ch = listener.accept()) {
                        BulkReceiver.receive(ch, TIMEOUT);
                    } catch (IOException e) {
                        return; // listener closed
                    }
                }
            });
            InetSocketAddress server = (InetSocketAddress) listener.getLocalAddress();
            List<BulkSender.Measurement> results = new ArrayList<>();
            n.program("for each setting: write for " + each.toMillis() + " ms, FIN, wait for the receiver's byte count");
            for (int size : new int[] {1, 256, 4 << 10, 64 << 10, 1 << 20}) {
                results.add(BulkSender.measure(server, BulkSender.Mode.STREAM, size, each, file));
            }
            results.add(BulkSender.measure(server, BulkSender.Mode.CHANNEL, 1 << 20, each, file));
            results.add(BulkSender.measure(server, BulkSender.Mode.TRANSFER_TO, 1 << 20, each, file));
            listener.close();
            receiver.join(TIMEOUT.toMillis());
            BulkSender.chart(results).lines().forEach(l -> n.line("result", l));
            n.note("every write() is a system call and a copy: 1-byte writes pay that cost per byte");
            n.note("full sweep and the iperf3 comparison: chapter03-segmentation/scripts/bench.sh");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static void write(Socket socket, byte[] data) {
        try {
            socket.getOutputStream().write(data);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Reads exactly {@code total} bytes, returning what each read() returned. */
    static List<Integer> readExactly(InputStream in, int total, int bufsize) throws IOException {
        byte[] buf = new byte[bufsize];
        List<Integer> sizes = new ArrayList<>();
        int got = 0;
        while (got < total) {
            int n = in.read(buf, 0, Math.min(buf.length, total - got));
            if (n < 0) {
                throw new IOException("peer closed after " + got + " of " + total + " bytes");
            }
            sizes.add(n);
            got += n;
        }
        return sizes;
    }

    private static PrintStream prefixed(Narrator n, String label) {
        return new PrintStream(new ByteArrayOutputStream() {
            @Override
            public synchronized void flush() {
                String text = toString(StandardCharsets.UTF_8);
                reset();
                text.lines().forEach(l -> n.line(label, l));
            }
        }, true, StandardCharsets.UTF_8);
    }

    private static String loopbackMtu() {
        try {
            return Files.readString(Path.of("/sys/class/net/lo/mtu")).strip();
        } catch (IOException e) {
            return "(unknown: no /sys/class/net/lo/mtu)";
        }
    }


}
