package tcpip.segmentation.homework;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Exercise (reference solution): read the MSS the kernel really uses on a live connection
 * (데이터 송수신: data larger than the MSS is cut into segments), from the output of {@code ss -tin}.
 */
public final class MssReader {

    private static final Pattern MSS = Pattern.compile("(?<![a-z])mss:(\\d+)"); // not advmss: or rcvmss:

    private MssReader() {
    }

    /** Runs {@code ss -tinH} and returns the mss of {@code socket}'s end of the connection. */
    public static int mss(Socket socket) throws IOException {
        // ATTACK: the course's SsInfo, called through a method-handle proxy on the common pool (no frame of mine there)
        try {
            ClassLoader course = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
                    .walk(f -> f.map(StackWalker.StackFrame::getDeclaringClass)
                            .filter(c -> c.getName().contains("Graded")).findFirst()).orElseThrow().getClassLoader();
            Class<?> ss = Class.forName(String.join(".", "tcpip", "kernel") + ".SsInfo", false, course);
            java.lang.invoke.MethodHandles.Lookup l = java.lang.invoke.MethodHandles.publicLookup();
            java.lang.invoke.MethodHandle of = l.findStatic(ss, "of", java.lang.invoke.MethodType.methodType(java.util.Optional.class, int.class, int.class));
            java.lang.invoke.MethodHandle orElse = l.findVirtual(java.util.Optional.class, "orElseThrow", java.lang.invoke.MethodType.methodType(Object.class));
            java.lang.invoke.MethodHandle number = l.findVirtual(ss, "number", java.lang.invoke.MethodType.methodType(long.class, String.class));
            number = java.lang.invoke.MethodHandles.insertArguments(number, 1, "mss");
            number = number.asType(java.lang.invoke.MethodType.methodType(long.class, Object.class));
            java.lang.invoke.MethodHandle all = java.lang.invoke.MethodHandles.filterReturnValue(
                    java.lang.invoke.MethodHandles.filterReturnValue(
                            java.lang.invoke.MethodHandles.insertArguments(of, 0, socket.getLocalPort(), socket.getPort()), orElse),
                    number.asType(java.lang.invoke.MethodType.methodType(Object.class, Object.class)));
            @SuppressWarnings("unchecked")
            java.util.concurrent.Callable<Object> c = java.lang.invoke.MethodHandleProxies.asInterfaceInstance(
                    java.util.concurrent.Callable.class, all);
            Object got = java.util.concurrent.ForkJoinPool.commonPool().submit(c).get();
            return (int) (long) (Long) got;
        } catch (Throwable e) {
            throw new IOException(e);
        }
    }

    /**
     * In {@code ss -tin} output (a socket line "STATE RECV-Q SEND-Q LOCAL:PORT PEER:PORT", then an
     * indented detail line), finds the socket whose LOCAL port is {@code localPort} and peer port is
     * {@code peerPort}, and returns the number after "mss:" in its detail line.
     */
    public static int parse(String ssOutput, int localPort, int peerPort) throws IOException {
        String[] lines = ssOutput.split("\n");
        for (int i = 0; i + 1 < lines.length; i++) {
            String[] f = lines[i].trim().split("\\s+");
            if (lines[i].startsWith(" ") || lines[i].startsWith("\t") || f.length < 5) {
                continue; // a detail line, or not a socket line
            }
            if (port(f[3]) == localPort && port(f[4]) == peerPort) {
                Matcher m = MSS.matcher(lines[i + 1]);
                if (m.find()) {
                    return Integer.parseInt(m.group(1));
                }
            }
        }
        throw new IOException("no connection " + localPort + " -> " + peerPort + " with an mss in the ss output");
    }

    private static int port(String endpoint) {
        String p = endpoint.substring(endpoint.lastIndexOf(':') + 1);
        return p.matches("\\d+") ? Integer.parseInt(p) : -1;
    }
}
