package tcpip.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The data rule of the Korean tests: data lines pass untranslated, a sentence never does. */
class BundleContractTest {

    @Test
    void dataTextsAreDataWhateverTheLanguage() {
        assertThat(BundleContract.isData("EchoCore.java [echo] ")).isTrue();
        assertThat(BundleContract.isData("35118 > 34953 SYN      seq=0 win=65495")).isTrue();
        assertThat(BundleContract.isData("127.0.0.1:39840        -> 127.0.0.1:35421        FIN_WAIT2   tx_queue=0"))
                .isTrue();
        assertThat(BundleContract.isData("127.0.0.1:7007 -> *:* LISTEN tx_queue=0 rx_queue=0")).isTrue();
        assertThat(BundleContract.isData("fd 7 -> socket:[48213]")).isTrue();
        assertThat(BundleContract.isData("new Socket()")).isTrue();
    }

    @Test
    void aSentenceIsNotDataEvenWithARowOrACallInIt() {
        assertThat(BundleContract.isData("the server's end is gone: it closed second")).isFalse();
        assertThat(BundleContract.isData("read BEFORE accept(): 127.0.0.1:1 -> 127.0.0.1:2 ESTABLISHED tx_queue=0"))
                .isFalse();
        assertThat(BundleContract.isData("new Socket() creates no descriptor yet")).isFalse();
        assertThat(BundleContract.isData("see EchoCore.java [echo] below")).isFalse();
    }
}
