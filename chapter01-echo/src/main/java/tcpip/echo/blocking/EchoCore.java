package tcpip.echo.blocking;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** The echo lesson: every socket call of server and client in the article's order, nothing else (static methods only). */
public final class EchoCore {

    /** Bytes one read() may take out of the kernel: the only memory a connection costs the server. */
    public static final int BUFFER_SIZE = 8192;

    /** 소켓 생성 (server): a new ServerSocket has no kernel socket yet; bind() makes it, binds and listens. */
    public static void listen(ServerSocket listener, InetSocketAddress at, int backlog) throws IOException {
        // [listen]
        listener.bind(at, backlog); // socket() + bind() + listen(): a LISTEN row; the kernel answers SYNs alone
        // [/listen]
    }

    /** 소켓 연결 설정 (server): take one connection whose handshake the kernel already finished. */
    public static Socket accept(ServerSocket listener) throws IOException {
        // [accept]
        return listener.accept(); // off the accept queue, with a descriptor of its own
        // [/accept]
    }

    /** 데이터 송수신 (server): send every byte back until the client's FIN; returns how many. */
    public static long serveOne(Socket connection) throws IOException {
        // [echo]
        InputStream in = connection.getInputStream();
        OutputStream out = connection.getOutputStream();
        byte[] buffer = new byte[BUFFER_SIZE];
        long echoed = 0;
        for (int n; (n = in.read(buffer)) != -1; echoed += n) { // waits for >= 1 byte; -1: the client's FIN
            out.write(buffer, 0, n); // into the send buffer, waiting while it is full; the kernel sends it
        }
        // [/echo]
        return echoed;
    }

    /** 소켓 연결 설정 (client): the Three way handshake (a failed connect() closes the socket). */
    public static Socket connect(InetSocketAddress server, int timeoutMillis) throws IOException {
        Socket socket = new Socket();
        // [connect]
        socket.connect(server, timeoutMillis); // picks a local port, sends SYN, returns once SYN+ACK is in
        // [/connect]
        return socket;
    }

    /** 데이터 송수신 (client): write() returns once OUR kernel holds the bytes, not when they arrive. */
    public static void send(Socket socket, byte[] message) throws IOException {
        // [send]
        socket.getOutputStream().write(message);
        // [/send]
    }

    /** 데이터 송수신 (client): one read() returns what arrived so far, so read until the echo is whole. */
    public static void receive(Socket socket, byte[] echo) throws IOException {
        // [receive]
        for (int got = 0, n; got < echo.length; got += n) {
            if ((n = socket.getInputStream().read(echo, got, echo.length - got)) == -1) { // the server's FIN came first
                throw new EOFException("server closed the connection after " + got + " of " + echo.length + " echoed bytes");
            }
        }
        // [/receive]
    }

    /** 소켓 연결 종료: close() sends FIN (RST if received bytes were never read) and frees the descriptor. */
    public static void close(Socket socket) throws IOException {
        // [close]
        socket.close();
        // [/close]
    }
}
