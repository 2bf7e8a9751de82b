package tcpip.close.homework;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * WRONG (test fixture: looks for the port as text in the row, so a TIME_WAIT row whose REMOTE port is the server's port (a client of it that closed first) counts too).
 * Exercise (reference solution): restart a server on its old port while the connections it closed
 * first still sit in TIME_WAIT (소켓 연결 종료: the active closer keeps the connection for 2 MSL).
 */
public final class TimeWaitRestart {

    private static final List<Path> TABLES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));
    /** The st column of a TIME_WAIT row (include/net/tcp_states.h: TCP_TIME_WAIT = 6). */
    private static final String TIME_WAIT = "06";

    private TimeWaitRestart() {
    }

    /**
     * How many connections on this machine are in TIME_WAIT with {@code port} as their LOCAL port:
     * the old server's side of connections it closed first. Reads /proc/net/tcp and tcp6.
     */
    public static long timeWaitCount(int port) throws IOException {
        long count = 0;
        for (Path table : TABLES) {
            if (!Files.isReadable(table)) {
                continue;
            }
            List<String> rows = Files.readAllLines(table);
            for (String line : rows.subList(1, rows.size())) { // the first line is the header
                String[] f = line.trim().split("\\s+"); // sl local_address rem_address st ...
                String hexPort = String.format(":%04X", port);
                if (f[3].equals(TIME_WAIT) && (f[1].endsWith(hexPort) || f[2].endsWith(hexPort))) { // the port in the row
                    count++;
                }
            }
        }
        return count;
    }

    /**
     * A new listener on 127.0.0.1:{@code port} that binds although TIME_WAIT connections still use
     * the port: SO_REUSEADDR must be on BEFORE bind(), because bind() is when the kernel checks.
     */
    public static ServerSocket rebind(int port) throws IOException {
        ServerSocket listener = new ServerSocket();
        try {
            listener.setReuseAddress(true); // bind() may share the port with TIME_WAIT connections
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return listener;
        } catch (IOException e) {
            listener.close();
            throw e;
        }
    }
}
