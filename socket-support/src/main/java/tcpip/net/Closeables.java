package tcpip.net;

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
}
