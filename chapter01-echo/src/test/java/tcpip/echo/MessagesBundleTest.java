package tcpip.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;
import tcpip.kernel.Bundle;
import tcpip.testing.BundleContract;
import tcpip.testing.CodeNotes;
import tcpip.testing.Glossary;
import tcpip.testing.MainRunner;
import tcpip.echo.blocking.EchoClient;
import tcpip.echo.blocking.EchoServer;
import tcpip.echo.nio.NioEchoClient;
import tcpip.echo.nio.NioEchoServer;
import tcpip.echo.selector.SelectorEchoServer;

/**
 * The chapter speaks Korean with {@code --lang ko}: every key of {@code tcpip/echo/messages*.properties}
 * exists in both languages with the same placeholders, and a Korean run of the demo, of every
 * main's --help, of a bad argument and of the client leaves no sentence in English (data such as
 * code, socket rows and numbers stays as it is). The Korean programs all start together, when the
 * first test needs one of them ({@link KoreanRuns}), so the checks cost about one program's time.
 */
@Isolated // runs mains in this JVM (they swap its stdout and language): nothing may run beside it
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MessagesBundleTest {

    static final String BUNDLE = "tcpip.echo.messages";
    static final Bundle MSG = Bundle.of(BUNDLE);
    static final Duration LIMIT = Duration.ofSeconds(30);
    static final Pattern HANGUL = Pattern.compile("[가-힣]");
    static final List<Class<?>> MAINS = List.of(EchoServer.class, NioEchoServer.class, SelectorEchoServer.class,
            EchoClient.class, NioEchoClient.class, EchoDemo.class);

    static final String[] BAD_ARGUMENT = {"--lang", "ko", "--ping", "10", "--load", "10"};

    /** The Korean runs the tests share, all started on first use: the demo, every main's --help, a bad argument. */
    private static final class KoreanRuns {
        static final Executor POOL = Executors.newFixedThreadPool(4, Thread.ofPlatform().daemon().factory());
        static final CompletableFuture<MainRunner.Result> DEMO = start(EchoDemo.class, "--lang", "ko", "--no-pause");
        // In this JVM (no JVM start each), one after the other: --help and a bad argument end in Cli.exit.
        static final List<CompletableFuture<MainRunner.Result>> HELPS = MAINS.stream()
                .map(main -> here(main, "--lang", "ko", "--help")).toList();
        static final CompletableFuture<MainRunner.Result> BAD = here(EchoClient.class, BAD_ARGUMENT);

        private static CompletableFuture<MainRunner.Result> here(Class<?> main, String... args) {
            return CompletableFuture.completedFuture(MainRunner.runHere(LIMIT, main, args));
        }

        private static CompletableFuture<MainRunner.Result> start(Class<?> main, String... args) {
            return CompletableFuture.supplyAsync(() -> MainRunner.run(LIMIT, main, args), POOL);
        }
    }

    @Test
    void everyKeyExistsInBothLanguagesWithTheSamePlaceholders() {
        BundleContract.assertComplete(BUNDLE);
    }

    @Test
    void everyKoreanSentenceUsesTheGlossarysTerms() {
        Glossary.assertFollowed(BUNDLE);
    }

    @Test
    void everyCodeExcerptHasItsKoreanExplanation() {
        CodeNotes.assertEveryMarkerExplained();
    }

    @Test
    void theKoreanDemoLeavesNoSentenceInEnglish() {
        MainRunner.Result r = KoreanRuns.DEMO.join();
        assertThat(r.exitCode()).as("exit code (stderr: %s)", r.stderr()).isZero();
        for (String key : new String[] {"EchoDemo.create.title", "EchoDemo.connect.title",
                "EchoDemo.sendReceive.title", "EchoDemo.close.title", "EchoDemo.blocking.title"}) {
            assertThat(r.stdout()).as("stage title %s in Korean", key).contains(MSG.get(true, key));
        }
        List<String> english = new ArrayList<>();
        for (String line : r.stdout().lines().toList()) {
            int bar = line.indexOf(" | ");
            String label = bar < 0 ? "" : line.substring(0, bar).strip();
            String text = (bar < 0 ? line : line.substring(bar + 3)).strip();
            boolean codeContinuation = bar >= 0 && label.isEmpty();
            boolean data = BundleContract.isData(text);
            if (!text.isEmpty() && !codeContinuation && !data && !HANGUL.matcher(text).find()) {
                english.add(line);
            }
        }
        assertThat(english).as("lines of `EchoDemo --lang ko` without Korean").isEmpty();
        // The kernel's facts stay as they are, in the article's order.
        assertThat(r.stdout()).containsSubsequence("소켓 생성", "LISTEN", "소켓 연결 설정", "ESTABLISHED",
                "데이터 송수신", "rx_queue=14", "소켓 연결 종료", "FIN_WAIT2", "CLOSE_WAIT", "TIME_WAIT",
                "블로킹 read()", "thread-per-client", "SelectorEchoServer");
    }

    @Test
    void everyMainsKoreanHelpIsKoreanInTheSummaryAndEveryOption() {
        for (int i = 0; i < MAINS.size(); i++) {
            Class<?> main = MAINS.get(i);
            MainRunner.Result r = KoreanRuns.HELPS.get(i).join();
            assertThat(r.exitCode()).as("%s --lang ko --help (stderr: %s)", main.getSimpleName(), r.stderr()).isZero();
            List<String> lines = r.stdout().lines().toList();
            assertThat(lines.get(1)).as("%s summary", main.getSimpleName()).containsPattern(HANGUL);
            List<String> options = lines.stream().filter(l -> l.startsWith("  -")).toList();
            assertThat(options).as("%s options", main.getSimpleName()).hasSizeGreaterThan(2)
                    .allSatisfy(l -> assertThat(l).containsPattern(HANGUL));
        }
    }

    @Test
    void aBadArgumentInKoreanIsOneKoreanLineAndExitTwo() {
        // This chapter's own usage error; Cli's errors (bad numbers, durations) are checked in narration-cli.
        MainRunner.Result r = KoreanRuns.BAD.join();
        assertThat(r.exitCode()).as("EchoClient %s (stderr: %s)", String.join(" ", BAD_ARGUMENT), r.stderr())
                .isEqualTo(2);
        assertThat(r.stderr().strip().lines().toList()).as("EchoClient %s", String.join(" ", BAD_ARGUMENT))
                .singleElement().satisfies(l -> assertThat(l).isEqualTo(MSG.get(true, "EchoClient.pingOrLoad",
                        "EchoClient")));
    }

    @Test
    void aKoreanReplyThatIsNotAnEchoIsShownWhole() throws Exception {
        // A refusing server speaking Korean: "x\n" is 2 bytes, so the first read ends inside a 3-byte syllable.
        String reply = MSG.get(true, "EchoServer.busy", "1");
        try (ServerSocket fake = new ServerSocket(0, 2, InetAddress.getLoopbackAddress())) {
            fake.setSoTimeout((int) LIMIT.toMillis());
            Thread answer = Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 2; i++) {
                    try (Socket s = fake.accept()) {
                        s.setSoTimeout((int) LIMIT.toMillis());
                        s.getOutputStream().write((reply + "\n").getBytes(StandardCharsets.UTF_8));
                        s.shutdownOutput();
                        s.getInputStream().readAllBytes();
                    } catch (IOException e) {
                        return; // the assertions below say what the client saw
                    }
                }
            });
            for (Class<?> client : new Class<?>[] {EchoClient.class, NioEchoClient.class}) {
                MainRunner.Result r = MainRunner.runHere(LIMIT, client, "--lang", "ko", "--port",
                        String.valueOf(fake.getLocalPort()), "--message", "x");
                assertThat(r.exitCode()).as("%s exit code (stderr: %s)", client.getSimpleName(), r.stderr()).isEqualTo(1);
                assertThat(r.stderr().strip()).as(client.getSimpleName())
                        .endsWith(MSG.get(true, "EchoClient.notAnEcho", reply)).doesNotContain("\uFFFD");
            }
            answer.join(LIMIT);
        }
    }

    @Test
    void theClientsProgressLinesAreKorean() throws Exception {
        try (RunningServer server = RunningServer.start(EchoServer.Mode.VIRTUAL)) {
            MainRunner.Result r = MainRunner.runHere(LIMIT, EchoClient.class, "--lang", "ko", "--port",
                    String.valueOf(server.port()), "--message", "hello");
            assertThat(r.exitCode()).as("exit code (stderr: %s)", r.stderr()).isZero();
            assertThat(r.stdout().lines().toList()).hasSize(3).allSatisfy(l -> assertThat(l).containsPattern(HANGUL));
            assertThat(r.stdout()).contains(MSG.get(true, "EchoClient.echo", "hello"));
        }
    }
}
