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
import tcpip.segmentation.Msg;
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
                new Stage("no-boundaries", StageSupport.SECTION, Msg.get("FramingStages.noBoundaries.title"), FramingStages::noBoundaries),
                new Stage("framing", StageSupport.SECTION, Msg.get("FramingStages.framing.title"), FramingStages::framing));
    }

    static void noBoundaries(Narrator n) throws Exception {
        try (LoopbackPair pair = LoopbackPair.open().readTimeout(StageSupport.TIMEOUT)) {
            n.code(StreamCore.class, "one-write");
            n.code(StreamCore.class, "read-sizes");
            n.program(Msg.get("FramingStages.oneWrite", ReadSizeServer.BUFSIZE / MIB));
            Thread writer = Thread.ofPlatform().start(() -> writeQuietly(pair.client(), new byte[MIB]));
            List<Integer> sizes = StreamCore.readSizes(pair.server(), new byte[ReadSizeServer.BUFSIZE], MIB);
            writer.join(StageSupport.TIMEOUT.toMillis());
            int largest = Collections.max(sizes);
            n.result(Msg.get("FramingStages.readCalls", MIB, sizes.size(), Collections.min(sizes), largest));
            n.result(Msg.get("FramingStages.firstReads", SHOWN_READS, sizes.subList(0, Math.min(SHOWN_READS, sizes.size()))));
            Optional<SsInfo> ss = MssReport.ss(pair.server());
            ss.ifPresent(i -> n.kernel(Msg.get(largest <= i.number("skmem.rb") ? "FramingStages.rb.matches"
                    : "FramingStages.rb.notMatch", i.number("skmem.rb"), largest)));
            n.note(Msg.get("FramingStages.oneWriteManyReads", sizes.size()));

            n.code(StreamCore.class, "small-writes");
            n.program(Msg.get("FramingStages.tenWrites"));
            StreamCore.writeEach(pair.client(), WriteBurstClient.smallPieces());
            if (n.available()) {
                SocketRow row = KernelAwait.awaitRow(pair.serverPort(),
                        r -> r.remotePort() == pair.clientPort() && r.rxQueue() == 100, StageSupport.TIMEOUT, "rx_queue=100");
                n.kernel(row.describe());
            }
            byte[] buf = new byte[1024];
            int got = pair.server().getInputStream().read(buf);
            n.result(Msg.get("FramingStages.oneRead", got, new String(buf, 0, got, StandardCharsets.US_ASCII)));
            n.note(Msg.get("FramingStages.oneRow"));

            n.program(Msg.get("FramingStages.classicBug"));
            OutputStream out = pair.client().getOutputStream();
            out.write("HELLO".getBytes(StandardCharsets.US_ASCII));
            out.write("WORLD".getBytes(StandardCharsets.US_ASCII));
            if (n.available()) {
                KernelAwait.awaitRow(pair.serverPort(), r -> r.remotePort() == pair.clientPort()
                        && r.rxQueue() == 10, StageSupport.TIMEOUT, "rx_queue=10");
            }
            got = pair.server().getInputStream().read(buf);
            n.result(Msg.get("FramingStages.glued", new String(buf, 0, got, StandardCharsets.US_ASCII)));
            n.note(Msg.get("FramingStages.fixes"));
        }
    }

    static void framing(Narrator n) throws Exception {
        List<String> serverLog = Collections.synchronizedList(new ArrayList<>());
        n.code(LengthPrefixCore.class, "serve-frames");
        try (ServerSocket listener = StageSupport.listen(InetAddress.getLoopbackAddress())) {
            AcceptLoop loop = LengthPrefixServer.loop(listener, StageSupport.limits(), LengthPrefixDecoder.DEFAULT_MAX_FRAME, serverLog::add);
            Thread serving = Thread.ofPlatform().daemon().start(loop::run);
            n.note(Msg.get("FramingStages.lengthPrefix"));
            try (Socket good = StageSupport.connect(listener); Socket bad = StageSupport.connect(listener)) {
                byte[] frame = LengthPrefixEncoder.encode("hello, framed world".getBytes(StandardCharsets.UTF_8));
                OutputStream goodOut = good.getOutputStream();
                DataInputStream goodIn = new DataInputStream(good.getInputStream());
                n.program(Msg.get("FramingStages.clientA.split"));
                goodOut.write(frame, 0, 2);
                goodOut.flush();
                goodOut.write(frame, 2, frame.length - 2);
                n.result(Msg.get("FramingStages.clientA.got", LengthPrefixCore.readAnswer(goodIn)));
                n.program(Msg.get("FramingStages.clientB.sends"));
                bad.getOutputStream().write(ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE).array());
                n.result(Msg.get("FramingStages.clientB.got",
                        LengthPrefixCore.readAnswer(new DataInputStream(bad.getInputStream()))));
                n.program(Msg.get("FramingStages.clientA.again"));
                goodOut.write(frame);
                n.result(Msg.get("FramingStages.clientA.got", LengthPrefixCore.readAnswer(goodIn)));
                good.shutdownOutput();
            }
            StageSupport.stop(listener, loop, serving);
        }
        StageSupport.printLog(n, serverLog);

        n.code(LineCore.class, "serve-lines");
        try (ServerSocket listener = StageSupport.listen(InetAddress.getLoopbackAddress())) {
            AcceptLoop loop = LineServer.loop(listener, StageSupport.limits(), LineDecoder.DEFAULT_MAX_LINE, serverLog::add);
            Thread serving = Thread.ofPlatform().daemon().start(loop::run);
            n.note(Msg.get("FramingStages.delimiter"));
            try (Socket client = StageSupport.connect(listener)) {
                n.program(Msg.get("FramingStages.lineWrites"));
                client.getOutputStream().write("one\ntwo\nthr".getBytes(StandardCharsets.UTF_8));
                client.getOutputStream().write("ee\n".getBytes(StandardCharsets.UTF_8));
                client.shutdownOutput();
                String answers = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                answers.lines().forEach(l -> n.result(Msg.get("FramingStages.clientGot", l)));
            }
            StageSupport.stop(listener, loop, serving);
        }
        StageSupport.printLog(n, serverLog);
        n.note(Msg.get("FramingStages.moral1"));
        n.note(Msg.get("FramingStages.moral2"));
    }

    private static void writeQuietly(Socket socket, byte[] data) {
        try {
            StreamCore.writeOnce(socket, data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
