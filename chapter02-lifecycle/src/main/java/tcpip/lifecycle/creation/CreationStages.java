package tcpip.lifecycle.creation;

import static tcpip.lifecycle.StageSupport.ANY_LOOPBACK_PORT;
import static tcpip.lifecycle.StageSupport.LOOPBACK;

import java.io.IOException;
import java.net.ServerSocket;
import tcpip.lifecycle.Msg;
import tcpip.lifecycle.StageSupport;
import tcpip.lifecycle.handshake.HandshakeCore;
import tcpip.narration.ArticleSection;
import tcpip.narration.Narrator;
import tcpip.narration.Stage;
import tcpip.net.AcceptLoop;

/** 소켓 생성: when the kernel hands out the descriptor, and when the socket gets its row. */
public final class CreationStages {

    private CreationStages() {
    }

    /** The stage {@code creation}. */
    public static Stage creation() {
        return new Stage("creation", ArticleSection.SOCKET_CREATION, Msg.get("LifecycleDemo.creation.title"), CreationStages::creation);
    }

    static void creation(Narrator n) throws IOException {
        try (ServerSocket server = HandshakeCore.listen(ANY_LOOPBACK_PORT, AcceptLoop.DEFAULT_BACKLOG)) {
            SocketCreationProbe.probe(n, LOOPBACK.getHostAddress(), server.getLocalPort());
        }
    }
}
