package tcpip.segmentation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/** Reads this machine's TCP settings under /proc/sys, so narration prints live numbers, never fixed text. */
public final class KernelSettings {

    private static final Path ROOT = Path.of("/proc/sys");

    private KernelSettings() {
    }

    /** e.g. {@code net/ipv4/tcp_rmem} → {@code [4096, 131072, 33554432]}; empty off Linux. */
    public static Optional<long[]> numbers(String name) {
        try {
            // readAllLines, not readString: /proc files report size 0 and readString may stop early
            String text = String.join(" ", Files.readAllLines(ROOT.resolve(name))).strip();
            return Optional.of(Arrays.stream(text.split("\\s+")).mapToLong(Long::parseLong).toArray());
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** One number (the first of the file), or -1 where it cannot be read. */
    public static long number(String name) {
        return numbers(name).map(v -> v[0]).orElse(-1L);
    }

    /** The number at {@code index} of a triple such as tcp_rmem (min, default, max), or -1. */
    public static long number(String name, int index) {
        return numbers(name).filter(v -> v.length > index).map(v -> v[index]).orElse(-1L);
    }

    /** The MTU of a network device, e.g. {@code lo}, or -1. */
    public static long mtu(String device) {
        try {
            return Long.parseLong(String.join("", Files.readAllLines(Path.of("/sys/class/net", device, "mtu"))).strip());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }
}
