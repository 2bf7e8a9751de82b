package tcpip.segmentation;

import tcpip.kernel.SsInfo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import tcpip.cli.Cli;

/**
 * Prints each connection's MSS from the server's side ({@code ss -tin}: mss, advmss, pmtu,
 * rcvmss) after the client's data arrived: rcvmss is the largest segment actually received.
 */
public final class MssServer {

    private MssServer() {
    }

    public static void main(String[] args) {
        Cli cli = new Cli("MssServer", "Shows mss/advmss/pmtu/rcvmss of every connection (needs ss).");
        Cli.Option<String> bind = cli.bind();
        Cli.Option<Integer> port = cli.port(7203);
        Cli.Option<Duration> timeout = cli.durationOption("--read-timeout", Duration.ofSeconds(30),
                "close a client that sends nothing for this long");
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=MssServer -Dargs=\"--port 7203\"");
        cli.parse(args);
        cli.run(() -> {
            try (ServerSocket listener = new ServerSocket()) {
                listener.bind(new InetSocketAddress(InetAddress.getByName(bind.get()), port.get()));
                Runtime.getRuntime().addShutdownHook(new Thread(() -> ReadSizeServer.closeQuietly(listener)));
                System.out.println("MssServer listening on " + listener.getLocalSocketAddress() + "; Ctrl-C stops");
                if (!SsInfo.installed()) {
                    System.out.println(SsInfo.unavailableMessage());
                }
                while (!listener.isClosed()) {
                    try (Socket client = listener.accept()) {
                        client.setSoTimeout((int) timeout.get().toMillis());
                        System.out.println("client " + client.getRemoteSocketAddress() + " after the handshake: "
                                + MssClient.mss(client));
                        byte[] buf = new byte[64 * 1024];
                        long total = 0;
                        int n;
                        while ((n = client.getInputStream().read(buf)) != -1) {
                            total += n;
                            if (total >= MssClient.SEND) {
                                break; // all data here; look before the FIN ends the connection
                            }
                        }
                        System.out.println("  after " + total + " bytes arrived:   " + MssClient.mss(client));
                    } catch (SocketException e) {
                        if (listener.isClosed()) {
                            break;
                        }
                        System.out.println("client failed: " + Cli.describe(e));
                    } catch (IOException e) {
                        System.out.println("client failed: " + Cli.describe(e));
                    }
                }
            }
        });
    }
}
