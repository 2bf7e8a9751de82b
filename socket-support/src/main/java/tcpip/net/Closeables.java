package tcpip.net;

import java.io.IOException;
import java.net.Socket;

/** Closing on a path that is already failing or ending, where a second error would only hide the first. */
public final class Closeables {

    private Closeables() {
    }

    /** Closes each resource, ignoring nulls and any exception its close() throws. */
    public static void closeQuietly(AutoCloseable... resources) {
        for (AutoCloseable r : resources) {
            if (r == null) {
                continue;
            }
            try {
                r.close();
            } catch (Exception ignored) {
                // already failing or shutting down: nothing more useful to do
            }
        }
    }

    /**
     * Closes a socket with RST instead of FIN (SO_LINGER on, 0 s), ignoring any exception: for load a program made
     * itself (idle clients), which would otherwise leave one TIME_WAIT row per connection for a minute.
     */
    public static void abortQuietly(Socket s) {
        if (s == null) {
            return;
        }
        try {
            s.setSoLinger(true, 0); // close() now drops anything unsent and sends RST: no TIME_WAIT on this side
        } catch (IOException ignored) {
            // already closed or never connected: nothing will wait in TIME_WAIT
        }
        closeQuietly(s);
    }
}
