package tcpip.narration;

import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import tcpip.cli.Cli;
import tcpip.kernel.SocketRow;
import tcpip.kernel.SocketTable;
import tcpip.kernel.TcpState;
import tcpip.kernel.TimerKind;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.Descriptors;

/**
 * A third-terminal view of one port: every connection on it and each change of state, queue or
 * timer as the kernel reports it (like {@code watch ss -tan}, but naming the article's states).
 */
public final class Watch {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    private Watch() {
    }

    public static void main(String[] args) {
        Cli cli = new Cli("Watch", "Prints every TCP connection on a port and each state change as it happens.");
        Cli.Option<Integer> port = cli.port(7007);
        Cli.Option<Duration> interval = cli.durationOption("--interval", Duration.ofMillis(50),
                "how often to read /proc/net/tcp*");
        Cli.Option<Duration> duration = cli.durationOption("--duration", Duration.ofMinutes(10),
                "stop after this long (Ctrl-C stops earlier)");
        Cli.Option<Boolean> queues = cli.flag("--no-queues", "report state changes only, not tx/rx queue changes");
        cli.example("./mvnw -q -pl narration-cli -am compile exec:exec -Dmain=Watch -Dargs=\"--port 7007\"");
        cli.example("java -cp kernel-view/target/classes tcpip.narration.Watch --port 7007 --duration 30s");
        cli.parse(args);
        cli.run(() -> watch(port.get(), interval.get(), duration.get(), !queues.get()));
    }

    /** Watches until {@code duration} has passed. */
    static void watch(int port, Duration interval, Duration duration, boolean showQueues) {
        if (!SocketTable.available()) {
            System.out.println(SocketTable.unavailableMessage());
            return;
        }
        System.out.printf("watching TCP port %d every %d ms for %d s (Ctrl-C to stop)%n", port, interval.toMillis(),
                duration.toSeconds());
        Map<String, SocketRow> previous = new HashMap<>();
        long deadline = System.nanoTime() + duration.toNanos();
        boolean first = true;
        while (System.nanoTime() < deadline) {
            Map<String, SocketRow> now = new LinkedHashMap<>();
            for (SocketRow r : SocketTable.onPort(port)) {
                now.put(key(r), r);
            }
            for (Map.Entry<String, SocketRow> e : now.entrySet()) {
                SocketRow old = previous.get(e.getKey());
                SocketRow row = e.getValue();
                if (old == null) {
                    print(first ? "exists" : "new", row, row.state().meaning());
                } else if (old.state() != row.state()) {
                    print(old.state() + " -> " + row.state(), row, row.state().meaning());
                } else if (showQueues && old.timer() != row.timer()) {
                    print("timer", row, row.timer().meaning());
                } else if (showQueues && (old.txQueue() != row.txQueue() || old.rxQueue() != row.rxQueue())) {
                    print("queues", row, "");
                }
            }
            for (Map.Entry<String, SocketRow> e : previous.entrySet()) {
                if (!now.containsKey(e.getKey())) {
                    SocketRow gone = e.getValue();
                    print("gone", gone, gone.state() == TcpState.TIME_WAIT
                            ? "TIME_WAIT expired: the kernel forgot the connection" : "the kernel removed the row");
                }
            }
            if (first && now.isEmpty()) {
                System.out.println(stamp() + " nothing on port " + port + " yet");
            }
            first = false;
            previous = now;
            LockSupport.parkNanos(interval.toNanos());
        }
    }

    private static String key(SocketRow r) {
        return r.local() + ">" + r.remote() + (r.ipv6Table() ? "/6" : "/4");
    }

    private static void print(String event, SocketRow row, String meaning) {
        System.out.printf("%s %-26s %s%n", stamp(), event, row.describe());
        if (!meaning.isEmpty()) {
            System.out.printf("%s %-26s   %s%n", " ".repeat(12), "", meaning);
        }
    }

    private static String stamp() {
        return LocalTime.now().format(CLOCK);
    }
}
