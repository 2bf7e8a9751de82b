package tcpip.kernel;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * What a narrated run wants from every {@link PacketCapture} without the chapters passing it
 * along: the stage now running (set by the stage runner), where to save each capture as a
 * .pcap file, and who wants each finished capture (the HTML report). One run at a time per JVM.
 */
public final class StageContext {

    /** A capture that ended (or could not start) while a stage ran. */
    public record Capture(String stage, int port, List<Segment> segments, Optional<Path> pcapFile,
            String unavailableReason) {
    }

    private static final String NO_STAGE = "capture";

    private static volatile String stage;
    private static volatile Path pcapDir;
    private static final Map<String, Integer> FILES_PER_STAGE = new HashMap<>();
    private static final List<Consumer<Capture>> LISTENERS = new CopyOnWriteArrayList<>();

    private StageContext() {
    }

    /** Marks {@code name} as the stage now running (null: none). */
    public static void enter(String name) {
        stage = name;
    }

    /** The stage now running, if a stage runner set one. */
    public static Optional<String> stage() {
        return Optional.ofNullable(stage);
    }

    /** Saves every later capture as a .pcap in {@code dir} (null: do not save). */
    public static void pcapDir(Path dir) {
        synchronized (StageContext.class) {
            pcapDir = dir;
            FILES_PER_STAGE.clear(); // a new run numbers its files afresh
        }
    }

    /** Where captures are saved, if anywhere. */
    public static Optional<Path> pcapDir() {
        return Optional.ofNullable(pcapDir);
    }

    /** Calls {@code listener} with every capture that ends from now on. */
    public static void addListener(Consumer<Capture> listener) {
        LISTENERS.add(listener);
    }

    /** Stops calling {@code listener}. */
    public static void removeListener(Consumer<Capture> listener) {
        LISTENERS.remove(listener);
    }

    /** The file for the next capture: {@code DIR/STAGE.pcap}, then {@code STAGE-2.pcap}, ... */
    static synchronized Optional<Path> nextPcapFile() {
        Path dir = pcapDir;
        if (dir == null) {
            return Optional.empty();
        }
        String name = stage == null ? NO_STAGE : stage;
        int n = FILES_PER_STAGE.merge(name, 1, Integer::sum);
        return Optional.of(dir.resolve(n == 1 ? name + ".pcap" : name + "-" + n + ".pcap"));
    }

    static void finished(int port, List<Segment> segments, Optional<Path> pcap, String unavailableReason) {
        Capture c = new Capture(stage == null ? NO_STAGE : stage, port, segments, pcap, unavailableReason);
        for (Consumer<Capture> l : LISTENERS) {
            l.accept(c);
        }
    }
}
