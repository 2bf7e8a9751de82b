package tcpip.segmentation;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import tcpip.cli.Cli;

/**
 * Answers fixed-size requests ({@value #REQUEST} bytes) with a {@value #RESPONSE}-byte
 * response: the server side of the Nagle + delayed ACK experiment. It answers only once the
 * whole request is there, so it never sends anything the ACK could ride on before that.
 */
public final class RequestResponseServer {

    /** A request: a header write and a body write on the client, {@value} bytes together. */
    public static final int REQUEST = NagleClient.HEADER + NagleClient.BODY;
    /** The response size. */
    public static final int RESPONSE = 4;

    private RequestResponseServer() {
    }

    public static void main(String[] args) {
        Cli cli = new Cli("RequestResponseServer", "Answers each " + REQUEST + "-byte request with " + RESPONSE + " bytes.");
        Cli.Option<String> bind = cli.bind();
        Cli.Option<Integer> port = cli.port(7203);
        Cli.Option<Duration> timeout = cli.durationOption("--read-timeout", Duration.ofSeconds(30),
                "close a client that sends nothing for this long");
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=RequestResponseServer -Dargs=\"--port 7203\"");
        cli.parse(args);
        cli.run(() -> {
            try (ServerSocket listener = new ServerSocket()) {
                listener.bind(new InetSocketAddress(InetAddress.getByName(bind.get()), port.get()));
                Runtime.getRuntime().addShutdownHook(new Thread(() -> ReadSizeServer.closeQuietly(listener)));
                System.out.println("RequestResponseServer listening on " + listener.getLocalSocketAddress()
                        + "; run NagleClient in another terminal; Ctrl-C stops");
                while (!listener.isClosed()) {
                    Socket client;
                    try {
                        client = listener.accept();
                    } catch (IOException e) {
                        if (listener.isClosed()) {
                            break;
                        }
                        System.out.println("accept failed: " + Cli.describe(e));
                        continue;
                    }
                    client.setSoTimeout((int) timeout.get().toMillis());
                    Thread.ofVirtual().start(() -> {
                        try (client) {
                            long n = answer(client);
                            System.out.println("client " + client.getRemoteSocketAddress() + ": " + n + " requests");
                        } catch (SocketTimeoutException e) {
                            System.out.println("client " + client.getRemoteSocketAddress() + ": idle too long; closed");
                        } catch (IOException e) {
                            System.out.println("client " + client.getRemoteSocketAddress() + ": " + Cli.describe(e));
                        }
                    });
                }
            }
        });
    }

    /** Answers requests until the client's FIN; returns how many. */
    public static long answer(Socket client) throws IOException {
        InputStream in = client.getInputStream();
        OutputStream out = client.getOutputStream();
        byte[] response = new byte[RESPONSE];
        long count = 0;
        while (true) {
            // readNBytes loops over read() until the whole request is here: framing by fixed size.
            byte[] request = in.readNBytes(REQUEST);
            if (request.length < REQUEST) {
                return count; // the client's FIN (a partial request is simply dropped here)
            }
            out.write(response);
            count++;
        }
    }
}
