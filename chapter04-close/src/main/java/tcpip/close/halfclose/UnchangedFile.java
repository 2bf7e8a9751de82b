package tcpip.close.halfclose;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import tcpip.close.Msg;

/**
 * A file being sent, read through a check that it is the file that was asked for and did not change meanwhile.
 * The name is looked up ({@code lstat}) before it is opened, again after, and once more after its last byte was
 * read; all three must agree: a regular file, the same device and inode, size, modification time and change time
 * (ctime, which no program can set back, unlike the modification time: {@code touch -r}). The size announced is
 * the opened descriptor's own ({@code fstat}), never the name's. So the core never writes the SHA-256 trailer of a
 * file that was rewritten in place, grown, or replaced (renamed over) while it was opened or went out (a mix of
 * old and new bytes whose own hash is right), and the client, with no trailer, saves nothing.
 *
 * <p>Times catch {@code write(2)}, not every change: a write through a shared mapping ({@code mmap} MAP_SHARED,
 * FileChannel.map READ_WRITE) to a page already mapped writable moves neither mtime nor ctime nor the size (on tmpfs
 * never; on a disk file system until writeback). So after the last byte was read, before it and the trailer go out,
 * the file is read again from its start through the same descriptor ({@code pread(2)}) and hashed; the trailer follows
 * only if that hash equals the hash of the bytes handed out. What that guarantees: the bytes sent are, byte for byte,
 * the file's content as read again at the end. It is not a snapshot: a writer that changes bytes and puts them back
 * before the second read reaches them goes unseen (the bytes sent are then what the file held again at the end).
 * What it costs: a second read of the whole file per transfer (from the page cache if the file fits in memory, from
 * the disk otherwise), two more SHA-256 passes (the bytes handed out, the bytes read again; the core hashes its own),
 * and one {@value #READ_AGAIN_BUFSIZE}-byte buffer while it runs: about 150 ms per 50 MiB (chapter README).
 *
 * <p>The open itself runs on an {@link Opener} thread with a deadline: a name that became a FIFO after the
 * server checked it makes {@code open(2)} wait for a writer, maybe for ever, and that wait must not hold the
 * connection's thread and slot. It opens only in folders no other user can change ({@link OwnFolders}).
 */
final class UnchangedFile extends InputStream {

    /** The buffer of the second read, allocated when it starts. */
    static final int READ_AGAIN_BUFSIZE = 64 * 1024;

    private final Path file;
    private final FileChannel channel;
    private final InputStream in;
    private final Stat before;
    private final long size;
    private final MessageDigest handedOut = FileProtocol.sha256(); // the bytes read() returned: what the core sends
    private long left;

    private UnchangedFile(Path file, FileChannel channel, Stat before, long size) {
        this.file = file;
        this.channel = channel;
        this.in = Channels.newInputStream(channel);
        this.before = before;
        this.size = size;
        this.left = size;
    }

