package tcpip.close.halfclose;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;

/** Test files written fast: one pseudo-random MiB block, each copy stamped with its index so no two MiB match. */
final class TestFiles {

    private static final int BLOCK = 1 << 20;

    private TestFiles() {
    }

    /** Writes {@code size} pseudo-random bytes to {@code file}; returns their SHA-256 in hex. */
    static String write(Path file, long size) throws IOException {
        byte[] block = new byte[BLOCK];
        new SplittableRandom(size).nextBytes(block);
        MessageDigest sha = HalfCloseFileClient.sha256();
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0, index = 0; written < size; index++) {
                ByteBuffer.wrap(block).putLong(index);
                int n = (int) Math.min(BLOCK, size - written);
                out.write(block, 0, n);
                sha.update(block, 0, n);
                written += n;
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    static String sha256(Path file) throws IOException {
        MessageDigest sha = HalfCloseFileClient.sha256();
        byte[] buf = new byte[BLOCK];
        try (var in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) != -1; ) {
                sha.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
