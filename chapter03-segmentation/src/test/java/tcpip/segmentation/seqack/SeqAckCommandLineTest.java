package tcpip.segmentation.seqack;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;
import tcpip.segmentation.loss.LabPeer;
import tcpip.segmentation.loss.LossLab;
import tcpip.testing.CliContract;
import tcpip.testing.MainRunner;

/** The mains of the SEQ/ACK package: --help works, bad arguments give one line and exit 2. */
@Isolated // runs mains in this JVM (they swap its stdout and language): nothing may run beside it
class SeqAckCommandLineTest {

    @Test
    @Timeout(60)
    void lossLabKeepsTheContract() {
        CliContract.assertHelpAndBadArguments(LossLab.class, new String[] {"--experiment", "drop-everything"},
                new String[] {"--bytes", "1"});
        assertThat(MainRunner.runHere(Duration.ofSeconds(30), LossLab.class, "--help").stdout())
                .contains("--experiment").contains("drop-middle").contains("random-loss").contains("--bytes");
    }

    @Test
    @Timeout(60)
    void simulatorAndPeerKeepTheContract() {
        CliContract.assertHelpAndBadArguments(SeqAckSimulator.class, new String[] {"--recovery", "magic"});
        CliContract.assertHelpAndBadArguments(LabPeer.class, new String[] {"--port", "1"});
    }

    @Test
    @Timeout(60)
    void simulatorInLinuxModeResendsOnceTheReorderingRuleSaysSo() {
        // In this JVM: a model run proves nothing about a separate process (the README runs it as one)
        MainRunner.Result r = MainRunner.runHere(Duration.ofSeconds(30), SeqAckSimulator.class, "--seed", "3", "--loss",
                "40", "--recovery", "linux");
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).contains("Linux's recovery").contains("reassembled exactly the bytes sent");
    }
}
