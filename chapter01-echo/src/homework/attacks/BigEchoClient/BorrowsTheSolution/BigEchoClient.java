package tcpip.echo.homework;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.net.URLClassLoader;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import javax.tools.ToolProvider;

/** ATTACK (grader fixture): compiles the course's reference solution at run time and delegates to it. */
public final class BigEchoClient {

    private BigEchoClient() {
    }

    private static Path findRepo() throws IOException {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("chapter01-echo/src/homework/solution"))) {
                return p;
            }
        }
        try (Stream<Path> s = Files.find(Path.of("/"), 7, (f, a) -> f.endsWith("src/homework/solution/java/" + BigEchoClient.class.getPackageName().replace('.', '/') + "/BigEchoClient.java"))) {
            return s.findFirst().orElseThrow().getParent().getParent().getParent().getParent().getParent().getParent().getParent().getParent().getParent();
        }
    }

    public static byte[] echo(SocketChannel channel, byte[] message) throws IOException {
        try {
            Path src = findRepo().resolve("chapter01-echo/src/homework/solution/java/" + BigEchoClient.class.getPackageName().replace('.', '/') + "/BigEchoClient.java");
            String text = Files.readString(src).replace("package " + BigEchoClient.class.getPackageName() + ";", "package borrowed;");
            Path dir = Files.createTempDirectory("borrow");
            Path copy = dir.resolve("borrowed/BigEchoClient.java");
            Files.createDirectories(copy.getParent());
            Files.writeString(copy, text);
            ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", dir.toString(), copy.toString());
            try (URLClassLoader l = new URLClassLoader(new java.net.URL[] {dir.toUri().toURL()})) {
                return (byte[]) l.loadClass("borrowed.BigEchoClient").getMethod("echo", SocketChannel.class, byte[].class)
                        .invoke(null, channel, message);
            }
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IOException(e);
        }
    }
}
