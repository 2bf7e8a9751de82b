package tcpip.echo.selector;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/** The non-blocking echo lesson: one thread and one Selector serve every connection; no call waits. */
public final class SelectorEchoCore {

    /** Bytes read and not yet sent back: the only memory a connection costs. */
    public static final int BUFFER_SIZE = 8192;

    /** One connection's state: its buffer, whether its FIN came, and how many bytes went each way. */
    public static final class Echo {
        final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_SIZE);
        boolean finReceived;
        long received;
        long sent;
    }

    private SelectorEchoCore() {
    }

    /** 소켓 생성 (server): socket(), bind(), listen(), then "wake me when a connection waits". */
    public static ServerSocketChannel listen(Selector selector, InetSocketAddress at, int backlog) throws IOException {
        ServerSocketChannel listener = ServerSocketChannel.open();
        // [listen]
        listener.bind(at, backlog); // bind() + listen(): a LISTEN row
        listener.configureBlocking(false); // from now on accept() returns null instead of waiting
        listener.register(selector, SelectionKey.OP_ACCEPT); // epoll_ctl(ADD): watch the accept queue
        // [/listen]
        return listener;
    }

    /** 소켓 연결 설정 (server): one finished connection, watched for "bytes arrived"; null if none waits. */
    public static SelectionKey accept(ServerSocketChannel listener, Selector selector) throws IOException {
        // [accept]
        SocketChannel connection = listener.accept(); // null: the accept queue is empty
        if (connection == null) {
            return null;
        }
        connection.configureBlocking(false); // read() and write() return at once, with whatever they could do
        return connection.register(selector, SelectionKey.OP_READ, new Echo());
        // [/accept]
    }

    /** 데이터 송수신 for one ready connection; false once the FIN came and every byte went back. */
    public static boolean echo(SelectionKey key) throws IOException {
        SocketChannel channel = (SocketChannel) key.channel();
        Echo echo = (Echo) key.attachment();
        // [echo]
        int n = key.isReadable() ? channel.read(echo.buffer) : 0; // what arrived, maybe 0 bytes; -1: the FIN
        echo.finReceived |= n == -1;
        echo.received += Math.max(n, 0);
        echo.buffer.flip();
        echo.sent += channel.write(echo.buffer); // takes what fits in the send buffer, maybe nothing
        echo.buffer.compact(); // unsent bytes move to the front and wait for room
        boolean unsent = echo.buffer.position() > 0;
        // Read only while the buffer has room (a client that does not read stops being read), and
        // ask to be woken when the send buffer has room again while bytes wait.
        key.interestOps((echo.buffer.hasRemaining() && !echo.finReceived ? SelectionKey.OP_READ : 0)
                | (unsent ? SelectionKey.OP_WRITE : 0));
        // [/echo]
        return unsent || !echo.finReceived;
    }
}
