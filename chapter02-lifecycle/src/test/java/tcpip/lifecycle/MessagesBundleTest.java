package tcpip.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;
import tcpip.cli.Lang;
import tcpip.kernel.SocketTable;
import tcpip.lifecycle.backlog.NonAcceptingServer;
import tcpip.lifecycle.creation.SocketCreationProbe;
import tcpip.lifecycle.handshake.HandshakeClient;
import tcpip.lifecycle.handshake.HandshakeCore;
import tcpip.lifecycle.handshake.HandshakeServer;
import tcpip.lifecycle.options.BufferOptionsClient;
import tcpip.lifecycle.options.EarlyOptionsServer;
import tcpip.lifecycle.refused.ReservedPort;
import tcpip.lifecycle.refused.RetryingConnectClient;
import tcpip.narration.Narrator;
import tcpip.narration.Stage;
import tcpip.narration.Stages;
import tcpip.testing.BundleContract;
import tcpip.testing.CodeNotes;
import tcpip.testing.Glossary;
import tcpip.testing.MainRunner;

/**
 * The chapter speaks Korean with {@code --lang ko}: every sentence exists in both languages with
 * the same placeholders, the code uses only keys the bundle has (and the bundle no dead ones), the
 * whole demo narrates in Korean, and every main's --help and failure lines are Korean.
 */
@Isolated // switches the process-wide language (or stdout): nothing may run beside it
class MessagesBundleTest {

    private static final String BUNDLE = "tcpip.lifecycle.messages";
    private static final Pattern HANGUL = Pattern.compile("[가-힣]");
    /** A string literal shaped like one of our keys: {@code "Class.what"} or {@code "Class.what.more"}. */
    private static final Pattern KEY_LITERAL = Pattern.compile("\"([A-Z][A-Za-z]+(?:\\.[a-z][A-Za-z]*)+)\"");
    /** A sentence handed straight to the narrator, a Cli or an exception: a string literal with a space in it. */
    private static final Pattern LITERAL_SENTENCE = Pattern.compile("(?:\\.(?:program|kernel|note|result|simplifies)\\("
            + "|new Cli\\(\"\\w+\",\\s*|Exception\\()\"[^\"]* [^\"]*\"");
    /**
     * A narration line: two spaces, a label, the bar, the text. Code lines under a code header have
     * no label and pictures are indented further: neither matches.
     */
    private static final Pattern LABELLED = Pattern.compile("^  (\\S[^|]*?)\\s*\\| (.*)$");
    /** Standard labels whose text is data or the narrator's own: code, packets, pictures' captions. */
    private static final List<String> DATA_LABELS = List.of("code", "packet", "ladder", "states");
    /** A tcpdump segment as the narrator prints it: {@code 35118 > 34953 SYN ...}. */
    private static final Pattern PACKET = Pattern.compile("^\\d+ > \\d+ ");
    private static final List<Class<?>> MAINS = List.of(LifecycleDemo.class, LateAcceptServer.class,
            LateAcceptClient.class, SocketCreationProbe.class,
            HandshakeServer.class, HandshakeClient.class, NonAcceptingServer.class, RetryingConnectClient.class,
            EarlyOptionsServer.class, BufferOptionsClient.class);
    private static final Duration LIMIT = Duration.ofSeconds(20);

