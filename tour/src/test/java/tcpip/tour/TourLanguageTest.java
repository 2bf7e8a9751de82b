package tcpip.tour;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tcpip.testing.BundleContract;
import tcpip.testing.MainRunner;

/** The tour's own sentences exist in English and Korean, and --lang ko switches them. */
class TourLanguageTest {

    @Test
    void everyTourSentenceExistsInBothLanguages() {
        BundleContract.assertComplete("tcpip.tour.messages");
    }

    @Test
    @Timeout(value = 1, unit = TimeUnit.MINUTES)
    void introSpeaksKoreanWithLangKo() {
        MainRunner.Result r = MainRunner.run(Duration.ofSeconds(30), GuidedTour.class, "--lang", "ko", "--only",
                "intro", "--no-pause");
        assertThat(r.exitCode()).as("stderr: %s", r.stderr()).isZero();
        assertThat(r.stdout()).contains("이 투어에서 보게 될 것").contains("소켓 생성").contains("3-way handshake");
        if (tcpip.kernel.SocketTable.available()) {
            assertThat(r.stdout()).containsPattern("지금 이 컴퓨터의 커널 정보: kernel \\S+; tcp_syn_retries=\\d+");
        }
    }
}
