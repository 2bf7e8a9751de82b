package tcpip.segmentation.framing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.SocketRow;
import tcpip.kernel.SsInfo;
import tcpip.narration.Narrator;
import tcpip.narration.Stage;
import tcpip.net.AcceptLoop;
import tcpip.net.LoopbackPair;
import tcpip.segmentation.StageSupport;
import tcpip.segmentation.mss.MssReport;

/** 데이터 송수신 as a byte stream: no message boundaries, and the framing that restores them. */
public final class FramingStages {

    private static final int MIB = 1 << 20;
    private static final int SHOWN_READS = 5;

    private FramingStages() {
    }

    /** This lesson's stages, in order. */
    public static List<Stage> stages() {
        return List.of(
                new Stage("no-boundaries", StageSupport.SECTION, "a stream has no message boundaries", FramingStages::noBoundaries),
                new Stage("framing", StageSupport.SECTION, "delimiter and length-prefix framing", FramingStages::framing));
    }

    static void noBoundaries(Narrator n) throws Exception {
        try (LoopbackPair pair = LoopbackPair.open().readTimeout(StageSupport.TIMEOUT)) {
            n.code(StreamCore.class, "one-write");
            n.code(StreamCore.class, "read-sizes");
            n.program("client: ONE write() of 1 MiB; server: read() into a " + ReadSizeServer.BUFSIZE / MIB
                    + " MiB buffer, so the kernel alone decides what each read() returns");
            Thread writer = Thread.ofPlatform().start(() -> writeQuietly(pair.client(), new byte[MIB]));
            List<Integer> sizes = StreamCore.readSizes(pair.server(), new byte[ReadSizeServer.BUFSIZE], MIB);
            writer.join(StageSupport.TIMEOUT.toMillis());
            int largest = Collections.max(sizes);
            n.result("server: " + MIB + " bytes in " + sizes.size() + " read() calls (smallest " + Collections.min(sizes)
                    + ", largest " + largest + ")");
            n.result("the first " + SHOWN_READS + " read sizes: " + sizes.subList(0, Math.min(SHOWN_READS, sizes.size())));
            Optional<SsInfo> ss = MssReport.ss(pair.server());
            ss.ifPresent(i -> n.kernel("receiver's buffer now: skmem rb=" + i.number("skmem.rb") + "; largest read "
                    + largest + (largest <= i.number("skmem.rb") ? " <= rb: matches (the queue never holds more than its buffer)"
                    : " > rb: does NOT match")));
            n.note("one write, " + sizes.size() + " reads: each read() took what the receive queue held at that moment");

            n.code(StreamCore.class, "small-writes");
            n.program("client: ten write() calls of 10 bytes each");
            StreamCore.writeEach(pair.client(), WriteBurstClient.smallPieces());
            if (n.available()) {
                SocketRow row = KernelAwait.awaitRow(r -> r.localPort() == pair.serverPort()
                        && r.remotePort() == pair.clientPort() && r.rxQueue() == 100, StageSupport.TIMEOUT, "rx_queue=100");
                n.kernel(row.describe());
            }
            byte[] buf = new byte[1024];
            int got = pair.server().getInputStream().read(buf);
            n.result("server: ONE read() returned " + got + " bytes: \"" + new String(buf, 0, got, StandardCharsets.US_ASCII) + "\"");
            n.note("the receive queue is one row of bytes: the ten writes left no trace in it");

            n.program("the classic bug: client sends \"HELLO\" then \"WORLD\"; server assumes one read() = one message");
            OutputStream out = pair.client().getOutputStream();
            out.write("HELLO".getBytes(StandardCharsets.US_ASCII));
            out.write("WORLD".getBytes(StandardCharsets.US_ASCII));
            if (n.available()) {
                KernelAwait.awaitRow(r -> r.localPort() == pair.serverPort() && r.remotePort() == pair.clientPort()
                        && r.rxQueue() == 10, StageSupport.TIMEOUT, "rx_queue=10");
            }
            got = pair.server().getInputStream().read(buf);
            n.result("server's \"first message\" = \"" + new String(buf, 0, got, StandardCharsets.US_ASCII)
                    + "\" (both messages glued together; under load it could just as well be \"HEL\")");
            n.note("fixes: fixed-size messages, a delimiter, or a length prefix (next stage); never available() or one read()");
        }
    }

    static void framing(Narrator n) throws Exception {
        List<String> serverLog = Collections.synchronizedList(new ArrayList<>());
        n.code(LengthPrefixCore.class, "serve-frames");
        try (ServerSocket listener = StageSupport.listen(InetAddress.getLoopbackAddress())) {
            AcceptLoop loop = LengthPrefixServer.loop(listener, StageSupport.limits(), LengthPrefixDecoder.DEFAULT_MAX_FRAME, serverLog::add);
            Thread serving = Thread.ofPlatform().daemon().start(loop::run);
            n.note("length-prefix framing: [4-byte big-endian length][payload], max frame 1 MiB");
            try (Socket good = StageSupport.connect(listener); Socket bad = StageSupport.connect(listener)) {
                byte[] frame = LengthPrefixEncoder.encode("hello, framed world".getBytes(StandardCharsets.UTF_8));
                OutputStream goodOut = good.getOutputStream();
                DataInputStream goodIn = new DataInputStream(good.getInputStream());
                n.program("client A: writes the frame in two pieces, cutting the LENGTH itself after 2 bytes");
                goodOut.write(frame, 0, 2);
                goodOut.flush();
                goodOut.write(frame, 2, frame.length - 2);
                n.result("client A got: " + LengthPrefixCore.readAnswer(goodIn));
                n.program("client B: sends a length prefix of 2,147,483,647 (2 GiB)");
                bad.getOutputStream().write(ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE).array());
                n.result("client B got: " + LengthPrefixCore.readAnswer(new DataInputStream(bad.getInputStream())));
                n.program("client A: sends another frame (the server must still serve it)");
                goodOut.write(frame);
                n.result("client A got: " + LengthPrefixCore.readAnswer(goodIn));
                good.shutdownOutput();
            }
            StageSupport.stop(listener, loop, serving);
        }
        StageSupport.printLog(n, serverLog);

        n.code(LineCore.class, "serve-lines");
        try (ServerSocket listener = StageSupport.listen(InetAddress.getLoopbackAddress())) {
            AcceptLoop loop = LineServer.loop(listener, StageSupport.limits(), LineDecoder.DEFAULT_MAX_LINE, serverLog::add);
            Thread serving = Thread.ofPlatform().daemon().start(loop::run);
            n.note("delimiter framing: one message per line, '\\n' ends it");
            try (Socket client = StageSupport.connect(listener)) {
                n.program("client: write(\"one\\ntwo\\nthr\"), then write(\"ee\\n\"), then FIN");
                client.getOutputStream().write("one\ntwo\nthr".getBytes(StandardCharsets.UTF_8));
                client.getOutputStream().write("ee\n".getBytes(StandardCharsets.UTF_8));
                client.shutdownOutput();
                String answers = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                answers.lines().forEach(l -> n.result("client got: " + l));
            }
            StageSupport.stop(listener, loop, serving);
        }
        StageSupport.printLog(n, serverLog);
        n.note("available() only says what is queued NOW (maybe half a message); one read() may return part of a");
        n.note("message or several: only the bytes themselves (length, delimiter) say where a message ends");
    }

    private static void writeQuietly(Socket socket, byte[] data) {
        try {
            StreamCore.writeOnce(socket, data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
