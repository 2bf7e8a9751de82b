package tcpip.close.halfclose;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.security.MessageDigest;
import java.util.function.LongConsumer;

/** 소켓 연결 종료, half-close: the server's FIN ends the file, the client's direction stays open for "Thank you". */
public final class HalfCloseCore {

    private HalfCloseCore() {
    }

    /** Server: header, the file's bytes, SHA-256 trailer, then FIN; returns the hash and the client's reply. */
    public static FileProtocol.Sent send(Socket socket, InputStream file, long size) throws IOException {
        OutputStream out = socket.getOutputStream();
        MessageDigest sha = FileProtocol.sha256();
        byte[] buf = new byte[FileProtocol.BUFSIZE];
        // [send]
        out.write(FileProtocol.okHeader(size)); // write(): copied into the send buffer, "OK <size>\n"
        for (long left = size; left > 0; ) {
            int n = FileProtocol.nextChunk(file, buf, left); // up to buf.length bytes of the file (one that shrank throws)
            sha.update(buf, 0, n);
            out.write(buf, 0, n); // write(): blocks while the send buffer is full (the client's window is)
            left -= n;
        }
        byte[] hash = sha.digest();
        out.write(FileProtocol.trailer(hash)); // "SHA-256 <hex>\n": lets the client check every byte
        // [/send]
        // [half-close]
        socket.shutdownOutput(); // shutdown(SHUT_WR): the kernel queues FIN after the last byte; we can still read
        return new FileProtocol.Sent(hash, FileProtocol.readReply(socket.getInputStream())); // read() until -1: the client's FIN
        // [/half-close]
    }

    /** Client: asks for {@code name}, reads header, bytes and trailer, then read() == -1 (the server's FIN). */
    public static FileProtocol.Received receive(Socket socket, String name, OutputStream file, LongConsumer progress) throws IOException {
        InputStream in = socket.getInputStream();
        MessageDigest sha = FileProtocol.sha256();
        byte[] buf = new byte[FileProtocol.BUFSIZE];
        // [receive]
        socket.getOutputStream().write(FileProtocol.request(name)); // write(): "NAME\n" into the send buffer
        long size = FileProtocol.readHeader(in); // read(): "OK <size>", or the server's ERROR reason
        for (long got = 0; got < size; ) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, size - got)); // read(): what has arrived so far
            if (n == -1) { // FIN before the last byte: the server died or gave up
                throw new FileProtocol.IncompleteException("the server closed after " + got + " of " + size + " bytes", null);
            }
            sha.update(buf, 0, n);
            file.write(buf, 0, n);
            progress.accept(got += n);
        }
        byte[] hash = sha.digest();
        FileProtocol.checkTrailer(in, hash); // the server's SHA-256 must equal ours
        if (in.read() != -1) { // read() == -1: the server's FIN, the end of its direction
            throw new FileProtocol.ProtocolException("bytes after the trailer: not a file server");
        }
        // [/receive]
        return new FileProtocol.Received(size, hash);
    }

    /** Client: the server's direction is finished (FIN), ours is still open. */
    public static void thankYou(Socket socket) throws IOException {
        // [thank-you]
        socket.getOutputStream().write(FileProtocol.thankYou()); // "Thank you\n" over our direction, still open
        socket.shutdownOutput(); // our FIN: the server's read() returns -1 and it closes
        // [/thank-you]
    }
}
