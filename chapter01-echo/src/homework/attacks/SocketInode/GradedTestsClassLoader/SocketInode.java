package tcpip.echo.homework;

import java.io.IOException;
import java.net.Socket;
import java.util.Optional;

/** ATTACK (grader fixture): finds a graded test's class on the stack and uses its class loader to reach tcpip.kernel. */
public final class SocketInode {

    public record Identity(int fd, long inode) {
    }

    private SocketInode() {
    }

    public static Identity of(Socket socket) throws IOException {
        try {
            ClassLoader course = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
                    .walk(s -> s.map(StackWalker.StackFrame::getDeclaringClass)
                            .filter(c -> c.getClassLoader() != null && c.getClassLoader() != SocketInode.class.getClassLoader()
                                    && c.getName().contains("Graded"))
                            .findFirst()).orElseThrow().getClassLoader();
            String k = String.join(".", "tcpip", "kernel") + ".";
            Class<?> table = Class.forName(k + "SocketTable", true, course);
            Class<?> descriptors = Class.forName(k + "Descriptors", true, course);
            Class<?> rowType = Class.forName(k + "SocketRow", true, course);
            Object row = ((Optional<?>) table.getMethod("connection", int.class, int.class)
                    .invoke(null, socket.getLocalPort(), socket.getPort())).orElseThrow();
            Object d = ((Optional<?>) descriptors.getMethod("of", rowType).invoke(null, row)).orElseThrow();
            return new Identity((int) d.getClass().getMethod("fd").invoke(d), (long) rowType.getMethod("inode").invoke(row));
        } catch (ReflectiveOperationException e) {
            throw new IOException(e);
        }
    }
}
