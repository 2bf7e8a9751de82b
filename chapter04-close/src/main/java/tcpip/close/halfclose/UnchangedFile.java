package tcpip.close.halfclose;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import tcpip.close.Msg;

/**
 * A file being sent, read through a check that it did not change meanwhile: its size, modification time
 * and file key (device and inode) when it was opened are compared with the same after its last byte was
 * read, and a difference fails that read. So the core never writes the SHA-256 trailer of a file that was
 * rewritten in place, grown, or replaced while it went out (a mix of old and new bytes whose own hash is
 * right), and the client, with no trailer, saves nothing.
 */
final class UnchangedFile extends FilterInputStream {

    private final Path file;
    private final BasicFileAttributes before;
    private long left;

    private UnchangedFile(Path file, InputStream in, BasicFileAttributes before) {
        super(in);
        this.file = file;
        this.before = before;
        this.left = before.size();
    }

    /** Opens {@code file} and notes its attributes; {@link #size()} is the size to announce. */
    static UnchangedFile open(Path file) throws IOException {
        InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS);
        try {
            return new UnchangedFile(file, in, Files.readAttributes(file, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS));
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /** The size when it was opened: the header's, the number of bytes the core sends. */
    long size() {
        return before.size();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
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

    private void checkUnchanged() throws IOException {
        BasicFileAttributes after = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (after.size() != before.size() || !after.lastModifiedTime().equals(before.lastModifiedTime())
                || !Objects.equals(after.fileKey(), before.fileKey())) {
            throw new IOException(Msg.get("UnchangedFile.changed", before.size(), after.size()));
        }
    }
}
