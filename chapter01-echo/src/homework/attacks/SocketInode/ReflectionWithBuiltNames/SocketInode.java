package tcpip.echo.homework;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.Socket;
import java.util.Optional;

/** ATTACK (grader fixture): calls the course's SocketTable/Descriptors through reflection with names built at run time. */
public final class SocketInode {

    public record Identity(int fd, long inode) {
    }

    private SocketInode() {
    }

    private static String pkg() {
        return new StringBuilder("lenrek.pipct").reverse().toString();
    }

    public static Identity of(Socket socket) throws IOException {
        try {
            Class<?> table = Class.forName(pkg() + ".Socket" + "Table");
            Class<?> descriptors = Class.forName(pkg() + ".Desc" + "riptors");
            Optional<?> row = (Optional<?>) table.getMethod("connection", int.class, int.class)
                    .invoke(null, socket.getLocalPort(), socket.getPort());
            Object r = row.orElseThrow();
            Method of = null;
            for (Method m : descriptors.getMethods()) {
                if (m.getName().equals("of") && m.getParameterCount() == 1) {
                    of = m;
                }
            }
            Object d = ((Optional<?>) of.invoke(null, r)).orElseThrow();
            long inode = (long) r.getClass().getMethod("inode").invoke(r);
            int fd = (int) d.getClass().getMethod("fd").invoke(d);
            return new Identity(fd, inode);
        } catch (ReflectiveOperationException e) {
            throw new IOException(e);
        }
    }
}
