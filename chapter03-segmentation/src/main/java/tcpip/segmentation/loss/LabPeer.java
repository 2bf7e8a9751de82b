package tcpip.segmentation.seqack;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.segmentation.Msg;
import tcpip.net.Closeables;

/**
 * Client and server of the loss lab, run as the first process of the lab's namespace ({@code unshare
 * --net ... java ... LabPeer}) and driven line by line on stdin: listen, connect MS, send BYTES, close,
 * quit. Its first line, {@code ready net:[N]}, names the namespace it runs in.
 */
public final class LabPeer {

    /** The first line: the peer runs, in the namespace it names. */
    static final String READY = "ready";

    private static final int DEADLINE_MS = 10_000;

    private LabPeer() {
    }

    public static void main(String[] args) throws Exception {
        Lang.chooseFrom(args);
        Cli cli = new Cli("LabPeer", Msg.get("LabPeer.summary"));
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=LossLab");
        cli.parse(args);
        reply(READY + " " + java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/ns/net")));
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        ServerSocket listener = null;
        Socket client = null;
        Socket server = null;
        for (String line; (line = commands.readLine()) != null;) {
            String[] w = line.strip().split(" ");
            long t0 = System.nanoTime();
            try {
                switch (w[0]) {
                    case "listen" -> {
                        Closeables.closeQuietly(client, server, listener); // one experiment at a time
                        listener = new ServerSocket();
                        listener.bind(new InetSocketAddress("127.0.0.1", 0)); // the namespace's own lo
                        listener.setSoTimeout(DEADLINE_MS);
                        reply("port " + listener.getLocalPort());
                    }
                    case "connect" -> {
                        Closeables.closeQuietly(client, server);
                        client = new Socket();
                        // connect(): the kernel sends SYN and returns once SYN+ACK arrived (or gives up)
                        client.connect(listener.getLocalSocketAddress(), Integer.parseInt(w[1]));
                        long micros = (System.nanoTime() - t0) / 1000;
                        server = listener.accept();
                        server.setSoTimeout(DEADLINE_MS);
                        client.setSoTimeout(DEADLINE_MS);
                        reply("connected " + client.getLocalPort() + " " + micros);
                    }
                    case "send" -> {
                        byte[] data = new byte[Integer.parseInt(w[1])];
                        new Random(data.length).nextBytes(data);
                        Socket writer = client;
                        // write(): the kernel copies into the send buffer and cuts MSS-sized segments
                        Thread t = Thread.ofPlatform().start(() -> write(writer, data));
                        byte[] got = server.getInputStream().readNBytes(data.length); // reassembled by SEQ
                        t.join(DEADLINE_MS);
                        reply("received " + got.length + " " + sha(data) + " " + sha(got) + " "
                                + (System.nanoTime() - t0) / 1000);
                    }
                    case "close" -> {
                        client.close();                      // FIN from the client: the active closer
                        InputStream in = server.getInputStream();
                        while (in.read() >= 0) {             // -1: the FIN arrived
                            continue;
                        }
                        server.close();                      // the passive closer's FIN: LAST_ACK
                        reply("closed " + (System.nanoTime() - t0) / 1000);
                    }
                    case "quit" -> {
                        Closeables.closeQuietly(client, server, listener);
                        return;
                    }
                    default -> reply("error unknown command " + w[0]);
                }
            } catch (Exception e) {
                reply("failed " + (System.nanoTime() - t0) / 1000 + " " + e.getClass().getSimpleName() + ": "
                        + e.getMessage());
            }
        }
    }

    private static void write(Socket socket, byte[] data) {
        try {
            socket.getOutputStream().write(data);
        } catch (Exception e) {
            reply("write-failed " + e.getMessage());
        }
    }

    private static synchronized void reply(String line) {
        System.out.println(line);
        System.out.flush();
    }

    static String sha(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
