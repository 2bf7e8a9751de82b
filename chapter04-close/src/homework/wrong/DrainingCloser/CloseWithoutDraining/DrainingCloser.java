package tcpip.close.homework;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;

/** WRONG (test fixture): sends FIN and closes at once; bytes the client sent that nobody read turn the close into RST. */
public final class DrainingCloser {

    private DrainingCloser() {
    }

    /** Sends FIN, then closes without reading what the client still sends. */
    public static long drainAndClose(Socket socket, Duration deadline) throws IOException {
        try (socket) {
            socket.shutdownOutput();
        }
        return 0;
    }
}
