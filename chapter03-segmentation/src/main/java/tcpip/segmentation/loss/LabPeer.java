package tcpip.segmentation.loss;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * quit; each runs {@link LossCore}. Its first line, {@code ready net:[N]}, names the namespace it runs in.
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
        reply(READY + " " + Files.readSymbolicLink(Path.of("/proc/self/ns/net")));
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
                        listener = LossCore.listen();
                        listener.setSoTimeout(DEADLINE_MS);
                        reply("port " + listener.getLocalPort());
                    }
                    case "connect" -> {
                        Closeables.closeQuietly(client, server);
                        client = LossCore.connect(listener, Integer.parseInt(w[1]));
                        long micros = (System.nanoTime() - t0) / 1000;
                        server = listener.accept();
                        server.setSoTimeout(DEADLINE_MS);
                        client.setSoTimeout(DEADLINE_MS);
                        reply("connected " + client.getLocalPort() + " " + micros);
                    }
                    case "send" -> {
                        byte[] data = new byte[Integer.parseInt(w[1])];
                        new Random(data.length).nextBytes(data);
                        byte[] got = LossCore.send(client, server, data);
                        reply("received " + got.length + " " + sha(data) + " " + sha(got) + " "
                                + (System.nanoTime() - t0) / 1000);
                    }
                    case "close" -> {
                        LossCore.close(client, server);
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

    private static synchronized void reply(String line) {
        System.out.println(line);
        System.out.flush();
    }

    static String sha(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
