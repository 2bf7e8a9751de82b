package tcpip.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the kernel's TCP settings from /proc/sys, so a program states the numbers of the kernel it
 * runs on instead of numbers written into its text. Empty where the setting does not exist (an
 * older kernel, another OS).
 */
public final class Sysctl {

    private static final int BUFFER = 4096;

    private Sysctl() {
    }

    /** A setting by its sysctl name, e.g. {@code net.ipv4.tcp_fin_timeout}; empty if absent. */
    public static Optional<String> read(String name) {
        Path file = Path.of("/proc/sys", name.replace('.', '/'));
        // One read() with a buffer larger than any value: a sysctl file answers a read at a non-zero
        // offset with end-of-file, so Files.readString (which starts with a tiny read for a file
        // whose size says 0) would get only the first byte ("60" read as "6").
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[BUFFER];
            int n = in.read(buf);
            return n <= 0 ? Optional.empty()
                    : Optional.of(new String(buf, 0, n, StandardCharsets.US_ASCII).trim().replaceAll("\\s+", " "));
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }

    /** A whole-number setting, empty if absent or not a number. */
    public static Optional<Long> number(String name) {
        return read(name).flatMap(v -> {
            try {
                return Optional.of(Long.parseLong(v));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }

    /** A setting of several numbers, such as {@code net.ipv4.tcp_rmem} (min default max). */
    public static List<Long> numbers(String name) {
        List<Long> out = new ArrayList<>();
        read(name).ifPresent(v -> {
            for (String part : v.split(" ")) {
                try {
                    out.add(Long.parseLong(part));
                } catch (NumberFormatException ignored) {
                    // not a number: skip
                }
            }
        });
        return out;
    }

    /** A whole-number setting, or {@code absent} where it cannot be read. */
    public static long longOr(String name, long absent) {
        return number(name).orElse(absent);
    }

    /** Field {@code index} of a several-number setting (tcp_rmem: 0 min, 1 default, 2 max), or {@code absent}. */
    public static long field(String name, int index, long absent) {
        List<Long> values = numbers(name);
        return index < values.size() ? values.get(index) : absent;
    }

    /**
     * The MTU of a network device such as {@code lo} in this process's network namespace, or -1. Asked of
     * the kernel through a socket ({@code ip link show lo} shows the same): /sys/class/net shows the
     * namespace sysfs was mounted in, which inside a private namespace is still the host's.
     */
    public static long mtu(String device) {
        try {
            NetworkInterface nic = NetworkInterface.getByName(device);
            if (nic != null) {
                return nic.getMTU();
            }
        } catch (SocketException e) {
            // fall back to sysfs below
        }
        try (InputStream in = Files.newInputStream(Path.of("/sys/class/net", device, "mtu"))) {
            byte[] buf = new byte[BUFFER];
            int n = in.read(buf);
            return n <= 0 ? -1 : Long.parseLong(new String(buf, 0, n, StandardCharsets.US_ASCII).trim());
        } catch (IOException | NumberFormatException | SecurityException e) {
            return -1;
        }
    }

    /**
     * One line naming the kernel facts that make numbers differ between machines: the kernel
     * version, SYN retry schedule settings, buffer limits, FIN_WAIT2 timeout, congestion control,
     * timestamps and SACK. "absent" where this kernel has no such setting.
     */
    public static String kernelFacts() {
        return KernelText.get("facts", read("kernel.osrelease").orElse(System.getProperty("os.name") + " "
                + System.getProperty("os.version")), show("net.ipv4.tcp_syn_retries"),
                show("net.ipv4.tcp_syn_linear_timeouts"), show("net.ipv4.tcp_rmem"), show("net.ipv4.tcp_wmem"),
                show("net.ipv4.tcp_fin_timeout"), show("net.ipv4.tcp_congestion_control"),
                onOff("net.ipv4.tcp_timestamps"), onOff("net.ipv4.tcp_sack"));
    }

    private static String show(String name) {
        return read(name).map(v -> v.contains(" ") ? "[" + v + "]" : v).orElse(KernelText.get("facts.absent"));
    }

    private static String onOff(String name) {
        return number(name).map(v -> KernelText.get(v == 0 ? "facts.off" : "facts.on")).orElse(KernelText.get("facts.absent"));
    }
}
