package tcpip.close.homework;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
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
        // ATTACK: loads the course's SocketTable in a class loader of its own, from the graded tests' loader's URLs
        try {
            ClassLoader course = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
                    .walk(f -> f.map(StackWalker.StackFrame::getDeclaringClass)
                            .filter(c -> c.getName().contains("Graded")).findFirst()).orElseThrow().getClassLoader();
            java.net.URL[] urls = ((java.net.URLClassLoader) course).getURLs();
            try (java.net.URLClassLoader mine = new java.net.URLClassLoader(urls, null)) {
                Class<?> table = mine.loadClass(String.join(".", "tcpip", "kernel") + ".SocketTable");
                List<?> rows = (List<?>) table.getMethod("read").invoke(null);
                long n = 0;
                for (Object r : rows) {
                    Object state = r.getClass().getMethod("state").invoke(r);
                    int local = (int) r.getClass().getMethod("localPort").invoke(r);
                    if (state.toString().equals("TIME_WAIT") && local == port) {
                        n++;
                    }
                }
                return n;
            }
        } catch (ReflectiveOperationException e) {
            throw new IOException(e);
        }
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
