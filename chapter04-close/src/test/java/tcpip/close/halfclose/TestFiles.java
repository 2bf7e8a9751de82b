package tcpip.close.halfclose;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import tcpip.kernel.Background;

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

    /**
     * A fake file server on {@code listener} for one client: it reads the name, announces 1,000,000 bytes, sends 1,000
     * of them and falls silent until {@code done} (at most 30 s): a transfer stopped in the middle.
     */
    static CompletableFuture<Void> stallMidTransfer(ServerSocket listener, CountDownLatch done) {
        return CompletableFuture.runAsync(() -> {
            try (Socket s = listener.accept()) {
                FileProtocol.readName(s.getInputStream(), new byte[FileProtocol.MAX_NAME_BYTES]);
                s.getOutputStream().write(FileProtocol.okHeader(1_000_000));
                s.getOutputStream().write(new byte[1000]); // part of the file, then silence
                done.await(30, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, Background.OWN_THREAD);
    }
}
