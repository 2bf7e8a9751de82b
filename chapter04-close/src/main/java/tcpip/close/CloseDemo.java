package tcpip.close;

import java.util.List;
import tcpip.cli.Lang;
import tcpip.cli.PrivateNetwork;
import tcpip.close.halfclose.HalfCloseStages;
import tcpip.close.orderly.OrderlyStages;
import tcpip.close.reset.ResetStages;
import tcpip.close.timewait.TimeWaitStages;
import tcpip.narration.Stage;
import tcpip.narration.Stages;

/**
 * The narrated tour of 소켓 연결 종료 and the Four way handshake: FIN, half-close, SO_LINGER, RST,
 * TIME_WAIT; every lesson package's stages, in this chapter's order.
 */
public final class CloseDemo {

    private CloseDemo() {
    }

    public static void main(String[] args) {
        PrivateNetwork.enter(args); // not root: continue in a private network namespace, with packets
        Lang.chooseFrom(args); // before the stage titles and the summary are looked up
        Stages.main("CloseDemo", Msg.get("CloseDemo.summary"), stages(), args);
    }

    /** The stages in order; titles in the language chosen when this is called. */
    public static List<Stage> stages() {
        return List.of(
                OrderlyStages.serverClosesFirst(),
                OrderlyStages.clientClosesFirst(),
                HalfCloseStages.halfCloseFile(),
                ResetStages.lingerZero(),
                ResetStages.lingerTimeout(),
                ResetStages.closedPeer(),
                ResetStages.unreadClose(),
                TimeWaitStages.timeWaitRestart(),
                HalfCloseStages.gracefulShutdown());
    }
}
