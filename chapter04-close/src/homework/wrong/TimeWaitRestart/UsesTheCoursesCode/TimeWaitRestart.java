package tcpip.close.homework;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import tcpip.close.timewait.ReuseAddressCore;
import tcpip.kernel.SocketTable;
import tcpip.kernel.TcpState;

/**
 * WRONG (test fixture: calls the course's own SocketTable and ReuseAddressCore instead of doing the exercise). Restart a server on its old port while the connections it closed
 * first still sit in TIME_WAIT (소켓 연결 종료: the active closer keeps the connection for 2 MSL).
 */
public final class TimeWaitRestart {

    private TimeWaitRestart() {
    }

    /**
     * How many connections on this machine are in TIME_WAIT with {@code port} as their LOCAL port:
     * the old server's side of connections it closed first. Reads /proc/net/tcp and tcp6.
     */
    public static long timeWaitCount(int port) throws IOException {
        return SocketTable.read(row -> row.state() == TcpState.TIME_WAIT && row.localPort() == port).size();
    }

    /**
     * A new listener on 127.0.0.1:{@code port} that binds although TIME_WAIT connections still use
     * the port: SO_REUSEADDR must be on BEFORE bind(), because bind() is when the kernel checks.
     */
    public static ServerSocket rebind(int port) throws IOException {
        return ReuseAddressCore.listen(InetAddress.getLoopbackAddress(), port, true);
    }
}
