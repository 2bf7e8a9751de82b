package tcpip.lifecycle.options;

import static tcpip.lifecycle.StageSupport.ANY_LOOPBACK_PORT;
import static tcpip.lifecycle.StageSupport.KERNEL_WAIT;
import static tcpip.lifecycle.StageSupport.LOOPBACK;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.SsInfo;
import tcpip.kernel.TcpState;
import tcpip.lifecycle.Msg;
import tcpip.lifecycle.handshake.HandshakeCore;
import tcpip.narration.ArticleSection;
import tcpip.narration.Narrator;
import tcpip.narration.Stage;
import tcpip.net.AcceptLoop;
import tcpip.net.LoopbackPair;

/** Three way handshake: the options that only work when set before it (SO_RCVBUF, SO_REUSEADDR). */
public final class OptionsStages {

    private static final int SMALL_RCVBUF = 4 * 1024;
    private static final int TINY_RCVBUF = 1024;
    private static final int HUGE_RCVBUF = 64 << 20;

    private OptionsStages() {
    }

    /** The stage {@code options-before-handshake}. */
    public static Stage optionsBeforeHandshake() {
        return new Stage("options-before-handshake", ArticleSection.THREE_WAY_HANDSHAKE, Msg.get("LifecycleDemo.options.title"),
                OptionsStages::optionsBeforeHandshake);
    }

    static void optionsBeforeHandshake(Narrator n) throws Exception {
        BufferFacts facts = BufferFacts.ofThisKernel();
        long minimum = BufferOptionsClient.kernelMinimum();
        long stored = facts.storedReceiveBuffer(SMALL_RCVBUF, minimum);
        for (int request : new int[] {TINY_RCVBUF, HUGE_RCVBUF}) {
            try (Socket unconnected = new Socket()) {
                unconnected.setReceiveBufferSize(request);
                long expected = facts.storedReceiveBuffer(request, minimum);
                long kernel = 2L * unconnected.getReceiveBufferSize(); // the JDK halves getsockopt's value
                boolean raised = expected == minimum;
                boolean clamped = !raised && expected < 2L * request;
                String key = kernel == expected
                        ? raised ? "LifecycleDemo.options.asked.matches.minimum"
                                : clamped ? "LifecycleDemo.options.asked.matches.clamped" : "LifecycleDemo.options.asked.matches"
                        : raised ? "LifecycleDemo.options.asked.differs.minimum"
                                : clamped ? "LifecycleDemo.options.asked.differs.clamped" : "LifecycleDemo.options.asked.differs";
                n.kernel(Msg.get(key, request, kernel, expected, facts.rmemMax(), unconnected.getReceiveBufferSize()));
            }
        }
        try (ServerSocket server = HandshakeCore.listen(ANY_LOOPBACK_PORT, AcceptLoop.DEFAULT_BACKLOG)) {
            InetSocketAddress address = new InetSocketAddress(LOOPBACK, server.getLocalPort());
            n.code(OptionsCore.class, "rcvbuf-before-connect");
            try (Socket client = OptionsCore.connectWithBufferFirst(address, SMALL_RCVBUF);
                    Socket accepted = HandshakeCore.accept(server)) {
                n.kernel(Msg.get("LifecycleDemo.options.stored", SMALL_RCVBUF, stored, facts.rmemMax(), minimum,
                        client.getReceiveBufferSize()));
                SsInfo.of(client.getLocalPort(), address.getPort()).ifPresent(ss -> n.kernel(Msg.get(
                        ss.number("skmem.rb") == stored ? "LifecycleDemo.options.ss.matches"
                                : "LifecycleDemo.options.ss.differs", ss.number("skmem.rb"), stored)));
                BufferOptionsClient.showScale(n, client.getLocalPort(), address.getPort(),
                        BufferFacts.lockedWindowScale(stored));
            }
            n.code(OptionsCore.class, "rcvbuf-after-connect");
            try (Socket client = OptionsCore.connectWithBufferLater(address, SMALL_RCVBUF);
                    Socket accepted = HandshakeCore.accept(server)) {
                BufferOptionsClient.showScale(n, client.getLocalPort(), address.getPort(), facts.autotunedWindowScale());
                n.note(Msg.get("LifecycleDemo.options.scale", facts.autotunedWindowScale(), facts.tcpRmemMax(),
                        facts.rmemMax()));
            }
        }
        reuseAddress(n);
    }

    private static void reuseAddress(Narrator n) throws Exception {
        int port;
        int clientPort;
        try (LoopbackPair pair = LoopbackPair.open().readTimeout(KERNEL_WAIT)) {
            port = pair.serverPort();
            clientPort = pair.clientPort();
            pair.server().close(); // the server closes first: TIME_WAIT will be on the server's port
            pair.client().getInputStream().read(); // -1: the server's FIN arrived; closing completes the close
        }
        if (n.available()) {
            // both ports: another program's socket may use the same port number on ::1
            n.row(KernelAwait.await(port, clientPort, TcpState.TIME_WAIT, KERNEL_WAIT));
        }
        n.code(OptionsCore.class, "server-options");
        InetSocketAddress address = new InetSocketAddress(LOOPBACK, port);
        try (ServerSocket restarted = OptionsCore.listen(address, false, 0, AcceptLoop.DEFAULT_BACKLOG)) {
            n.result(Msg.get("LifecycleDemo.reuse.noTimeWait"));
        } catch (BindException e) {
            n.result(Msg.get("LifecycleDemo.reuse.refused", port, e.getMessage()));
        }
        try (ServerSocket restarted = OptionsCore.listen(address, true, 0, AcceptLoop.DEFAULT_BACKLOG)) {
            n.result(Msg.get("LifecycleDemo.reuse.listening", port));
        }
    }
}
