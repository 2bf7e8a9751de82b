package tcpip.segmentation.framing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.net.ExchangeDeadline;
import tcpip.segmentation.Msg;
import tcpip.segmentation.ServerOptions;
import tcpip.net.LogSafe;

/**
 * Sends several newline-terminated messages in ONE write() ({@link LineCore}) and checks that the
 * server answered each line; any other answer is a failure (one line, exit 1).
 */
public final class LineClient {

    private LineClient() {
    }

    public static void main(String[] args) {
        Lang.chooseFrom(args);
        Cli cli = new Cli("LineClient", Msg.get("LineClient.summary"));
        Cli.Option<String> host = cli.host();
        Cli.Option<Integer> port = cli.port(ServerOptions.DEFAULT_PORT);
        Cli.Option<Integer> count = cli.intOption("--lines", 3, 1, 10_000, Msg.get("LineClient.opt.lines"));
        Cli.Option<Duration> timeout = cli.durationOption("--read-timeout", Duration.ofSeconds(10),
                Msg.get("LineClient.opt.readTimeout"));
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=LineClient -Dargs=\"--port 7203\"");
        cli.parse(args);
        cli.run(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host.get(), port.get()), Math.toIntExact(timeout.get().toMillis()));
                socket.setSoTimeout(Math.toIntExact(timeout.get().toMillis()));
                List<String> lines = new ArrayList<>();
                for (int i = 1; i <= count.get(); i++) {
                    lines.add("hello " + i);
                }
                List<String> answers;
                // SO_TIMEOUT ends a silence; this ends answers that trickle in a byte at a time and never end.
                try (ExchangeDeadline deadline = ExchangeDeadline.arm(socket, timeout.get())) {
                    try {
                        answers = LineCore.exchange(socket, lines, LineDecoder.DEFAULT_MAX_LINE);
                    } catch (IOException e) {
                        throw deadline.explain(e);
                    }
                }
                System.out.println(Msg.get("LineClient.sent", lines.size()));
                check(lines, answers).forEach(a -> System.out.println(Msg.get("LineClient.server", a)));
            }
        });
    }

    /** The answers if they are exactly one "line N: text" per line sent; otherwise an exception saying what came. */
    static List<String> check(List<String> sent, List<String> answers) throws IOException {
        for (int i = 0; i < answers.size(); i++) {
            String expected = "line " + (i + 1) + ": " + (i < sent.size() ? sent.get(i) : "");
            if (i >= sent.size() || !answers.get(i).equals(expected)) {
                throw new IOException(Msg.get("LineClient.unexpected", LogSafe.text(answers.get(i)), expected));
            }
        }
        if (answers.size() < sent.size()) {
            throw new IOException(Msg.get("LineClient.closedEarly", answers.size(), sent.size()));
        }
        return answers;
    }
}
