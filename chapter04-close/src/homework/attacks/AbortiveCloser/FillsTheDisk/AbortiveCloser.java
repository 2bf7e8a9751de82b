package tcpip.close.homework;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * ATTACK (grader fixture: before its first answer it writes 512 MiB into its folder, 32 MiB a file (each file under the
 * 64 MiB cap), as an exercise that fills the disk would: the room its neighbours and the machine need. It answers
 * only if all of it was written, so it earns points exactly when the grader let it write that much).
 */
public final class AbortiveCloser {

    private static final int FILES = 16;
    private static final int FILE_BYTES = 32 << 20;

    static {
        byte[] chunk = new byte[1 << 20];
        Path dir = Path.of(System.getProperty("java.io.tmpdir"));
        try {
            for (int f = 0; f < FILES; f++) {
                try (OutputStream out = Files.newOutputStream(dir.resolve("fill-" + f))) {
                    for (int i = 0; i < FILE_BYTES / chunk.length; i++) {
                        out.write(chunk);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the disk is full after all", e);
        }
    }

    private AbortiveCloser() {
    }

    public static void abort(Socket socket) throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }
}
