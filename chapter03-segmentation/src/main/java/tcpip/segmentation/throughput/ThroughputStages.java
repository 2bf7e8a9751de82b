package tcpip.segmentation.throughput;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tcpip.narration.Narrator;
import tcpip.narration.Stage;
import tcpip.net.AcceptLoop;
import tcpip.segmentation.StageSupport;

/** 데이터 송수신 at full speed: MB/s by write size. */
public final class ThroughputStages {

    private ThroughputStages() {
    }

    /** This lesson's stages, in order. */
    public static List<Stage> stages() {
        return List.of(
                new Stage("throughput", StageSupport.SECTION, "MB/s by write size (short sweep)", ThroughputStages::throughput));
    }

    static void throughput(Narrator n) throws Exception {
        Duration each = Duration.ofMillis(250);
        Path file = Files.createTempFile("segmentation-demo", ".bin");
        try (java.nio.channels.ServerSocketChannel channel = java.nio.channels.ServerSocketChannel.open()) {
            channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            ServerSocket listener = channel.socket();
            BulkSender.fill(file);
            AcceptLoop loop = BulkReceiver.loop(listener, StageSupport.limits(), line -> { });
            Thread receiver = Thread.ofPlatform().daemon().start(loop::run);
            InetSocketAddress server = StageSupport.address(listener);
            n.code(ThroughputCore.class, "stream");
            n.program("for each setting: write for " + each.toMillis() + " ms, FIN, wait for the receiver's byte count");
            List<BulkSender.Measurement> results = new ArrayList<>();
            for (int size : new int[] {1, 256, 4 << 10, 64 << 10, 1 << 20}) {
                results.add(BulkSender.measure(server, BulkSender.Mode.STREAM, size, each, file));
            }
            results.add(BulkSender.measure(server, BulkSender.Mode.CHANNEL, 1 << 20, each, file));
            results.add(BulkSender.measure(server, BulkSender.Mode.TRANSFER_TO, 1 << 20, each, file));
            StageSupport.stop(listener, loop, receiver);
            BulkSender.chart(results).lines().forEach(l -> n.line("result", l));
            n.note("every write() is a system call and a copy: 1-byte writes pay that cost per byte");
            n.note("full sweep beside iperf3 at the same write sizes: chapter03-segmentation/scripts/bench.sh");
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
