package tcpip.testing;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A class file's methods, each with the methods it calls ({@code owner.name(descriptor)}: invoke
 * instructions and the method handles of lambdas and method references), and its superclass: what
 * {@link CoreContract} follows from a program's {@code main}. Read from the class file itself, so
 * it needs no library (the JDK's class-file API is newer than the course's Java 21).
 */
record ClassFileCalls(String superName, Map<String, List<String>> methods) {

    static ClassFileCalls read(String internalName) {
        try (InputStream raw = ClassFileCalls.class.getClassLoader().getResourceAsStream(internalName + ".class")) {
            if (raw == null) {
                return null;
            }
            return parse(new DataInputStream(raw));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ClassFileCalls parse(DataInputStream in) throws IOException {
        in.readInt(); // magic
        in.readUnsignedShort(); // minor
        in.readUnsignedShort(); // major
        int count = in.readUnsignedShort();
        int[] tag = new int[count];
        int[] a = new int[count];
        int[] b = new int[count];
        String[] utf = new String[count];
        for (int i = 1; i < count; i++) {
            tag[i] = in.readUnsignedByte();
            switch (tag[i]) {
                case 1 -> utf[i] = in.readUTF();
                case 3, 4 -> in.readInt();
                case 5, 6 -> {
                    in.readLong();
                    i++; // takes two slots
                }
                case 7, 8, 16, 19, 20 -> a[i] = in.readUnsignedShort();
                case 9, 10, 11, 12, 17, 18 -> {
                    a[i] = in.readUnsignedShort();
                    b[i] = in.readUnsignedShort();
                }
                case 15 -> {
                    a[i] = in.readUnsignedByte(); // reference kind
                    b[i] = in.readUnsignedShort(); // the Methodref
                }
                default -> throw new IOException("unknown constant pool tag " + tag[i]);
            }
        }
        in.readUnsignedShort(); // access
        in.readUnsignedShort(); // this
        int superIndex = in.readUnsignedShort();
        String superName = superIndex == 0 ? null : utf[a[superIndex]];
        in.skipNBytes(2L * in.readUnsignedShort()); // interfaces
        int fields = in.readUnsignedShort();
        for (int f = 0; f < fields; f++) {
            in.skipNBytes(6);
            skipAttributes(in);
        }
        Map<String, byte[]> code = new HashMap<>();
        int methods = in.readUnsignedShort();
        for (int m = 0; m < methods; m++) {
            in.readUnsignedShort();
            String key = utf[in.readUnsignedShort()] + utf[in.readUnsignedShort()];
            int attributes = in.readUnsignedShort();
            code.put(key, new byte[0]);
            for (int x = 0; x < attributes; x++) {
                String name = utf[in.readUnsignedShort()];
                byte[] body = in.readNBytes(in.readInt());
                if (name.equals("Code")) {
                    int length = ((body[4] & 0xff) << 24) | ((body[5] & 0xff) << 16) | ((body[6] & 0xff) << 8) | (body[7] & 0xff);
                    code.put(key, Arrays.copyOfRange(body, 8, 8 + length));
                }
            }
        }
        List<int[]> bootstrapArgs = new ArrayList<>();
        int attributes = in.readUnsignedShort();
        for (int x = 0; x < attributes; x++) {
            String name = utf[in.readUnsignedShort()];
            byte[] body = in.readNBytes(in.readInt());
            if (name.equals("BootstrapMethods")) {
                DataInputStream bm = new DataInputStream(new ByteArrayInputStream(body));
                int n = bm.readUnsignedShort();
                for (int i = 0; i < n; i++) {
                    bm.readUnsignedShort();
                    int[] args = new int[bm.readUnsignedShort()];
                    for (int j = 0; j < args.length; j++) {
                        args[j] = bm.readUnsignedShort();
                    }
                    bootstrapArgs.add(args);
                }
            }
        }
        Map<String, List<String>> calls = new HashMap<>();
        for (Map.Entry<String, byte[]> e : code.entrySet()) {
            List<String> out = new ArrayList<>();
            for (int index : invokes(e.getValue())) {
                if (tag[index] == 18) { // invokedynamic: the method handles its bootstrap is given
                    for (int arg : bootstrapArgs.get(a[index])) {
                        if (tag[arg] == 15) {
                            out.add(member(b[arg], a, b, utf));
                        }
                    }
                } else {
                    out.add(member(index, a, b, utf));
                }
            }
            calls.put(e.getKey(), out);
        }
        return new ClassFileCalls(superName, calls);
    }

    /** {@code owner.name(descriptor)} of a Methodref/InterfaceMethodref constant. */
    private static String member(int ref, int[] a, int[] b, String[] utf) {
        String owner = utf[a[a[ref]]];
        int nameAndType = b[ref];
        return owner + "." + utf[a[nameAndType]] + utf[b[nameAndType]];
    }

    private static void skipAttributes(DataInputStream in) throws IOException {
        int n = in.readUnsignedShort();
        for (int i = 0; i < n; i++) {
            in.readUnsignedShort();
            in.skipNBytes(Integer.toUnsignedLong(in.readInt()));
        }
    }

    /** The constant-pool indexes of every invoke instruction in a method's bytecode. */
    private static List<Integer> invokes(byte[] code) {
        List<Integer> found = new ArrayList<>();
        int pc = 0;
        while (pc < code.length) {
            int op = code[pc] & 0xff;
            if (op >= 0xb6 && op <= 0xba) {
                found.add(((code[pc + 1] & 0xff) << 8) | (code[pc + 2] & 0xff));
            }
            pc += length(code, pc, op);
        }
        return found;
    }

    private static int length(byte[] code, int pc, int op) {
        switch (op) {
            case 0xaa: { // tableswitch
                int p = (pc + 4) & ~3;
                int low = readInt(code, p + 4);
                int high = readInt(code, p + 8);
                return p - pc + 12 + 4 * (high - low + 1);
            }
            case 0xab: { // lookupswitch
                int p = (pc + 4) & ~3;
                return p - pc + 8 + 8 * readInt(code, p + 4);
            }
            case 0xc4: // wide
                return (code[pc + 1] & 0xff) == 0x84 ? 6 : 4;
            default:
                return LENGTHS[op];
        }
    }

    private static int readInt(byte[] code, int p) {
        return ((code[p] & 0xff) << 24) | ((code[p + 1] & 0xff) << 16) | ((code[p + 2] & 0xff) << 8) | (code[p + 3] & 0xff);
    }

    /** Instruction lengths in bytes by opcode (the switches and wide are computed above). */
    private static final int[] LENGTHS = new int[256];

    static {
        Arrays.fill(LENGTHS, 1);
        LENGTHS[0x10] = 2;
        LENGTHS[0x11] = 3;
        LENGTHS[0x12] = 2;
        LENGTHS[0x13] = 3;
        LENGTHS[0x14] = 3;
        for (int op = 0x15; op <= 0x19; op++) {
            LENGTHS[op] = 2;
        }
        for (int op = 0x36; op <= 0x3a; op++) {
            LENGTHS[op] = 2;
        }
        LENGTHS[0x84] = 3;
        for (int op = 0x99; op <= 0xa8; op++) {
            LENGTHS[op] = 3;
        }
        LENGTHS[0xa9] = 2;
        for (int op = 0xb2; op <= 0xb8; op++) {
            LENGTHS[op] = 3;
        }
        LENGTHS[0xb9] = 5;
        LENGTHS[0xba] = 5;
        LENGTHS[0xbb] = 3;
        LENGTHS[0xbc] = 2;
        LENGTHS[0xbd] = 3;
        LENGTHS[0xc0] = 3;
        LENGTHS[0xc1] = 3;
        LENGTHS[0xc5] = 4;
        LENGTHS[0xc6] = 3;
        LENGTHS[0xc7] = 3;
        LENGTHS[0xc8] = 5;
        LENGTHS[0xc9] = 5;
    }
}
