package tcpip.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** Addresses print the way people write them. */
class EndpointTest {

    @Test
    void ipv4AndIpv6() throws Exception {
        assertThat(Endpoint.text(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 7007))).isEqualTo("127.0.0.1:7007");
        assertThat(Endpoint.text(new InetSocketAddress(InetAddress.getByName("::1"), 7007))).isEqualTo("[::1]:7007");
        assertThat(Endpoint.text(new InetSocketAddress(InetAddress.getByName("::"), 0))).isEqualTo("[::]:0");
        assertThat(Endpoint.compress("fe80:0:0:0:1:0:0:2")).isEqualTo("fe80::1:0:0:2");
        assertThat(Endpoint.compress("1:0:2:3:4:5:6:7")).isEqualTo("1:0:2:3:4:5:6:7");
    }
}
