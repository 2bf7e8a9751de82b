package tcpip.lifecycle;


import java.util.List;
import tcpip.cli.Lang;
import tcpip.cli.PrivateNetwork;
import tcpip.lifecycle.backlog.BacklogStages;
import tcpip.lifecycle.creation.CreationStages;
import tcpip.lifecycle.handshake.HandshakeStages;
import tcpip.lifecycle.options.OptionsStages;
import tcpip.lifecycle.refused.RefusedStages;
import tcpip.narration.Stage;
import tcpip.narration.Stages;

/**
 * The life of a connection up to the first byte, in one JVM on loopback: every lesson package's
 * stages in the article's order. Each stage prints the lines of the core file it is about to run
 * ({@code code |}), runs them, and shows the kernel.
 */
public final class LifecycleDemo {

    private LifecycleDemo() {
    }

    public static void main(String[] args) {
        PrivateNetwork.enter(args); // not root: continue in a private network namespace, with packets
        Lang.chooseFrom(args);
        Stages.main("LifecycleDemo", Msg.get("LifecycleDemo.summary"), stages(), args);
    }

    /** The stages in the article's order; titles in the language chosen when this is called. */
    public static List<Stage> stages() {
        return List.of(
                CreationStages.creation(),
                HandshakeStages.connect(),
                HandshakeStages.handshakeInKernel(),
                BacklogStages.backlogFull(),
                RefusedStages.refused(),
                OptionsStages.optionsBeforeHandshake(),
                RefusedStages.retry(),
                HandshakeStages.packets());
    }
}