    @Test
    void everySentenceExistsInBothLanguagesWithTheSamePlaceholders() {
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

    /** Under --lang ko an excerpt keeps its code and English comments and is followed by its Korean explanation. */
    @Test
    void aKoreanExcerptKeepsTheCodeAndAddsItsKoreanNote() {
        try {
            Lang.set(Lang.KO);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            new Narrator(new PrintStream(bytes, true, StandardCharsets.UTF_8))
                    .code(HandshakeCore.class, "connect");
            List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
            assertThat(lines).anyMatch(l -> l.endsWith("socket.connect(server, timeoutMillis);"));
            assertThat(lines.get(lines.size() - 1)).contains(" | connect(): 커널이 비어 있는 로컬 포트(임시 포트)를 고르고");
        } finally {
            Lang.set(Lang.EN);
        }
    }

    @Test
    void theCodeUsesOnlyKeysTheBundleHasAndTheBundleHasNoUnusedKeys() throws IOException, URISyntaxException {
        Set<String> bundle = new TreeSet<>(load(BUNDLE.replace('.', '/') + ".properties").stringPropertyNames());
        Set<String> used = new TreeSet<>();
        for (Path source : sources()) {
            Matcher m = KEY_LITERAL.matcher(Files.readString(source));
            while (m.find()) {
                used.add(m.group(1));
            }
        }
        assertThat(used).as("keys the code uses").isNotEmpty();
        assertThat(bundle).as("keys in %s.properties", BUNDLE).containsAll(used);
        assertThat(used).as("keys the code uses").containsAll(bundle);
    }

    @Test
    void noSentenceInTheCodeIsLeftInEnglish() throws IOException, URISyntaxException {
        for (Path source : sources()) {
            if (source.getFileName().toString().endsWith("Core.java")) {
                continue; // the lesson's code: shown as it is, in English comments
            }
            List<String> literals = LITERAL_SENTENCE.matcher(Files.readString(source)).results().map(r -> r.group())
                    .toList();
            assertThat(literals).as("sentences written into %s instead of the bundle", source.getFileName()).isEmpty();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void theWholeDemoNarratesInKorean() throws Exception {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
        DemoRun run = runDemoIn(Lang.KO);
        String out = run.output();
        for (Stage stage : run.stages()) {
            assertThat(stage.title()).as("title of stage %s", stage.name()).containsPattern(HANGUL);
            assertThat(out).as("stage %s names its article section", stage.name()).containsPattern(
                    "=== " + Pattern.quote(stage.articleSection()) + ".*" + Pattern.quote(stage.title()));
        }
        boolean captured = out.lines().map(LABELLED::matcher)
                .anyMatch(m -> m.matches() && PACKET.matcher(m.group(2)).find());
        List<String> untranslated = new ArrayList<>();
        int checked = 0;
        for (String line : out.split("\n")) {
            Matcher m = LABELLED.matcher(line);
            if (!m.matches() || run.dataLabels().contains(m.group(1))
                    || BundleContract.isData(m.group(2))
                    || (!captured && m.group(2).contains("tcpdump"))) { // kernel-view's why-no-capture line
                continue;
            }
            checked++;
            if (!HANGUL.matcher(m.group(2)).find()) {
                untranslated.add(line);
            }
        }
        assertThat(checked).as("narration lines checked").isGreaterThan(30);
        assertThat(untranslated).as("lines of `LifecycleDemo --lang ko` without Hangul:%n%s", out).isEmpty();
        // The facts are the same in both languages: kernel states, the JDK's messages, no broken relation.
        assertThat(out).contains("ESTABLISHED").contains("inode=0").contains("Connection refused")
                .contains("Connect timed out").contains("Address already in use").contains("TIME_WAIT")
                .doesNotContain("일치하지 않습니다").doesNotContain("does NOT match");
    }

    @Test
    void everyMainsHelpIsKoreanInItsSummaryAndEveryOption() throws Exception {
        Map<Class<?>, MainRunner.Result> help = inParallel(MAINS,
                main -> MainRunner.runHere(LIMIT, main, "--lang", "ko", "--help"));
        for (Class<?> main : MAINS) {
            MainRunner.Result r = help.get(main);
            assertThat(r.exitCode()).as("%s --lang ko --help exit code (stderr %s)", main.getSimpleName(), r.stderr())
                    .isZero();
            List<String> lines = r.stdout().lines().toList();
            assertThat(lines.get(0)).as("usage line").startsWith("사용법: " + main.getSimpleName());
            assertThat(lines.get(1)).as("%s summary", main.getSimpleName()).containsPattern(HANGUL);
            // LifecycleDemo's options are the shared Stages options (narration-cli's bundle, not this one).
            List<String> options = lines.stream().filter(l -> l.startsWith("  -")).toList();
            assertThat(options).as("%s options", main.getSimpleName()).isNotEmpty();
            if (main != LifecycleDemo.class) {
                assertThat(options).as("%s --lang ko --help:%n%s", main.getSimpleName(), r.stdout())
                        .allMatch(l -> HANGUL.matcher(l).find());
            }
        }
    }

    /** One program run: a main and its arguments. */
    private record Run(Class<?> main, String... args) {
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void failuresAreOneKoreanLine() throws Exception {
        try (ReservedPort reserved = ReservedPort.onLoopback()) {
            String port = String.valueOf(reserved.port());
            Run badArgument = new Run(HandshakeClient.class, "--lang", "ko", "--timeout", "2d");
            Run refused = new Run(HandshakeClient.class, "--lang", "ko", "--port", port);
            Run probe = new Run(SocketCreationProbe.class, "--lang", "ko", "--port", port);
            Run gaveUp = new Run(RetryingConnectClient.class, "--lang", "ko", "--port", port, "--deadline", "300ms",
                    "--first-pause", "50ms");
            Map<Run, MainRunner.Result> results = inParallel(List.of(badArgument, refused, probe, gaveUp),
                    run -> MainRunner.runHere(LIMIT, run.main(), run.args()));
            assertOneKoreanLine(results.get(badArgument), 2, "2d");
            assertOneKoreanLine(results.get(refused), 1, "거부되었습니다");
            assertOneKoreanLine(results.get(probe), 1, "HandshakeServer --port " + port);
            assertOneKoreanLine(results.get(gaveUp), 1, "포기했습니다");
        }
    }

    /** What one run of the demo printed, its stages and the labels of data lines, all in one language. */
    private record DemoRun(String output, List<Stage> stages, Set<String> dataLabels) {
    }

    /** Runs the whole demo in this JVM in {@code lang}, restoring the language afterwards. */
    private static DemoRun runDemoIn(Lang lang) throws Exception {
        Lang before = Lang.current();
        PrintStream stdout = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        // Lang.set(KO) re-opens stdout as UTF-8 if it cannot write Hangul: give it one that can.
        System.setOut(out);
        try {
            Lang.set(lang);
            List<Stage> stages = LifecycleDemo.stages();
            Set<String> dataLabels = DATA_LABELS.stream().map(Narrator::label).collect(Collectors.toSet());
            Stages.run(stages, new Narrator(out), false);
            return new DemoRun(buffer.toString(StandardCharsets.UTF_8), stages, dataLabels);
        } finally {
            Lang.set(before);
            System.setOut(stdout);
        }
    }

    private static void assertOneKoreanLine(MainRunner.Result r, int exitCode, String mentions) {
        assertThat(r.exitCode()).as("exit code; stderr: %s", r.stderr()).isEqualTo(exitCode);
        assertThat(r.stderr().strip().lines()).as("stderr: %s", r.stderr()).hasSize(1);
        assertThat(r.stderr()).containsPattern(HANGUL).contains(mentions).doesNotContain("\tat ");
    }

    /** One child JVM per item, two at a time: the checks are independent and mostly JVM start-up. */
    private static <K> Map<K, MainRunner.Result> inParallel(List<K> items, Function<K, MainRunner.Result> run) {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Map<K, CompletableFuture<MainRunner.Result>> futures = items.stream().collect(Collectors.toMap(
                    Function.identity(), k -> CompletableFuture.supplyAsync(() -> run.apply(k), pool)));
            return futures.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().join()));
        } finally {
            pool.shutdownNow();
        }
    }

    /** This module's main sources (every lesson package), which the build copies beside the classes. */
    private static List<Path> sources() throws IOException, URISyntaxException {
        Path dir = Path.of(LifecycleDemo.class.getResource("LifecycleDemo.java").toURI()).getParent();
        try (Stream<Path> files = Files.walk(dir)) {
            List<Path> java = files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
            assertThat(java).as("sources in %s", dir).hasSizeGreaterThan(10);
            return java;
        }
    }

    private static Properties load(String resource) throws IOException {
        Properties p = new Properties();
        try (InputStream in = MessagesBundleTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
        return p;
    }
}