    /**
     * Opens {@code file} (the real path {@code name} resolved to) within {@code limit}, or refuses: the name is not
     * a regular file (any more), it changed while it was opened, or open() did not return in time. The refusal's
     * message is for the client and names only {@code name}; its detail, for the log, may name the path.
     */
    static UnchangedFile open(Path file, String name, Opener opener, Duration limit)
            throws IOException, ServedFiles.RefusedException {
        Stat named;
        try {
            named = Stat.of(file); // lstat(2): what the name is now, a link not followed
        } catch (IOException e) {
            throw new ServedFiles.RefusedException(Msg.get("ServedFiles.cannotOpenReply", name),
                    Msg.get("ServedFiles.cannotOpen", name, e.getMessage()));
        }
        if (!named.regular()) {
            throw new ServedFiles.RefusedException(Msg.get("ServedFiles.notRegular", name));
        }
        FileChannel channel;
        try {
            channel = opener.open(file, name, limit);
        } catch (InterruptedIOException e) {
            throw e;
        } catch (IOException e) { // gone, not readable: the client hears a plain reason, the log the detail
            throw new ServedFiles.RefusedException(Msg.get(e instanceof OwnFolders.UnsafeFolderException
                    ? "ServedFiles.unsafeFolderReply" : "ServedFiles.cannotOpenReply", name),
                    Msg.get("ServedFiles.cannotOpen", name, e.getMessage()));
        }
        try {
            // fstat(2) on the descriptor: the size of the file that was opened, whatever the name means by now.
            long size = channel.size();
            // lseek(2) on the descriptor: a FIFO, a socket or a pipe fails it (ESPIPE); a regular file does not.
            channel.position(0);
            Stat opened = Stat.of(file); // lstat(2) again: the name must still be the same file, unchanged
            if (!opened.regular() || !opened.sameAs(named) || size != named.size()) {
                throw new ServedFiles.RefusedException(Msg.get("UnchangedFile.changed", named.size(), opened.size()),
                        Msg.get("ServedFiles.cannotOpen", name, Msg.get("UnchangedFile.replacedAtOpen")));
            }
            return new UnchangedFile(file, channel, named, size);
        } catch (IOException e) { // ESPIPE from lseek, the name gone: what was opened is not the file that was checked
            closeQuietly(channel);
            throw new ServedFiles.RefusedException(Msg.get("ServedFiles.notRegular", name),
                    Msg.get("ServedFiles.cannotOpen", name, e.getMessage()));
        } catch (ServedFiles.RefusedException | RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /** The opened file's size: the header's, the number of bytes the core sends. */
    long size() {
        return size;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            handedOut.update(b, off, n);
            left -= n;
            if (left <= 0) {
                checkUnchanged(); // before the caller sends the last bytes, and then the trailer
            }
        }
        return n;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private void checkUnchanged() throws IOException {
        long now = channel.size(); // fstat(2): the opened file grew or was cut while it was read
        Stat after = Stat.of(file); // lstat(2): the name was renamed over, or the file rewritten (ctime moved)
        if (now != size || !after.regular() || !after.sameAs(before)) {
            throw new IOException(Msg.get("UnchangedFile.changed", size, after.size()));
        }
        // A write through a shared mapping moves none of those: the content itself, read again, must be what went out.
        if (!Arrays.equals(handedOut.digest(), readAgain())) {
            throw new IOException(Msg.get("UnchangedFile.readAgainDiffers", String.format("%,d", size)));
        }
    }

    /** The SHA-256 of the opened file's first {@code size} bytes, read again through its descriptor (pread(2)). */
    private byte[] readAgain() throws IOException {
        MessageDigest sha = FileProtocol.sha256();
        ByteBuffer buf = ByteBuffer.allocate(READ_AGAIN_BUFSIZE);
        for (long at = 0; at < size; ) {
            buf.clear().limit((int) Math.min(buf.capacity(), size - at));
            int n = channel.read(buf, at); // pread(2): from offset at; the descriptor's own position stays
            if (n <= 0) {
                throw new IOException(Msg.get("FileProtocol.shrank"));
            }
            sha.update(buf.array(), 0, n);
            at += n;
        }
        return sha.digest();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (Exception ignored) {
            // nothing more to do
        }
    }

    /**
     * One {@code lstat(2)} of a name: its type, device and inode, size, modification and change times. The change
     * time (ctime) moves with every write and every attribute change, {@code touch -r} included, and no call sets it
     * back. Where the JDK has no "unix" view (Windows), the basic attributes, without ctime.
     */
    record Stat(int type, Object key, long size, FileTime modified, FileTime changed) {

        private static final int S_IFMT = 0170000;
        private static final int S_IFREG = 0100000;
        private static final int S_IFIFO = 0010000;
        private static final int OTHER = -1;

        static Stat of(Path file) throws IOException {
            Map<String, Object> a;
            try {
                a = Files.readAttributes(file, "unix:mode,dev,ino,size,lastModifiedTime,ctime", LinkOption.NOFOLLOW_LINKS);
            } catch (UnsupportedOperationException | IllegalArgumentException e) {
                BasicFileAttributes b = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                return new Stat(b.isRegularFile() ? S_IFREG : OTHER, b.fileKey(), b.size(), b.lastModifiedTime(), null);
            }
            return new Stat((Integer) a.get("mode") & S_IFMT, List.of(a.get("dev"), a.get("ino")), (Long) a.get("size"),
                    (FileTime) a.get("lastModifiedTime"), (FileTime) a.get("ctime"));
        }

        boolean regular() {
            return type == S_IFREG;
        }

        boolean fifo() {
            return type == S_IFIFO;
        }

        /** The same file (device and inode), with the same size and times. */
        boolean sameAs(Stat o) {
            return type == o.type && Objects.equals(key, o.key) && size == o.size && modified.equals(o.modified)
                    && Objects.equals(changed, o.changed);
        }
    }

    /**
     * Opens files on threads of its own, at most {@code maxPending} at once, each within a deadline. An open that
     * has not returned by then is abandoned (its caller refuses the request and frees its connection slot) and,
     * if the name is a FIFO now, unblocked; the thread closes whatever it gets once open() returns. Opens still
     * stuck (the name was no FIFO when we looked) are tried again whenever another open times out.
     */
    static final class Opener implements AutoCloseable {

        private final ThreadPoolExecutor threads;
        private final int maxPending;
        private final OwnFolders folders;
        private final Set<Pending> abandoned = ConcurrentHashMap.newKeySet();

        /** Opens files under the root of {@code folders}, only in folders that it says no other user can change. */
        Opener(int maxPending, OwnFolders folders) {
            this.maxPending = maxPending;
            this.folders = folders;
            // No queue: a task runs at once on an idle or new thread, or is rejected (maxPending opens in progress).
            this.threads = new ThreadPoolExecutor(0, maxPending, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                    Thread.ofPlatform().daemon().name("file-open-", 0).factory());
        }

        /** Opens still blocked after their caller gave up on them. */
        int stuck() {
            return abandoned.size();
        }

        /** Opens under way now, stuck ones included. */
        int pending() {
            return threads.getActiveCount();
        }

        /** {@code file} opened for reading (no link followed, no folder others can change), or a refusal naming {@code name}. */
        FileChannel open(Path file, String name, Duration limit) throws IOException, ServedFiles.RefusedException {
            Pending p = new Pending(file);
            try {
                threads.execute(p);
            } catch (RejectedExecutionException e) {
                unblockAbandoned();
                throw new ServedFiles.RefusedException(Msg.get("HalfCloseFileServer.busy", maxPending),
                        Msg.get("ServedFiles.cannotOpen", name, Msg.get("UnchangedFile.opensPending", maxPending)));
            }
            FileChannel channel = p.await(limit);
            if (channel == null) {
                unblockAbandoned(); // this one included
                throw new ServedFiles.RefusedException(Msg.get("ServedFiles.cannotOpenReply", name),
                        Msg.get("ServedFiles.cannotOpen", name,
                                Msg.get("UnchangedFile.openAbandoned", limit.toMillis())));
            }
            return channel;
        }

        private void unblockAbandoned() {
            for (Pending p : abandoned) {
                unblock(p.file);
            }
        }

        /**
         * Wakes the readers blocked in open() on the FIFO at {@code file}, if it is one: only a name that lstat (no
         * link followed) says is a FIFO is opened, and without O_CREAT, so nothing else is created or changed.
         */
        static void unblock(Path file) {
            try {
                if (!Stat.of(file).fifo()) {
                    return;
                }
                // open(2) with O_RDWR on a FIFO: Linux never blocks it (the opener is its own writer) and wakes every
                // process blocked in open(O_RDONLY) on that FIFO, which returns: the stuck opener gets a descriptor.
                FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)
                        .close();
            } catch (IOException | RuntimeException ignored) {
                // gone, or not ours to open: a later timeout tries again
            }
        }

        @Override
        public void close() {
            threads.shutdown(); // idle threads end; a stuck one is a daemon and ends with the JVM
            unblockAbandoned();
        }

        /** One open(2) on an opener thread; its caller waits for it with a deadline and may give up on it. */
        private final class Pending implements Runnable {
            final Path file;
            private final CountDownLatch done = new CountDownLatch(1);
            private FileChannel channel;
            private IOException failure;
            private boolean givenUp;

            Pending(Path file) {
                this.file = file;
            }

            @Override
            public void run() {
                FileChannel c = null;
                IOException e = null;
                try {
                    // open(2) O_RDONLY|O_NOFOLLOW: on a FIFO the kernel puts this thread to sleep until some process
                    // opens it for writing; nothing else (no timeout, no interrupt) wakes it.
                    c = folders.open(file);
                } catch (IOException x) {
                    e = x;
                } catch (RuntimeException x) {
                    e = new IOException(x);
                }
                synchronized (this) {
                    if (!givenUp) {
                        channel = c;
                        failure = e;
                        done.countDown();
                        return;
                    }
                }
                abandoned.remove(this);
                closeQuietly(c); // its caller has gone: what it got is closed here
            }

            /** The opened channel; null if none came within {@code limit} (the open is abandoned). */
            FileChannel await(Duration limit) throws IOException {
                boolean interrupted = false;
                try {
                    done.await(Math.max(1, limit.toNanos()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
                synchronized (this) {
                    if (done.getCount() > 0) {
                        givenUp = true;
                        abandoned.add(this);
                        if (interrupted) {
                            Thread.currentThread().interrupt();
                            throw new InterruptedIOException("interrupted while opening " + file);
                        }
                        return null;
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
                if (failure != null) {
                    throw failure;
                }
                return channel;
            }
        }
    }
}
