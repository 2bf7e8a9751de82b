package tcpip.segmentation.seqack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import tcpip.narration.Narrator;

/**
 * The loss lab against the real kernel (root, or a normal user inside the private namespace): a dropped
 * segment is resent and the bytes arrive intact, timeouts back off, a lost SYN costs about a second, the
 * namespace's MSS is 1460, its counters are its own, and no namespace or nft table outlives a test.
 */
@Timeout(60)
@Execution(ExecutionMode.SAME_THREAD) // one lab peer, one command at a time
class LossLabTest {

    private static Lab lab;
    private final ByteArrayOutputStream narration = new ByteArrayOutputStream();
    private final Narrator n = new Narrator(new PrintStream(narration, true, StandardCharsets.UTF_8));

    @BeforeAll
    static void openLab() throws IOException {
        assumeTrue(Netns.missing().isEmpty(), () -> Netns.missing().orElse(""));
        lab = Lab.open();
    }

    @AfterAll
    static void closeLab() {
        if (lab != null) {
            Netns ns = lab.ns();
            lab.close();
            assertThat(goneWithin(ns)).as("namespace %s left after the lab closed", ns.name()).isTrue();
        }
    }

    /** True once no process is in the namespace (bounded: the peer has up to 2 s to quit, then is killed). */
    private static boolean goneWithin(Netns ns) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!ns.gone() && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
        return ns.gone();
    }

    @AfterEach
    void noRuleLeftBehind() throws IOException {
        if (lab != null) {
            assertThat(lab.ns().tables()).as("nft tables left in the namespace after a test").isEmpty();
        }
    }

    private String said() {
        return narration.toString(StandardCharsets.UTF_8);
    }

    @Test
    void droppedSegmentIsSentTwiceAndTheBytesArriveIntact() throws Exception {
        LossLab.DropResult r = LossLab.dropMiddle(lab, n);
        assertThat(r.seq()).as("a SEQ range appears twice in the capture (empty capture or no drop fails here)\n%s",
                said()).isPositive();
        assertThat(r.transmissions()).as("the dropped SEQ range is in the capture twice\n%s", said()).isEqualTo(2);
        assertThat(r.dupAcks()).as("the receiver ACKed the hole again before the resend").isPositive();
        assertThat(r.shaGot()).as("SHA-256 of the receiver's bytes = the sender's").isEqualTo(r.shaSent());
        assertThat(said()).contains("= the sender's (intact)");
    }

    @Test
    void lostTailIsProbedLongBeforeTheRetransmissionTimeout() throws Exception {
        LossLab.DropResult r = LossLab.dropLastTwo(lab, n);
        assertThat(r.transmissions()).as("a tail segment's SEQ range twice in the capture\n%s", said()).isEqualTo(2);
        assertThat(r.counters().get("TcpExtTCPLossProbes")).as("nstat TCPLossProbes: a tail loss probe went out")
                .isPositive();
        assertThat(r.counters().get("TcpExtTCPTimeouts")).as("no retransmission timeout was needed").isZero();
        assertThat(r.recovery()).as("recovered before the 200 ms RTO floor").isLessThan(Duration.ofMillis(200));
        assertThat(r.shaGot()).isEqualTo(r.shaSent());
    }

    @Test
    void repeatedDropsBackOff() throws Exception {
        LossLab.RepeatResult r = LossLab.dropRepeated(lab, n);
        assertThat(r.rtoGaps()).as("gaps after retransmission timeouts\n%s", said()).hasSizeGreaterThanOrEqualTo(2);
        for (int i = 1; i < r.rtoGaps().size(); i++) {
            assertThat(r.rtoGaps().get(i).toNanos()).as("timeout gap %d >= 1.5 x gap %d\n%s", i + 1, i, said())
                    .isGreaterThanOrEqualTo((long) (1.5 * r.rtoGaps().get(i - 1).toNanos()));
        }
        assertThat(r.rtoGaps().get(0)).as("the first timeout waits at least the RTO floor")
                .isGreaterThanOrEqualTo(Duration.ofMillis(r.rtoMinMs()));
    }

    @Test
    void lostSynIsResentAfterAboutOneSecond() throws Exception {
        LossLab.SynResult r = LossLab.synDrop(lab, n);
        assertThat(r.synTimes()).as("SYNs from the client in the capture\n%s", said()).hasSizeGreaterThanOrEqualTo(2);
        assertThat(r.synTimes().get(1) - r.synTimes().get(0)).as("second SYN after the first, in s")
                .isGreaterThanOrEqualTo(0.9);
        assertThat(r.connectMicros()).as("connect() waited for the resent SYN").isGreaterThanOrEqualTo(900_000);
    }

    @Test
    void mssIs1460InTheNamespace() throws Exception {
        LossLab.MssResult r = LossLab.mss(lab, n);
        assertThat(r.pmtu()).as("ss pmtu: the namespace's lo MTU").isEqualTo(Netns.MTU);
        assertThat(r.synMss()).as("the SYN's mss option\n%s", said()).isEqualTo(1460);
        assertThat(r.ssMss()).as("ss mss: 1460 minus the 12-byte timestamp option when it is on")
                .isEqualTo(r.timestamps() ? 1448 : 1460);
        assertThat(said()).doesNotContain("does NOT match");
    }

    @Test
    void aFailingExperimentLeavesNoNamespaceAndNoTable() throws Exception {
        Netns ns;
        try (Lab failing = Lab.open()) {
            ns = failing.ns();
            assertThat(ns.gone()).as("the namespace lives while its peer runs").isFalse();
            assertThatThrownBy(() -> {
                try {
                    failing.ns().dropRule("tcp dport 9 counter drop");
                    failing.expect("send 100", "received"); // no connection yet: the peer answers "failed"
                } finally {
                    failing.ns().clearRules();
                }
            }).isInstanceOf(IOException.class);
            assertThat(failing.ns().tables()).as("tables after the failed experiment").isEmpty();
        }
        assertThat(goneWithin(ns)).as("namespace %s after the failing lab closed", ns.name()).isTrue();
    }

    @Test
    void theNamespaceIsItsOwnAndEndsWithItsPeerEvenKilled() throws Exception {
        try (Lab fresh = Lab.open()) {
            Netns ns = fresh.ns();
            assertThat(ns.name()).as("not this JVM's namespace").startsWith("net:[")
                    .isNotEqualTo(tcpip.kernel.PacketAccess.networkNamespace().orElse(""));
            assertThat(ns.sysctl("net.ipv4.tcp_syn_retries")).as("a per-namespace sysctl, read inside").matches("\\d+");
            // nstat counts only this namespace: a fresh one has opened nothing; one connect() is one active open.
            assertThat(fresh.nstat().getOrDefault("TcpActiveOpens", 0L)).isZero();
            int port = LossLab.listen(fresh);
            LossLab.connect(fresh, port);
            assertThat(fresh.nstat().get("TcpActiveOpens")).as("nstat inside the lab's namespace").isEqualTo(1L);
            fresh.peer().destroyForcibly(); // a crash: nothing to reap, the kernel ends the namespace with it
            assertThat(goneWithin(ns)).as("namespace %s after its peer was killed", ns.name()).isTrue();
            assertThatThrownBy(() -> ns.exec("true")).as("never enter a namespace a new process got")
                    .isInstanceOf(IOException.class);
        }
    }
}
