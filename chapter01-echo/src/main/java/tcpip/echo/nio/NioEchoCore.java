package tcpip.echo.nio;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/** The echo lesson with NIO channels in blocking mode: one ByteBuffer between read() and write() (static methods only). */
public final class NioEchoCore {

    /** Bytes one read() may move from the kernel into the ByteBuffer. */
    public static final int BUFFER_SIZE = 8192;

    /** 소켓 생성 (server): open() makes the socket and its descriptor at once; bind() also listens. */
    public static ServerSocketChannel listen(InetSocketAddress at, int backlog) throws IOException {
        // [listen]
        ServerSocketChannel listener = ServerSocketChannel.open(); // socket(): a descriptor, no address yet
        listener.bind(at, backlog); // bind() + listen(): a LISTEN row
        // [/listen]
        return listener;
    }

    /** 소켓 연결 설정 (server): a connection the kernel finished, as a channel with a descriptor of its own. */
    public static SocketChannel accept(ServerSocketChannel listener) throws IOException {
        // [accept]
        return listener.accept(); // blocking mode: waits until the accept queue holds one
        // [/accept]
    }

    /** 데이터 송수신 (server): echo until the client's FIN; {@code client} may add deadlines around each call. */
    public static long serveOne(ByteChannel client) throws IOException {
        // [echo]
        ByteBuffer buffer = ByteBuffer.allocate(BUFFER_SIZE);
        long echoed = 0;
        for (int n; (n = client.read(buffer)) != -1; echoed += n) { // what arrived, up to 8192 bytes; -1: the FIN
            buffer.flip(); // from filling to draining: position 0, limit = the bytes in hand
            while (buffer.hasRemaining()) { // write() may take only part when the send buffer is nearly full:
                client.write(buffer); // send the rest BEFORE reading again, or it waits for bytes that never come
            }
            buffer.clear();
        }
        // [/echo]
        return echoed;
    }

    /** 소켓 연결 설정 (client): open() then connect(), the Three way handshake (a failed one closes the channel). */
    public static SocketChannel connect(InetSocketAddress server) throws IOException {
        SocketChannel channel = SocketChannel.open();
        // [connect]
        channel.connect(server); // blocking: returns once SYN+ACK arrived and our ACK is on its way
        // [/connect]
        return channel;
    }

    /** 데이터 송수신 (client): write() may take only part of the buffer, so repeat until it is empty. */
    public static void send(ByteChannel channel, ByteBuffer message) throws IOException {
        // [send]
        while (message.hasRemaining()) {
            channel.write(message); // copies what fits into the kernel's send buffer
        }
        // [/send]
    }

    /** 데이터 송수신 (client): read() returns what has arrived so far: repeat until the echo is whole. */
    public static void receive(ByteChannel channel, ByteBuffer echo) throws IOException {
        // [receive]
        while (echo.hasRemaining()) {
            if (channel.read(echo) == -1) { // the server's FIN came before the whole echo
                throw new EOFException("server closed the connection after " + echo.position() + " echoed bytes");
            }
        }
        // [/receive]
    }
}
