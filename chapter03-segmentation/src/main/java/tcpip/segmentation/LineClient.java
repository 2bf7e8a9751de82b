package tcpip.segmentation;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import tcpip.cli.Cli;

/** Sends several newline-terminated messages in ONE write() and prints the server's one answer per line. */
public final class LineClient {

    private LineClient() {
    }

    public static void main(String[] args) {
        Cli cli = new Cli("LineClient", "Sends N lines in one write(); the server still answers each line.");
        Cli.Option<String> host = cli.host();
        Cli.Option<Integer> port = cli.port(7203);
        Cli.Option<Integer> count = cli.intOption("--lines", 3, 1, 10_000, "lines to send");
        Cli.Option<Duration> timeout = cli.durationOption("--read-timeout", Duration.ofSeconds(10),
                "give up if the server does not answer for this long");
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=LineClient -Dargs=\"--port 7203\"");
        cli.parse(args);
        cli.run(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host.get(), port.get()));
                socket.setSoTimeout((int) timeout.get().toMillis());
                StringBuilder all = new StringBuilder();
                for (int i = 1; i <= count.get(); i++) {
                    all.append("hello ").append(i).append('\n');
                }
                OutputStream out = socket.getOutputStream();
                out.write(all.toString().getBytes(StandardCharsets.UTF_8)); // one write, many messages
                socket.shutdownOutput(); // FIN after the data: "no more lines"
                System.out.println("sent " + count.get() + " lines in one write()");
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                        StandardCharsets.UTF_8));
                String answer;
                while ((answer = in.readLine()) != null) { // null: the server's FIN
                    System.out.println("server: " + answer);
                }
            }
        });
    }
}
