package tcpip.testing.grading;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;

/**
 * The channel from a graded test JVM to the grading process: numbered frames, each signed (HMAC-SHA256) with a key
 * that only the grader and the test JVM's runner know. The key reaches the runner on its standard input, which it
 * reads and closes before any submitted code runs; it lives in no file, property, argument or environment variable.
 */
final class Wire {

    static final int KEY_BYTES = 32;
    /** A frame longer than this is not the runner's: the runner cuts every field to far less. */
    static final int MAX_FRAME = 64 * 1024;
    private static final String MAC = "HmacSHA256";
    private static final int MAC_BYTES = 32;

    /** What a frame says: who is speaking, one check's result, or that the run is over. */
    enum Kind {
        /** The first frame on each connection: its role ("results" or "tripwire"). */
        HELLO,
        /** One check: name, status (passed, failed, aborted), message, weight. */
        CHECK,
        /** Every check has run; nothing after this counts. */
        DONE,
        /** The runner saw the answer-key rule broken (its tripwire closed by someone else): one message. */
        VIOLATION
    }

    /** One verified frame. */
    record Frame(Kind kind, List<String> fields) {
        String field(int i) {
            return i < fields.size() ? fields.get(i) : "";
        }
    }

    /** A frame whose signature or number is wrong: something other than the runner wrote it. */
    static final class Forged extends IOException {
        Forged(String why) {
            super(why);
        }
    }

    private Wire() {
    }

    private static Mac mac(byte[] key) {
        try {
            Mac m = Mac.getInstance(MAC);
            m.init(new SecretKeySpec(key, MAC));
            return m;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no " + MAC + " in this JDK", e);
        }
    }

    /** Writes signed frames; used by the runner in the test JVM. */
    static final class Writer {
        private final DataOutputStream out;
        private final Mac mac;
        private int seq;

        Writer(OutputStream out, byte[] key) {
            this.out = new DataOutputStream(out);
            this.mac = mac(key);
        }

        synchronized void send(Kind kind, String... fields) throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            DataOutputStream b = new DataOutputStream(body);
            b.writeInt(seq++);
            b.writeByte(kind.ordinal());
            b.writeShort(fields.length);
            for (String f : fields) {
                byte[] bytes = f.getBytes(StandardCharsets.UTF_8);
                b.writeInt(bytes.length);
                b.write(bytes);
            }
            byte[] payload = body.toByteArray();
            out.writeInt(payload.length);
            out.write(payload);
            out.write(mac.doFinal(payload));
            out.flush();
        }
    }

    /** Reads and verifies frames; used by the grader. */
    static final class Reader {
        private final DataInputStream in;
        private final Mac mac;
        private int seq;

        Reader(InputStream in, byte[] key) {
            this.in = new DataInputStream(in);
            this.mac = mac(key);
        }

        /** The next frame, or null at a clean end of stream; Forged if it is not the runner's. */
        Frame next() throws IOException {
            int length;
            try {
                length = in.readInt();
            } catch (EOFException e) {
                return null;
            }
            if (length < 7 || length > MAX_FRAME) {
                throw new Forged("a frame of " + length + " bytes");
            }
            byte[] payload = in.readNBytes(length);
            byte[] signature = in.readNBytes(MAC_BYTES);
            if (payload.length != length || signature.length != MAC_BYTES) {
                throw new Forged("a frame cut short");
            }
            if (!MessageDigest.isEqual(mac.doFinal(payload), signature)) {
                throw new Forged("a frame with a wrong signature");
            }
            DataInputStream p = new DataInputStream(new ByteArrayInputStream(payload));
            int n = p.readInt();
            if (n != seq++) {
                throw new Forged("frame " + n + " where " + (seq - 1) + " was due");
            }
            int kind = p.readUnsignedByte();
            if (kind >= Kind.values().length) {
                throw new Forged("a frame of unknown kind " + kind);
            }
            int count = p.readUnsignedShort();
            List<String> fields = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int len = p.readInt();
                if (len < 0 || len > length) {
                    throw new Forged("a field of " + len + " bytes");
                }
                fields.add(new String(p.readNBytes(len), StandardCharsets.UTF_8));
            }
            return new Frame(Kind.values()[kind], List.copyOf(fields));
        }
    }
}
