package tcpip.narration;

import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.cli.Messages;
import tcpip.kernel.SocketRow;
import tcpip.kernel.SocketTable;
import tcpip.kernel.TcpState;
import tcpip.kernel.TimerKind;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.Descriptors;
import tcpip.kernel.TextWidth;

/**
 * A third-terminal view of one port: every connection on it and each change of state, queue or
 * timer as the kernel reports it (like {@code watch ss -tan}, but naming the article's states).
 */
public final class Watch {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    private static final Messages MSG = Messages.of("tcpip.cli.messages");
    /** Display columns of the event column (a state change such as {@code SYN_RECV -> ESTABLISHED} fits). */
    private static final int EVENT_COLUMNS = 26;

    private Watch() {
    }

    public static void main(String[] args) {
        Lang.chooseFrom(args);
        Cli cli = new Cli("Watch", MSG.get("watch.summary"));
        Cli.Option<Integer> port = cli.port(7007);
        Cli.Option<Duration> interval = cli.durationOption("--interval", Duration.ofMillis(50),
                MSG.get("watch.opt.interval"));
        Cli.Option<Duration> duration = cli.durationOption("--duration", Duration.ofMinutes(10),
                MSG.get("watch.opt.duration"));
        Cli.Option<Boolean> queues = cli.flag("--no-queues", MSG.get("watch.opt.no.queues"));
        cli.example("./mvnw -q -pl narration-cli -am compile exec:exec -Dmain=Watch -Dargs=\"--port 7007\"");
        cli.example("java -cp kernel-view/target/classes:narration-cli/target/classes tcpip.narration.Watch --port 7007 --duration 30s");
        cli.parse(args);
        cli.endsBySignal(); // watching until Ctrl-C is what it is for: no "stopped" line
        cli.run(() -> watch(port.get(), interval.get(), duration.get(), !queues.get()));
    }

    /** Watches until {@code duration} has passed. */
    static void watch(int port, Duration interval, Duration duration, boolean showQueues) {
        if (!SocketTable.available()) {
            System.out.println(SocketTable.unavailableMessage());
            return;
        }
        System.out.println(MSG.get("watch.start", String.valueOf(port), String.valueOf(interval.toMillis()),
                String.valueOf(duration.toSeconds())));
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
                    print(MSG.get(first ? "watch.event.exists" : "watch.event.new"), row, row.state().meaning());
                } else if (old.state() != row.state()) {
                    print(old.state() + " -> " + row.state(), row, row.state().meaning());
                } else if (showQueues && old.timer() != row.timer()) {
                    print(MSG.get("watch.event.timer"), row, row.timer().meaning());
                } else if (showQueues && (old.txQueue() != row.txQueue() || old.rxQueue() != row.rxQueue())) {
                    print(MSG.get("watch.event.queues"), row, "");
                }
            }
            for (Map.Entry<String, SocketRow> e : previous.entrySet()) {
                if (!now.containsKey(e.getKey())) {
                    SocketRow gone = e.getValue();
                    print(MSG.get("watch.event.gone"), gone, MSG.get(gone.state() == TcpState.TIME_WAIT
                            ? "watch.gone.time.wait" : "watch.gone.removed"));
                }
            }
            if (first && now.isEmpty()) {
                System.out.println(stamp() + " " + MSG.get("watch.nothing", String.valueOf(port)));
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
        System.out.println(stamp() + " " + TextWidth.padRight(event, EVENT_COLUMNS) + " " + row.describe());
        if (!meaning.isEmpty()) {
            System.out.println(" ".repeat(12) + " " + " ".repeat(EVENT_COLUMNS) + "   " + meaning);
        }
    }

    private static String stamp() {
        return LocalTime.now().format(CLOCK);
    }
}
