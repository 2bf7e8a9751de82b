package tcpip.segmentation.seqack;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.segmentation.Msg;
import java.util.Set;

/**
 * Runs the SEQ/ACK MODEL (a simulation of what the kernel does, not the kernel) and prints its
 * sequence diagram: segmentation by MSS, ACK = next byte expected, loss, retransmission and
 * reassembly.
 */
public final class SeqAckSimulator {

    /** How the modelled sender finds and resends a lost segment. */
    enum Recovery { TEXTBOOK, LINUX }

    private SeqAckSimulator() {
    }

    public static void main(String[] args) {
        Lang.chooseFrom(args);
        Cli cli = new Cli("SeqAckSimulator", Msg.get("SeqAckSimulator.summary"));
        Cli.Option<String> message = cli.stringOption("--message", "Hello, TCP! This message is cut into segments.",
                Msg.get("SeqAckSimulator.opt.message"));
        Cli.Option<Integer> mss = cli.intOption("--mss", 10, 1, 65_535, Msg.get("SeqAckSimulator.opt.mss"));
        Cli.Option<Integer> seed = cli.intOption("--seed", 7, 0, Integer.MAX_VALUE, Msg.get("SeqAckSimulator.opt.seed"));
        Cli.Option<Integer> loss = cli.intOption("--loss", 20, 0, 90, Msg.get("SeqAckSimulator.opt.loss"));
        Cli.Option<Integer> dup = cli.intOption("--duplicate", 10, 0, 100, Msg.get("SeqAckSimulator.opt.duplicate"));
        Cli.Option<Integer> reorder = cli.intOption("--reorder", 20, 0, 100, Msg.get("SeqAckSimulator.opt.reorder"));
        Cli.Option<Integer> rto = cli.intOption("--rto", 4, 2, 1000, Msg.get("SeqAckSimulator.opt.rto"));
        Cli.Option<Recovery> recovery = cli.enumOption("--recovery", Recovery.class, Recovery.TEXTBOOK,
                Msg.get("SeqAckSimulator.opt.recovery"));
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=SeqAckSimulator");
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=SeqAckSimulator -Dargs=\"--seed 3 --loss 40\"");
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=SeqAckSimulator -Dargs=\"--seed 3 --loss 40 --recovery linux\"");
        cli.parse(args);
        cli.run(() -> {
            byte[] bytes = message.get().getBytes(StandardCharsets.UTF_8);
            SeqAckModel.Result r = SeqAckModel.run(bytes, new SeqAckModel.Options(seed.get(), mss.get(),
                    loss.get() / 100.0, dup.get() / 100.0, reorder.get() / 100.0, rto.get(), 10_000,
                    Set.of(), recovery.get() == Recovery.LINUX));
            System.out.println(Msg.get("SeqAckSimulator.model"));
            r.diagram().forEach(System.out::println);
            System.out.println(Msg.get("SeqAckSimulator.got", new String(r.delivered(), StandardCharsets.UTF_8)));
            System.out.println(Arrays.equals(bytes, r.delivered()) ? Msg.get("SeqAckSimulator.exact")
                    : Msg.get("SeqAckSimulator.notExact"));
        });
    }
}
