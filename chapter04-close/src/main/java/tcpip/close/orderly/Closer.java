package tcpip.close.orderly;

/** Which end of a connection calls close() first: the active closer, the one that ends in TIME_WAIT. */
public enum Closer {
    /** The server closes first, as in the article's Four way handshake figure. */
    SERVER,
    /** The client closes first: now the client, not the server, ends in TIME_WAIT. */
    CLIENT
}
