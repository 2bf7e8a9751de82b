package tcpip.close.halfclose;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;
import tcpip.close.Msg;
import tcpip.net.LogSafe;

/**
 * The framing around the half-close file transfer, so a client can tell a finished file from a
 * dead server. Request: {@code NAME\n}. Reply: {@code OK <size>\n}, exactly size bytes,
 * {@code SHA-256 <hex>\n}, then the server's FIN; or {@code ERROR <reason>\n}, then FIN.
 */
public final class FileProtocol {

    /** Fixed transfer buffer: memory per connection is the same whatever the file size. */
    public static final int BUFSIZE = 128 * 1024;
    /** Longest file name a server accepts; checked while reading, into a buffer of this size. */
    public static final int MAX_NAME_BYTES = 4096;
    /** Longest header or trailer line a client accepts ({@code ERROR} reasons are cut to fit). */
    public static final int MAX_LINE_BYTES = 1024;
    /** Longest reply (the "Thank you") kept for printing; more is read and dropped. */
    public static final int MAX_REPLY_BYTES = 1024;
    public static final String THANK_YOU = "Thank you";
    private static final String OK = "OK ";
    /** A size as the header may write it: ASCII digits only (Long.parseLong alone takes "+3" and other digits). */
    private static final Pattern SIZE = Pattern.compile("[0-9]{1,18}");
    private static final String ERROR = "ERROR ";
    private static final String TRAILER = "SHA-256 ";

    private FileProtocol() {
    }

    /** A line that broke the rules: too long, or not what the protocol allows here. */
    public static final class ProtocolException extends IOException {
        private static final long serialVersionUID = 1L;

        public ProtocolException(String message) {
            super(message);
        }
    }

    /** The server said ERROR: the message is its reason, already made safe to print. */
    public static final class RefusedException extends IOException {
        private static final long serialVersionUID = 1L;

        public RefusedException(String reason) {
            super(Msg.get("FileProtocol.refused", reason));
        }
    }

    /** The stream ended (FIN or RST) before the whole file and its trailer arrived. */
    public static final class IncompleteException extends IOException {
        private static final long serialVersionUID = 1L;

        public IncompleteException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** What the server sent (the SHA-256 of the file's bytes) and what the client said back after its FIN. */
    public record Sent(byte[] sha256, String reply) {
    }

    /** A complete, checked file: its size and SHA-256. */
    public record Received(long bytes, byte[] sha256) {
    }

    public static byte[] thankYou() {
        return (THANK_YOU + "\n").getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] request(String name) {
        return (name + "\n").getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] okHeader(long size) {
        return (OK + size + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** {@code ERROR reason\n}: the reason is escaped and cut (it may contain the client's own name). */
    public static byte[] error(String reason) {
        return (ERROR + LogSafe.text(reason) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] trailer(byte[] sha256) {
        return (TRAILER + HexFormat.of().formatHex(sha256) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The next {@code min(buf.length, left)} bytes of a file being sent; a file that shrank meanwhile is an error. */
    public static int nextChunk(InputStream file, byte[] buf, long left) throws IOException {
        int n = file.readNBytes(buf, 0, (int) Math.min(buf.length, left));
        if (n == 0) {
            throw new IOException(Msg.get("FileProtocol.shrank"));
        }
        return n;
    }

    /**
     * The request line, read into {@code buf} (its length is the limit, allocated before any
     * byte arrived). Returns null if the line is longer than the buffer. A name is complete only with
     * its newline: a FIN before it ends an unfinished name (a client that gave up after "aaaa" may have
     * meant "aaaa.txt"), which is a {@link ProtocolException}, never a request for "aaaa".
     */
    public static String readName(InputStream in, byte[] buf) throws IOException {
        int len = 0;
        for (int b; (b = in.read()) != '\n'; ) {
            if (b == -1) {
                if (len == 0) {
                    throw new EOFException(Msg.get("FileProtocol.noRequest"));
                }
                throw new ProtocolException(Msg.get("FileProtocol.unfinishedName", len));
            }
            if (len == buf.length) {
                return null;
            }
            buf[len++] = (byte) b;
        }
        if (len > 0 && buf[len - 1] == '\r') {
            len--;
        }
        return new String(buf, 0, len, StandardCharsets.UTF_8);
    }

    /** The size from {@code OK <size>}; a server's {@code ERROR} line becomes a {@link RefusedException}. */
    public static long readHeader(InputStream in) throws IOException {
        String line = readLine(in, "header");
        if (line.startsWith(ERROR)) {
            throw new RefusedException(LogSafe.text(line.substring(ERROR.length())));
        }
        if (line.startsWith(OK) && SIZE.matcher(line.substring(OK.length())).matches()) {
            return Long.parseLong(line.substring(OK.length())); // 1 to 18 ASCII digits: no '+', no overflow
        }
        throw new ProtocolException(Msg.get("FileProtocol.notAHeader", LogSafe.text(line)));
    }

    /** Reads {@code SHA-256 <hex>} and compares it with what we computed over the bytes we received. */
    public static void checkTrailer(InputStream in, byte[] computed) throws IOException {
        String line = readLine(in, "trailer");
        String expected = TRAILER + HexFormat.of().formatHex(computed);
        if (!line.startsWith(TRAILER)) {
            throw new ProtocolException(Msg.get("FileProtocol.noTrailer", LogSafe.text(line)));
        }
        if (!line.equals(expected)) {
            throw new ProtocolException(Msg.get("FileProtocol.shaMismatch",
                    LogSafe.text(line.substring(TRAILER.length())), expected.substring(TRAILER.length())));
        }
    }

    /** Everything the client sends until its FIN (read() == -1), keeping at most MAX_REPLY_BYTES. */
    public static String readReply(InputStream in) throws IOException {
        byte[] kept = new byte[MAX_REPLY_BYTES];
        int len = 0;
        byte[] buf = new byte[MAX_REPLY_BYTES];
        for (int n; (n = in.read(buf)) != -1; ) {
            int k = Math.min(n, kept.length - len);
            System.arraycopy(buf, 0, kept, len, k);
            len += k;
        }
        return new String(kept, 0, len, StandardCharsets.UTF_8).strip();
    }

    /**
     * One line up to '\n', at most MAX_LINE_BYTES; the end of the stream here means "incomplete".
     * {@code what} is {@code "header"} or {@code "trailer"}: it picks the sentence that names the line.
     */
    private static String readLine(InputStream in, String what) throws IOException {
        byte[] buf = new byte[MAX_LINE_BYTES];
        int len = 0;
        for (int b; (b = in.read()) != '\n'; ) {
            if (b == -1) {
                throw new IncompleteException(Msg.get("FileProtocol.closedBefore." + what), null);
            }
            if (len == buf.length) {
                throw new ProtocolException(Msg.get("FileProtocol.tooLong." + what, MAX_LINE_BYTES));
            }
            buf[len++] = (byte) b;
        }
        return new String(buf, 0, len, StandardCharsets.UTF_8);
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(Msg.get("FileProtocol.noSha256"), e);
        }
    }
}
