package tcpip.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * How packets are captured is decided once per process by what can capture: switched off, it says why and
 * how to fix it, and no capture is even tried; a stray namespace marker means nothing.
 */
@Isolated // switches the process-wide language (or stdout): nothing may run beside it
class PacketAccessTest {

    @AfterEach
    void decideAgain() {
        System.clearProperty(PacketAccess.SWITCH_PROPERTY);
        PacketAccess.forget();
    }

    @Test
    @Timeout(10)
    void switchedOffSaysWhyAndTheFixAndNoCaptureIsTried() {
        System.setProperty(PacketAccess.SWITCH_PROPERTY, "off");
        PacketAccess.forget();
        PacketAccess access = PacketAccess.current();
        assertThat(access.kind()).isEqualTo(PacketAccess.Kind.NONE);
        assertThat(access.canCapture()).isFalse();
        assertThat(access.whyNoPackets()).isEqualTo(
                "capture is switched off (-Dtcpip.packets=off); to see them: run it without -Dtcpip.packets=off");
        assertThat(access.describe()).startsWith("packets: not shown in this run: capture is switched off");
        long start = System.nanoTime();
        try (PacketCapture c = PacketCapture.start(0)) {
            assertThat(c.running()).isFalse();
            assertThat(c.unavailableReason()).isEqualTo(access.whyNoPackets());
            assertThat(c.awaitSegments(1, Duration.ofSeconds(5))).isEmpty();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("no tcpdump started, nothing waited for")
                .isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void whatTheLauncherFoundIsWhatANoneSays() {
        PacketAccess apparmor = PacketAccess.none("access.reason.apparmor", List.of(), "access.fix.root", List.of());
        assertThat(apparmor.reason()).contains("kernel.apparmor_restrict_unprivileged_userns = 1");
        assertThat(apparmor.fix()).contains("sudo").contains("container").doesNotContain("sudo ./mvnw");
        assertThat(apparmor.describe()).isEqualTo("packets: not shown in this run: " + apparmor.reason()
                + "; to see them: " + apparmor.fix());
    }

    @Test
    void aMarkerFromAnotherNamespaceMeansNothing() {
        // The test JVM's environment has no marker, or one a parent set for another namespace: never "inside".
        String marker = System.getenv(PacketAccess.NAMESPACE_VARIABLE);
        assertThat(PacketAccess.inPrivateNamespace())
                .isEqualTo(marker != null && marker.equals(PacketAccess.networkNamespace().orElse(null)));
        if (PacketAccess.linux()) {
            assertThat(PacketAccess.networkNamespace()).get().asString().matches("net:\\[\\d+]");
        }
    }

    @Test
    void toolsAreFoundInTheSbinFoldersToo() {
        assertThat(PacketAccess.tool("sh")).isPresent();
        assertThat(PacketAccess.tool("no-such-tool-here")).isEmpty();
        assertThat(PacketAccess.trial(List.of("sh", "-c", "exit 0"))).isEmpty();
        assertThat(PacketAccess.trial(List.of("sh", "-c", "echo refused >&2; exit 3"))).contains("refused");
    }

    @Test
    void sackBlocksAndTimestampsComeWithEachPacket() {
        String line = "1700000000.000100 IP 127.0.0.1.7007 > 127.0.0.1.45678: Flags [.], ack 1001, win 512, "
                + "options [nop,nop,TS val 1 ecr 2,nop,nop,sack 2 {2449:3897}{5345:6793}], length 0";
        PacketCapture.Packet p = TcpdumpLine.packet(line).orElseThrow();
        assertThat(p.segment().ack()).isEqualTo(1001);
        assertThat(p.timestamps()).isTrue();
        assertThat(p.sack()).containsExactly(new PacketCapture.SackBlock(2449, 3897), new PacketCapture.SackBlock(5345, 6793));
        assertThat(p.describe(1700000000.0)).startsWith("    0.100 ms").endsWith(" SACK{2449:3897} SACK{5345:6793}");
        assertThat(TcpdumpLine.packet(line.replace(",nop,nop,sack 2 {2449:3897}{5345:6793}", "")).orElseThrow().sack())
                .isEmpty();
    }
}
