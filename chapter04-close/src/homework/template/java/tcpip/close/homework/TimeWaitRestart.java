package tcpip.close.homework;

import java.io.IOException;
import java.net.ServerSocket;

/**
 * Exercise: restart a server on its old port while the connections it closed first still sit in
 * TIME_WAIT (소켓 연결 종료: the active closer keeps the connection for 2 MSL).
 *
 * <p>Grade it: {@code ./homework grade chapter04-close TimeWaitRestart}
 */
public final class TimeWaitRestart {

    private TimeWaitRestart() {
    }

    /**
     * How many connections on this machine are in TIME_WAIT with {@code port} as their LOCAL port:
     * the old server's side of connections it closed first. Read /proc/net/tcp and /proc/net/tcp6
     * yourself (java.nio.file): after a header line, one row per socket; the 2nd column is the local
     * address HEXIP:HEXPORT, the 4th (st) the state, and 06 is TIME_WAIT. (The course's own
     * /proc reader is the answer key: an answer that calls it scores 0.)
     */
    public static long timeWaitCount(int port) throws IOException {
        throw new UnsupportedOperationException("TODO: count the TIME_WAIT rows of /proc/net/tcp* whose local port is port");
    }

    /**
     * A new listener on 127.0.0.1:{@code port} that binds although TIME_WAIT connections still use
     * the port. Which socket option lets bind() share the port, and must it be set before or after bind()?
     * If bind() fails all the same (a listening socket holds the port), close the socket and let the
     * exception out.
     */
    public static ServerSocket rebind(int port) throws IOException {
        throw new UnsupportedOperationException("TODO: create an unbound ServerSocket, set SO_REUSEADDR, then bind 127.0.0.1:port");
    }
}
