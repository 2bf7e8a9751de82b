package tcpip.segmentation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tcpip.narration.Narrator;
import tcpip.narration.SourceExcerpt;
import tcpip.segmentation.buffers.BlockedWriterClient;
import tcpip.segmentation.buffers.BufferStages;
import tcpip.segmentation.buffers.BufferCore;
import tcpip.segmentation.buffers.BufferReport;
import tcpip.segmentation.buffers.BufferSizeClient;
import tcpip.segmentation.buffers.SlowReaderServer;
import tcpip.segmentation.buffers.WindowCore;
import tcpip.segmentation.buffers.WindowFill;
import tcpip.segmentation.framing.FramingStages;
import tcpip.segmentation.framing.LengthPrefixClient;
import tcpip.segmentation.framing.LengthPrefixCore;
import tcpip.segmentation.framing.LengthPrefixServer;
import tcpip.segmentation.framing.LineClient;
import tcpip.segmentation.framing.LineCore;
import tcpip.segmentation.framing.LineServer;
import tcpip.segmentation.framing.ReadSizeServer;
import tcpip.segmentation.framing.StreamCore;
import tcpip.segmentation.framing.WriteBurstClient;
import tcpip.segmentation.loss.LabPeer;
import tcpip.segmentation.loss.LossCore;
import tcpip.segmentation.mss.MssClient;
import tcpip.segmentation.mss.MssCore;
import tcpip.segmentation.mss.MssServer;
import tcpip.segmentation.mss.MssStages;
import tcpip.segmentation.nagle.NagleClient;
import tcpip.segmentation.nagle.NagleCore;
import tcpip.segmentation.nagle.NagleStages;
import tcpip.segmentation.nagle.RequestResponseServer;
import tcpip.segmentation.throughput.BulkReceiver;
import tcpip.segmentation.throughput.BulkSender;
import tcpip.segmentation.throughput.ThroughputStages;
import tcpip.segmentation.throughput.ThroughputCore;

/**
 * Issue 11 items 1-2: every lesson has a short core file whose marker comments balance; the mains
 * call their core instead of re-implementing it; the demo's stages print the core's real lines.
 */
class CoreFilesTest {

    /** Each lesson's core and the programs that must call it. */
    private static final Map<Class<?>, List<Class<?>>> CORES = Map.of(
            StreamCore.class, List.of(StreamServer.class, StreamClient.class, ReadSizeServer.class, WriteBurstClient.class),
            LineCore.class, List.of(LineServer.class, LineClient.class),
            LengthPrefixCore.class, List.of(LengthPrefixServer.class, LengthPrefixClient.class),
            BufferCore.class, List.of(BufferSizeClient.class, BufferReport.class), // the client prints its report
            WindowCore.class, List.of(SlowReaderServer.class, BlockedWriterClient.class, WindowFill.class),
            NagleCore.class, List.of(RequestResponseServer.class, NagleClient.class),
            MssCore.class, List.of(MssServer.class, MssClient.class),
            ThroughputCore.class, List.of(BulkReceiver.class, BulkSender.class),
            LossCore.class, List.of(LabPeer.class));

    /** A core is read top to bottom on one screen: lines without the package line, imports and blank lines. */
    private static final int MAX_LINES = 60;

    @Test
    void everyCoreIsShortAndItsMarkersBalanceAndHoldCode() throws IOException {
        for (Class<?> core : CORES.keySet()) {
            long lines = source(core).lines().filter(l -> !l.isBlank() && !l.startsWith("package ") && !l.startsWith("import "))
                    .count();
            assertThat(lines).as("%s lines without package, imports and blanks", core.getSimpleName())
                    .isLessThanOrEqualTo(MAX_LINES);
            Set<String> markers = SourceExcerpt.markers(core); // throws if one is opened and not closed
            assertThat(markers).as("%s markers", core.getSimpleName()).isNotEmpty();
            for (String m : markers) {
                assertThat(SourceExcerpt.lines(core, m)).as("%s [%s]", core.getSimpleName(), m)
                        .anyMatch(l -> l.contains("(") && l.contains(";"));
            }
        }
    }

    @Test
    void everyMainCallsItsCore() throws IOException {
        for (Map.Entry<Class<?>, List<Class<?>>> e : CORES.entrySet()) {
            for (Class<?> main : e.getValue()) {
                assertThat(source(main)).as("%s must call %s", main.getSimpleName(), e.getKey().getSimpleName())
                        .contains(e.getKey().getSimpleName() + ".");
            }
        }
    }

    @Test
    void everyCoreMethodIsCalledByAProgramALearnerRuns() throws IOException {
        List<String> uncalled = new ArrayList<>();
        for (Map.Entry<Class<?>, List<Class<?>>> e : CORES.entrySet()) {
            StringBuilder programs = new StringBuilder();
            for (Class<?> main : e.getValue()) {
                programs.append(source(main));
            }
            for (Method m : e.getKey().getDeclaredMethods()) {
                if (Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers())
                        && !programs.toString().contains(e.getKey().getSimpleName() + "." + m.getName() + "(")) {
                    uncalled.add(e.getKey().getSimpleName() + "." + m.getName());
                }
            }
        }
        assertThat(uncalled).as("core methods no program of theirs calls (the lines the demo prints must run)").isEmpty();
    }

    @Test
    void everyMarkerTheDemoPrintsExistsAndTheDemoShowsRealLines() throws Exception {
        StringBuilder all = new StringBuilder();
        for (Class<?> stages : List.of(FramingStages.class, BufferStages.class, NagleStages.class, MssStages.class,
                ThroughputStages.class)) {
            all.append(source(stages));
        }
        String demo = all.toString();
        Matcher m = Pattern.compile("n\\.code\\((\\w+)\\.class, \"([a-z0-9-]+)\"\\)")
                .matcher(demo);
        int found = 0;
        while (m.find()) {
            found++;
            String core = m.group(1);
            Class<?> c = CORES.keySet().stream().filter(k -> k.getSimpleName().equals(core)).findFirst().orElseThrow(
                    () -> new AssertionError("the demo prints " + core + ", which is not a listed core"));
            assertThat(SourceExcerpt.markers(c)).as("%s has the marker the demo prints", core).contains(m.group(2));
        }
        assertThat(found).as("n.code(...) calls in the demo").isGreaterThanOrEqualTo(CORES.size());

        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Narrator n = new Narrator(new PrintStream(buf, true, StandardCharsets.UTF_8));
        n.code(StreamCore.class, "one-write");
        assertThat(buf.toString(StandardCharsets.UTF_8)).contains("StreamCore.java [one-write]")
                .contains("socket.getOutputStream().write(data);");
    }

    private static String source(Class<?> c) throws IOException {
        try (InputStream in = c.getResourceAsStream("/" + c.getName().replace('.', '/') + ".java")) {
            assertThat(in).as("source of %s on the classpath", c.getSimpleName()).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
