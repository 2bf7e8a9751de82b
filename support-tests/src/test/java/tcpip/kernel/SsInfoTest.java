package tcpip.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SsInfoTest {

    // Recorded with: ss -H -t -i -n -m '( sport = :1 and dport = :2 )'
    private static final String SS_LINE = "\t skmem:(r0,rb65536,t0,tb131072,f0,w0,o0,bl0,d0) bbr wscale:1,0 rto:200 "
            + "rtt:0.035/0.017 mss:32741 pmtu:65535 rcvmss:536 advmss:65483 cwnd:10 bytes_acked:1";

    @Test
    void parsesSsDetailLine() {
        SsInfo info = SsInfo.parse("ESTAB 0 0 [::ffff:127.0.0.1]:1 [::ffff:127.0.0.1]:2\n" + SS_LINE).orElseThrow();
        assertThat(info.number("mss")).isEqualTo(32741);
        assertThat(info.number("advmss")).isEqualTo(65483);
        assertThat(info.number("pmtu")).isEqualTo(65535);
        assertThat(info.number("skmem.rb")).isEqualTo(65536);
        assertThat(info.number("skmem.tb")).isEqualTo(131072);
        assertThat(info.number("nothing")).isEqualTo(-1);
        assertThat(info.windowScales()).hasValueSatisfying(w -> assertThat(w).containsExactly(1, 0));
        assertThat(info.mssLine()).isEqualTo("mss=32741 advmss=65483 pmtu=65535 rcvmss=536");
        assertThat(SsInfo.parse("no details here")).isEmpty();
    }
}
