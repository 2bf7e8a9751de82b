package tcpip.echo.homework;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** ATTACK (grader fixture: the course's kernel-view class files, read from the grader's class path copy as bytes, renamed tcpip/ -> tcpxp/ (same length) and defined in a class loader of its own, then called by reflection with names built at run time: neither the constant-pool scan nor a course-class name sees them). */
public final class SocketInode {

    public record Identity(int fd, long inode) {
    }

    private SocketInode() {
    }

    private static final String REAL = new String(new char[] {'t', 'c', 'p', 'i', 'p'});
    private static final String FAKE = new String(new char[] {'t', 'c', 'p', 'x', 'p'});
    private static ClassLoader loader;

    private static synchronized ClassLoader loader() throws IOException {
        if (loader != null) {
            return loader;
        }
        Path answer = Path.of(SocketInode.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        Path top = answer.getParent().getParent(); // the grader's snapshot (or the module in a plain build)
        String dir = REAL + "/kernel";
        Map<String, byte[]> classes = new HashMap<>();
        List<Path> found;
        try (Stream<Path> s = Files.walk(top, 8)) {
            found = s.filter(p -> p.toString().replace('\\', '/').endsWith(dir + "/SocketRow.class")).toList();
        }
        Path kdir = found.get(0).getParent();
        byte[] from = (REAL + "/kernel/").getBytes(StandardCharsets.ISO_8859_1);
        byte[] to = (FAKE + "/kernel/").getBytes(StandardCharsets.ISO_8859_1);
        try (Stream<Path> s = Files.list(kdir)) {
            for (Path p : s.filter(p -> p.toString().endsWith(".class")).toList()) {
                byte[] b = Files.readAllBytes(p);
                for (int i = 0; i + from.length <= b.length; i++) {
                    boolean hit = true;
                    for (int j = 0; j < from.length && hit; j++) {
                        hit = b[i + j] == from[j];
                    }
                    if (hit) {
                        System.arraycopy(to, 0, b, i, to.length);
                    }
                }
                String name = FAKE + ".kernel." + p.getFileName().toString().replace(".class", "");
                classes.put(name, b);
            }
        }
        loader = new ClassLoader(ClassLoader.getPlatformClassLoader()) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                byte[] b = classes.get(name);
                if (b == null) {
                    throw new ClassNotFoundException(name);
                }
                return defineClass(name, b, 0, b.length);
            }
        };
        return loader;
    }

    public static Identity of(Socket socket) throws IOException {
        try {
            ClassLoader l = loader();
            Class<?> table = Class.forName(FAKE + ".kernel.Socket" + "Table", true, l);
            Class<?> descriptors = Class.forName(FAKE + ".kernel.Descr" + "iptors", true, l);
            Method connection = table.getMethod("connection", int.class, int.class);
            Optional<?> row = (Optional<?>) connection.invoke(null, socket.getLocalPort(), socket.getPort());
            Object r = row.orElseThrow(() -> new IOException("no row"));
            long inode = (long) r.getClass().getMethod("inode").invoke(r);
            Optional<?> d = (Optional<?>) descriptors.getMethod("ofInode", long.class).invoke(null, inode);
            Object desc = d.orElseThrow(() -> new IOException("no fd"));
            int fd = (int) desc.getClass().getMethod("fd").invoke(desc);
            return new Identity(fd, inode);
        } catch (ReflectiveOperationException e) {
            throw new IOException(e);
        }
    }
}
