package tcpip.segmentation.loss;

import java.util.Optional;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.cli.PrivateNetwork;
import tcpip.narration.Narrator;
import tcpip.segmentation.Msg;
import tcpip.segmentation.StageSupport;

/**
 * Real loss, real retransmission (데이터 송수신): in a throwaway namespace whose lo has MTU 1500, one
 * nftables rule drops chosen segments and the learner's own kernel recovers; each experiment (one class
 * each, listed in {@link Experiment}) prints the packets, ss -ti, nstat and the times measured, explains
 * what happened from them, and sets the same scenario beside SeqAckModel.
 */
public final class LossLab {

    /** Bytes per loss rate in random-loss. */
    static final long DEFAULT_BULK_BYTES = 4L << 20;

    private LossLab() {
    }

    public static void main(String[] args) {
        PrivateNetwork.enter(args); // not root: continue in a private network namespace, where the lab can make its own
        Lang.chooseFrom(args);
        Cli cli = new Cli("LossLab", Msg.get("LossLab.summary"));
        Cli.Option<Experiment> which = cli.enumOption("--experiment", Experiment.class, Experiment.ALL,
                Msg.get("LossLab.opt.experiment"));
        Cli.Option<Long> bulk = cli.sizeOption("--bytes", DEFAULT_BULK_BYTES, 64L << 10, 256L << 20,
                Msg.get("LossLab.opt.bytes"));
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=LossLab");
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=LossLab"
                + " -Dargs=\"--experiment drop-middle\"");
        cli.parse(args);
        cli.run(() -> {
            Optional<String> missing = Netns.missing();
            if (missing.isPresent()) {
                System.out.println("LossLab: " + missing.get());
                Cli.exit(Cli.EXIT_FAILURE);
            }
            Narrator n = Narrator.stdout();
            try (Lab lab = Lab.open()) {
                n.note(Msg.get("LossLab.namespace", lab.ns().name(), String.valueOf(lab.ns().mtu())));
                for (Experiment e : Experiment.values()) {
                    if (e != Experiment.ALL && (which.get() == Experiment.ALL || which.get() == e)) {
                        n.section(StageSupport.SECTION, Msg.get("LossLab.section", e.label()));
                        e.run(lab, n, bulk.get());
                    }
                }
            }
        });
    }
}
