package tcpip.lifecycle.options;

import java.util.List;
import tcpip.kernel.Sysctl;

/**
 * What Linux does with SO_RCVBUF and where the window scale comes from, computed from this
 * kernel's settings (Three way handshake: the window). Linux stores twice the request (half is
 * its bookkeeping), clamped to [its minimum, 2 x net.core.rmem_max]; getsockopt returns that
 * stored value and the JDK on Linux halves it again. The SYN's window scale is the smallest
 * shift that lets the 16-bit window field express the largest window this socket may ever
 * offer: with autotuning that is max(tcp_rmem[2], rmem_max); with SO_RCVBUF set (autotuning off)
 * about half the stored buffer.
 *
 * @param rmemMax     net.core.rmem_max, the largest SO_RCVBUF a program may ask for
 * @param tcpRmemMax  net.ipv4.tcp_rmem[2], the largest buffer receive autotuning may reach
 */
public record BufferFacts(long rmemMax, long tcpRmemMax) {

    /** The most a window scale can be (RFC 7323). */
    public static final int MAX_WSCALE = 14;
    /** The window field is 16 bits: a window above 2^16 - 1 needs scaling. */
    private static final int WINDOW_FIELD_BITS = 15;

    /** This kernel's numbers; zeros where /proc/sys is not readable. */
    public static BufferFacts ofThisKernel() {
        List<Long> rmem = Sysctl.numbers("net.ipv4.tcp_rmem");
        return new BufferFacts(Sysctl.number("net.core.rmem_max").orElse(0L), rmem.size() == 3 ? rmem.get(2) : 0);
    }

    /** True if the settings could be read. */
    public boolean known() {
        return rmemMax > 0 && tcpRmemMax > 0;
    }

    /** The receive buffer the kernel stores for a request, given its minimum. */
    public long storedReceiveBuffer(long request, long kernelMinimum) {
        return Math.max(2 * Math.min(request, rmemMax), kernelMinimum);
    }

    /** The scale a SYN announces when autotuning is on (no SO_RCVBUF set before connect()). */
    public int autotunedWindowScale() {
        return scaleFor(Math.max(tcpRmemMax, rmemMax));
    }

    /** The scale a SYN announces for a socket whose SO_RCVBUF was set before connect(). */
    public static int lockedWindowScale(long storedReceiveBuffer) {
        return scaleFor(storedReceiveBuffer / 2);
    }

    /** The smallest shift that makes {@code space} fit the 16-bit window field: ilog2(space) - 15, within [0, 14]. */
    public static int scaleFor(long space) {
        if (space <= 0) {
            return 0;
        }
        int ilog2 = 63 - Long.numberOfLeadingZeros(space);
        return Math.max(0, Math.min(MAX_WSCALE, ilog2 - WINDOW_FIELD_BITS));
    }
}
