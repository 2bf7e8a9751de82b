package tcpip.narration;

import java.util.List;
import java.util.stream.Collectors;
import tcpip.kernel.Bundle;

/**
 * The article's sections, in its order: every stage names the ones it shows, and its header cites
 * their titles as the article writes them (bundle {@code tcpip/narration/article.properties}, the same in
 * both languages).
 */
public enum ArticleSection {
    /** The article as a whole, "TCP/IP 송수신 과정": the tour's introduction. */
    ARTICLE,
    /** "소켓 생성": socket() and the file descriptor. */
    SOCKET_CREATION,
    /** "소켓 연결 설정": connect() builds the pipe. */
    SOCKET_CONNECT,
    /** "Three way handshake": SYN, SYN+ACK, ACK. */
    THREE_WAY_HANDSHAKE,
    /** "데이터 송수신": write()/read(), buffers, MSS, SEQ/ACK, retransmission, the window. */
    DATA_TRANSFER,
    /** "소켓 연결 종료": close(). */
    SOCKET_CLOSE,
    /** "Four way handshake": FIN, ACK, FIN, ACK; FIN_WAIT. */
    FOUR_WAY_HANDSHAKE,
    /** "TIME_WAIT": the note that ends the Four way handshake section. */
    TIME_WAIT;

    private static final Bundle TITLES = Bundle.of("tcpip.narration.article");

    /** The section's title as the article writes it. */
    public String title() {
        return TITLES.get(false, name());
    }

    /** Several sections' titles as one header: {@code 소켓 연결 설정 / Three way handshake}. */
    public static String titles(List<ArticleSection> sections) {
        return sections.stream().map(ArticleSection::title).collect(Collectors.joining(" / "));
    }
}
