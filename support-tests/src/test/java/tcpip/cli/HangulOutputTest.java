package tcpip.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tcpip.kernel.Background;
import tcpip.narration.Watch;
import tcpip.testing.MainRunner;

/**
 * Hangul in any locale: with no locale at all (LANG unset, C, POSIX) the output is UTF-8 without a word;
 * a locale naming a character set without Hangul gets one line saying so and how to fix it; never '?'.
 */
class HangulOutputTest {

    /** A main's stdout and stderr (as UTF-8 bytes) run with exactly these locale variables and nothing else. */
    private static String[] run(String... locale) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(MainRunner.java());
        command.addAll(List.of(Watch.class.getName(), "--lang", "ko", "--help"));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/bin:/bin");
        for (int i = 0; i + 1 < locale.length; i += 2) {
            pb.environment().put(locale[i], locale[i + 1]);
        }
        Process p = pb.start();
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> {
            try {
                return p.getErrorStream().readAllBytes();
            } catch (IOException e) {
                return new byte[0];
            }
        }, Background.OWN_THREAD);
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new String[] {new String(out, StandardCharsets.UTF_8), new String(err.join(), StandardCharsets.UTF_8)};
    }

    @Test
    @Timeout(60)
    void noLocaleAtAllGivesHangulSilently() throws Exception {
        for (String[] locale : new String[][] {{}, {"LANG", "C"}, {"LC_ALL", "POSIX"}}) {
            String[] r = run(locale);
            assertThat(r[0]).as("stdout with %s", List.of(locale)).contains("사용법: Watch").doesNotContain("?");
            assertThat(r[1]).as("stderr with %s", List.of(locale)).isEmpty();
        }
    }

    @Test
    @Timeout(60)
    void aLocaleWithoutHangulIsToldOnceHowToFixIt() throws Exception {
        String[] r = run("LANG", "en_US.ISO-8859-1");
        assertThat(r[0]).contains("사용법: Watch").doesNotContain("?");
        assertThat(r[1].lines().toList()).singleElement().asString().contains("LANG=en_US.ISO-8859-1")
                .contains("LANG=C.UTF-8");
    }
}
