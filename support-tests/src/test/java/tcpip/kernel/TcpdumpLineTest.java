package tcpip.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TcpdumpLineTest {

    // Recorded with: tcpdump -i lo -n -S -tt -l 'tcp port 7007'
    private static final String SYN = "1763936400.100001 IP 127.0.0.1.45678 > 127.0.0.1.7007: Flags [S], seq 1843229918, "
            + "win 65495, options [mss 65495,sackOK,TS val 3391713520 ecr 0,nop,wscale 7], length 0";
    private static final String SYN_ACK = "1763936400.100012 IP 127.0.0.1.7007 > 127.0.0.1.45678: Flags [S.], seq 3002114570, "
            + "ack 1843229919, win 65483, options [mss 65495,sackOK,TS val 3391713520 ecr 3391713520,nop,wscale 7], length 0";
    private static final String ACK = "1763936400.100020 IP 127.0.0.1.45678 > 127.0.0.1.7007: Flags [.], ack 3002114571, "
            + "win 512, options [nop,nop,TS val 3391713520 ecr 3391713520], length 0";
    private static final String DATA = "1763936400.200000 IP 127.0.0.1.45678 > 127.0.0.1.7007: Flags [P.], "
            + "seq 1843229919:1843229925, ack 3002114571, win 512, options [nop,nop,TS val 1 ecr 2], length 6";
    private static final String FIN = "1763936400.300000 IP6 ::1.7007 > ::1.45678: Flags [F.], seq 3002114571, "
            + "ack 1843229925, win 512, options [nop,nop,TS val 1 ecr 2], length 0";
    private static final String RST = "1763936400.400000 IP 127.0.0.1.7007 > 127.0.0.1.45678: Flags [R.], seq 3002114572, "
            + "ack 1843229925, win 512, length 0";
    private static final String CLOCK_TIME = "22:18:01.123456 IP 127.0.0.1.45678 > 127.0.0.1.7007: Flags [S], seq 7, win 1, length 0";

    @Test
    void handshakeSegmentsShowIsnPlusOne() {
        Segment syn = TcpdumpLine.parse(SYN).orElseThrow();
        Segment synAck = TcpdumpLine.parse(SYN_ACK).orElseThrow();
        Segment ack = TcpdumpLine.parse(ACK).orElseThrow();
        assertThat(syn.kind()).isEqualTo("SYN");
        assertThat(syn.mss()).isEqualTo(65495);
        assertThat(syn.wscale()).isEqualTo(7);
        assertThat(syn.describe()).contains("mss=65495 wscale=7");
        assertThat(TcpdumpLine.parse(ACK).orElseThrow().wscale()).isEqualTo(-1);
        assertThat(syn.ack()).isEqualTo(-1);
        assertThat(synAck.kind()).isEqualTo("SYN+ACK");
        assertThat(synAck.ack()).isEqualTo(syn.seq() + 1); // SYN takes one sequence number
        assertThat(ack.kind()).isEqualTo("ACK");
        assertThat(ack.seq()).isEqualTo(-1);
        assertThat(ack.ack()).isEqualTo(synAck.seq() + 1);
        assertThat(syn.srcPort()).isEqualTo(45678);
        assertThat(syn.dstPort()).isEqualTo(7007);
        assertThat(syn.time()).isEqualTo(1763936400.100001);
    }

    @Test
    void dataSegmentCarriesItsSequenceRange() {
        Segment data = TcpdumpLine.parse(DATA).orElseThrow();
        assertThat(data.kind()).isEqualTo("DATA(6)+ACK");
        assertThat(data.seq()).isEqualTo(1843229919L);
        assertThat(data.seqEnd()).isEqualTo(data.seq() + data.length());
        assertThat(data.describe()).contains("seq=1843229919:1843229925");
    }

    @Test
    void finAndRstOnIpv6AndIpv4() {
        Segment fin = TcpdumpLine.parse(FIN).orElseThrow();
        assertThat(fin.fin()).isTrue();
        assertThat(fin.src()).isEqualTo("::1");
        assertThat(fin.kind()).isEqualTo("FIN+ACK");
        Segment rst = TcpdumpLine.parse(RST).orElseThrow();
        assertThat(rst.rst()).isTrue();
        assertThat(rst.kind()).isEqualTo("RST+ACK");
    }

    @Test
    void clockTimestampsAndNonTcpLinesAreHandled() {
        assertThat(TcpdumpLine.parse(CLOCK_TIME).orElseThrow().time()).isNaN();
        assertThat(TcpdumpLine.parse("listening on lo, link-type EN10MB (Ethernet), snapshot length 262144 bytes"))
                .isEmpty();
        assertThat(TcpdumpLine.parse("1763936400.1 IP 127.0.0.1.53 > 127.0.0.1.4000: UDP, length 20")).isEmpty();
    }
}
