package tcpip.close;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;
import tcpip.cli.Lang;
import tcpip.close.halfclose.HalfCloseFileClient;
import tcpip.close.halfclose.HalfCloseFileServer;
import tcpip.close.orderly.OrderlyCloseClient;
import tcpip.close.orderly.OrderlyCloseServer;
import tcpip.close.reset.ClosedPeerClient;
import tcpip.close.reset.ClosedPeerServer;
import tcpip.close.reset.LingerClient;
import tcpip.close.reset.LingerServer;
import tcpip.close.timewait.TimeWaitClient;
import tcpip.close.timewait.TimeWaitMyths;
import tcpip.close.timewait.TimeWaitRestartServer;
import tcpip.kernel.SocketTable;
import tcpip.narration.Narrator;
import tcpip.narration.Stage;
import tcpip.narration.Stages;
import tcpip.testing.BundleContract;
import tcpip.testing.CodeNotes;
import tcpip.testing.Glossary;
import tcpip.testing.MainRunner;

/**
 * Issue 17: this chapter speaks Korean with {@code --lang ko}. Its bundle has every key in both
 * languages; the demo's narration, every main's --help and its own error line carry Hangul;
 * only data (code, packets, kernel rows) stays as it is.
 */
@Isolated // switches the process-wide language (or stdout): nothing may run beside it
class MessagesBundleTest {

    private static final String BUNDLE = "tcpip.close.messages";
    private static final Pattern HANGUL = Pattern.compile("[가-힣]");
    /** A narrator line: two spaces, a label that starts at once, padding, "| ", the text. */
    private static final Pattern LABELLED = Pattern.compile("^  (\\S[^|]*?)\\s*\\| (.*)$");
    /** Stages that together print most of the demo's sentences, in about a second. */
    private static final Set<String> KOREAN_STAGES = Set.of("server-closes-first", "half-close-file", "linger-zero",
            "closed-peer", "time-wait-restart");
    private static final List<Class<?>> MAINS = List.of(CloseDemo.class, CloseFirstServer.class,
            CloseSecondClient.class, OrderlyCloseServer.class,
            OrderlyCloseClient.class, HalfCloseFileServer.class, HalfCloseFileClient.class, LingerServer.class,
            LingerClient.class, ClosedPeerServer.class, ClosedPeerClient.class, TimeWaitRestartServer.class,
            TimeWaitClient.class, TimeWaitMyths.class);
    private static final Duration LIMIT = Duration.ofSeconds(30);

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
    void englishStaysTheDefaultAndNumbersHaveNoGroupingComma() {
        Lang before = Lang.current();
        try {
            Lang.set(Lang.EN);
            assertThat(Msg.get("CloseDemo.restart.noReuseBound", 40123))
                    .isEqualTo("bind(40123) with SO_REUSEADDR false: succeeded");
            assertThat(Msg.get("CloseDemo.title.linger-timeout")).contains("peer's window");
            assertThat(Msg.get("TimeWaitMyths.needsTool", "ip")).isEqualTo("needs the 'ip' command (util-linux / iproute2)");
            Lang.set(Lang.KO);
            assertThat(Msg.get("CloseDemo.restart.noReuseBound", 40123)).contains("bind(40123)").containsPattern(HANGUL);
        } finally {
            Lang.set(before);
        }
    }

    @Test
    @Timeout(60)
    void theDemoNarratesInKoreanAndKeepsDataAsItIs() throws Exception {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Lang before = Lang.current();
        try {
            Lang.set(Lang.KO);
            List<Stage> stages = CloseDemo.stages().stream().filter(s -> KOREAN_STAGES.contains(s.name())).toList();
            assertThat(stages).hasSize(KOREAN_STAGES.size());
            Stages.run(stages, new Narrator(new PrintStream(buf, true, StandardCharsets.UTF_8)), false);
        } finally {
            Lang.set(before);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        List<String> english = new ArrayList<>();
        int sentences = 0;
        for (String line : out.lines().toList()) {
            if (line.startsWith("=== ")) {
                assertThat(line).as("a stage title in Korean, beside the article's section").containsPattern(HANGUL);
                continue;
            }
            Matcher m = LABELLED.matcher(line);
            if (!m.matches() || BundleContract.isData(m.group(2))) {
                continue; // code excerpt lines, pictures and data lines
            }
            sentences++;
            if (!HANGUL.matcher(m.group(2)).find()) {
                english.add(line);
            }
        }
        assertThat(english).as("narration lines without Hangul in:%n%s", out).isEmpty();
        assertThat(sentences).as("narration lines checked").isGreaterThan(30);
        assertThat(out).as("kernel facts and code stay as they are")
                .contains("TIME_WAIT").contains("FIN_WAIT2").contains("CLOSE_WAIT")
                .contains("OrderlyCloseCore.java [close-first]").contains("socket.close(); // close(): FIN after any unsent data")
                .contains("BindException: Address already in use").contains("Thank you");
    }

    @Test
    @Timeout(120)
    void everyMainsHelpAndItsOwnErrorLineSpeakKorean() {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<CompletableFuture<MainRunner.Result>> helps = MAINS.stream().map(main -> CompletableFuture.supplyAsync(
                    () -> MainRunner.runHere(LIMIT, main, "--lang", "ko", "--help"), pool)).toList();
            CompletableFuture<MainRunner.Result> noFile = CompletableFuture.supplyAsync(() -> MainRunner.runHere(LIMIT,
                    HalfCloseFileClient.class, "--lang", "ko", "--port", "7304"), pool);
            CompletableFuture<MainRunner.Result> badValue = CompletableFuture.supplyAsync(() -> MainRunner.runHere(LIMIT,
                    TimeWaitMyths.class, "--fin-timeout", "0", "--lang", "ko"), pool);
            for (int i = 0; i < MAINS.size(); i++) {
                String name = MAINS.get(i).getSimpleName();
                MainRunner.Result help = helps.get(i).join();
                assertThat(help.exitCode()).as("%s --lang ko --help (stderr %s)", name, help.stderr()).isZero();
                List<String> lines = help.stdout().lines().toList();
                assertThat(lines.get(1)).as("%s summary", name).containsPattern(HANGUL);
                List<String> options = lines.stream().filter(l -> l.startsWith("  -")).toList();
                assertThat(options).as("%s options", name).isNotEmpty()
                        .allSatisfy(l -> assertThat(l).as("%s option help", name).containsPattern(HANGUL));
            }
            for (MainRunner.Result bad : List.of(noFile.join(), badValue.join())) {
                assertThat(bad.exitCode()).as(bad.stderr()).isEqualTo(2);
                assertThat(bad.stderr().strip().lines().count()).as(bad.stderr()).isEqualTo(1);
                assertThat(bad.stderr()).containsPattern(HANGUL).doesNotContain("\tat ");
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
