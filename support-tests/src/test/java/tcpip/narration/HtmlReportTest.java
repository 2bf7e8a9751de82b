package tcpip.narration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import tcpip.kernel.PacketCapture;
import tcpip.kernel.Segment;

/**
 * The --html report of a run with real captures, opened in a real browser: Debian's headless
 * chromium driven by chromedriver (Selenium, test scope). One browser start for every check.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HtmlReportTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final int BULK_BYTES = 128 * 1024;

    @TempDir
    Path dir;

    /** Three stages: a handshake, a bulk "window" transfer, and one without packets. */
    static List<Stage> stages() {
        return List.of(
                new Stage("handshake", "Three way handshake", "SYN, SYN+ACK, ACK", HtmlReportTest::handshake),
                new Stage("window-bulk", "데이터 송수신", "a bulk transfer against a small window", HtmlReportTest::bulk),
                new Stage("quiet", "소켓 생성", "no packets at all", n -> n.note("nothing on the wire here")));
    }

    private static ServerSocket listen() throws Exception {
        ServerSocket s = new ServerSocket();
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return s;
    }

    static void handshake(Narrator n) throws Exception {
        try (ServerSocket listener = listen(); PacketCapture capture = PacketCapture.start(listener.getLocalPort());
                Socket client = new Socket()) {
            if (!capture.running()) {
                n.note(capture.unavailableReason());
                return;
            }
            client.connect(listener.getLocalSocketAddress());
            listener.accept().close();
            capture.awaitSegments(3, WAIT);
            n.segments(capture.segments().subList(0, Math.min(3, capture.segments().size())));
        }
    }

    static void bulk(Narrator n) throws Exception {
        try (ServerSocket listener = listen()) {
            listener.setReceiveBufferSize(16 * 1024); // a small window: inherited by the accepted socket
            try (PacketCapture capture = PacketCapture.start(listener.getLocalPort()); Socket client = new Socket()) {
                client.connect(listener.getLocalSocketAddress());
                try (Socket server = listener.accept()) {
                    server.setSoTimeout((int) WAIT.toMillis());
                    Thread writer = Thread.ofPlatform().start(() -> {
                        try (OutputStream out = client.getOutputStream()) {
                            out.write(new byte[BULK_BYTES]);
                        } catch (Exception e) {
                            // the reader's assertion reports a short transfer
                        }
                    });
                    InputStream in = server.getInputStream();
                    assertThat(in.readAllBytes()).hasSize(BULK_BYTES);
                    writer.join(WAIT.toMillis());
                }
                if (capture.running()) {
                    capture.awaitSegments(10, WAIT);
                    n.segments(capture.stop());
                } else {
                    n.note(capture.unavailableReason());
                }
            }
        }
    }

    @Test
    void reportOpensInHeadlessChromiumWithEveryStageAndSvg() throws Exception {
        Path html = dir.resolve("report.html");
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        Report report = new Report("HtmlReportTest");
        OutputStream sink = report.sink();
        OutputStream both = new OutputStream() { // what the terminal would show, and the report's copy
            @Override
            public void write(int b) throws java.io.IOException {
                text.write(b);
                sink.write(b);
            }
        };
        Stages.run(stages(), new Narrator(new PrintStream(both, true, StandardCharsets.UTF_8)).report(report), false);
        report.write(html);
        String page = Files.readString(html);
        boolean captured = PacketCapture.installed() && text.toString(StandardCharsets.UTF_8).contains("ladder  |");
        assertThat(page).doesNotContain("<script", "<link", "src=", "href=\"http", "url(http") // self-contained
                .contains("id=\"stage-handshake\"", "id=\"stage-window-bulk\"", "id=\"stage-quiet\"");
        if (captured) {
            assertThat(page).contains("class=\"ladder\"", "class=\"tsg\"");
        }

        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "no headless browser here: apt-get install -y chromium chromium-driver");
        ChromeDriver driver = browser(dir.resolve("profile"));
        try {
            driver.get(html.toUri().toString());
            List<WebElement> sections = driver.findElements(By.cssSelector("section.stage"));
            assertThat(sections).extracting(e -> e.getAttribute("id"))
                    .containsExactly("stage-handshake", "stage-window-bulk", "stage-quiet");
            for (WebElement section : sections) {
                assertThat(section.findElement(By.cssSelector("pre.narration")).getText()).isNotBlank();
            }
            List<WebElement> svgs = driver.findElements(By.tagName("svg"));
            if (captured) {
                assertThat(svgs).hasSizeGreaterThanOrEqualTo(3); // two ladders and a time-sequence graph
                assertThat(sections.get(1).findElements(By.cssSelector("svg.tsg"))).hasSize(1);
            }
            for (WebElement svg : svgs) {
                assertThat(svg.getSize().getWidth()).as("width of svg %s", svg.getAttribute("id")).isPositive();
                assertThat(svg.getSize().getHeight()).as("height of svg %s", svg.getAttribute("id")).isPositive();
            }
            List<LogEntry> errors = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                    .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
            assertThat(errors).as("browser console errors").isEmpty();
        } finally {
            driver.quit();
        }
    }

    /** Headless Debian chromium as root, offline, with a fresh profile; never downloads a driver. */
    static ChromeDriver browser(Path profile) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile.toAbsolutePath(), "--window-size=1200,900");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().withLogOutput(OutputStream.nullOutputStream()).build();
        return new ChromeDriver(service, options);
    }
}
