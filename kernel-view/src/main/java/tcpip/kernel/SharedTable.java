package tcpip.kernel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One read of the kernel's socket table shared by every connection a server is watching, renewed at
 * most every {@code every} by one of them while the others go on with the previous one: a thousand
 * waiting connections cost a few reads of /proc a second, not a thousand (each read of a big table is
 * CPU). Rows are found by (local port, remote port). The table's files are opened once, when this is
 * made, and read again from their start each time: a server out of descriptors (EMFILE) still sees which
 * of its clients left, so it can let go of their sockets (opening /proc then would fail, and the sockets
 * waiting for that look would hold the descriptors for good).
 */
public final class SharedTable {

    private record Rows(Map<Long, SocketRow> byPorts, long takenAt) {
    }

    private final long everyNanos;
    private final ReentrantLock refreshing = new ReentrantLock();
    private volatile Rows rows;

    private final FileChannel tcp4;
    private final FileChannel tcp6;

    public SharedTable(Duration every) {
        this.everyNanos = every.toNanos();
        this.rows = new Rows(Map.of(), System.nanoTime() - everyNanos - 1);
        this.tcp4 = open(SocketTable.TCP4);
        this.tcp6 = open(SocketTable.TCP6);
    }

    private static FileChannel open(Path file) {
        try {
            return Files.isReadable(file) ? FileChannel.open(file) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The rows of one table file, read from its start with the descriptor kept open (pread: no new descriptor). */
    private static void readInto(FileChannel file, boolean v6, Map<Long, SocketRow> byPorts) throws IOException {
        if (file == null) {
            return;
        }
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        long position = 0;
        for (int n; (n = file.read(buf, position)) > 0; position += n) {
            if (!buf.hasRemaining()) {
                buf = ByteBuffer.allocate(buf.capacity() * 2).put(buf.flip());
            }
        }
        List<SocketRow> rows = new ArrayList<>();
        SocketTable.parse(buf.array(), buf.position(), v6, SocketTable.EVERY_ROW, rows);
        rows.forEach(row -> byPorts.put(key(row.localPort(), row.remotePort()), row));
    }

    /**
     * The latest rows by {@link #key} if they were read after {@code since} ({@code System.nanoTime()}),
     * else null (no read since then yet: ask again). A read that fails (out of descriptors) keeps the old rows.
     */
    public Map<Long, SocketRow> rowsSince(long since) {
        Rows r = rows;
        if (System.nanoTime() - r.takenAt() >= everyNanos && refreshing.tryLock()) {
            try {
                long at = System.nanoTime(); // before reading: every connection accepted by now is in it
                Map<Long, SocketRow> byPorts = new HashMap<>();
                readInto(tcp4, false, byPorts);
                readInto(tcp6, true, byPorts);
                r = new Rows(byPorts, at);
                rows = r;
            } catch (IOException | RuntimeException e) {
                // /proc could not be read now (EMFILE): the next caller tries again
            } finally {
                refreshing.unlock();
            }
        }
        return r.takenAt() - since >= 0 ? r.byPorts() : null;
    }

    /** The key of a connection's row: its local and remote port. */
    public static long key(int localPort, int remotePort) {
        return ((long) localPort << 16) | remotePort;
    }
}
