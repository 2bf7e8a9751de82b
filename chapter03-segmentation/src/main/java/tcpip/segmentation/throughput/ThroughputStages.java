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
import tcpip.segmentation.Msg;
import tcpip.segmentation.StageSupport;
import java.nio.channels.ServerSocketChannel;

/** 데이터 송수신 at full speed: MB/s by write size. */
public final class ThroughputStages {

    private ThroughputStages() {
    }

    /** This lesson's stages, in order. */
    public static List<Stage> stages() {
        return List.of(
                new Stage("throughput", StageSupport.SECTION, Msg.get("ThroughputStages.title"), ThroughputStages::throughput));
    }

    static void throughput(Narrator n) throws Exception {
        Duration each = Duration.ofMillis(100);
        Path file = Files.createTempFile("segmentation-demo", ".bin");
        try (ServerSocketChannel channel = ServerSocketChannel.open()) {
            channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            ServerSocket listener = channel.socket();
            BulkSender.fill(file);
            AcceptLoop loop = BulkReceiver.loop(listener, StageSupport.limits(), line -> { });
            Thread receiver = Thread.ofPlatform().daemon().start(loop::run);
            InetSocketAddress server = StageSupport.address(listener);
            n.code(ThroughputCore.class, "stream");
            n.program(Msg.get("ThroughputStages.program", each.toMillis()));
            List<BulkSender.Measurement> results = new ArrayList<>();
            for (int size : new int[] {1, 256, 4 << 10, 64 << 10, 1 << 20}) {
                results.add(BulkSender.measure(server, BulkSender.Mode.STREAM, size, each, file));
            }
            results.add(BulkSender.measure(server, BulkSender.Mode.CHANNEL, 1 << 20, each, file));
            results.add(BulkSender.measure(server, BulkSender.Mode.TRANSFER_TO, 1 << 20, each, file));
            StageSupport.stop(listener, loop, receiver);
            BulkSender.chart(results).lines().forEach(l -> n.line(Narrator.label("result"), l));
            n.note(Msg.get("ThroughputStages.cost"));
            n.note(Msg.get("ThroughputStages.bench"));
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
