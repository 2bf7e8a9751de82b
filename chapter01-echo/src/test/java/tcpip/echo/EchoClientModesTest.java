package tcpip.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;
import tcpip.testing.MainRunner;
import tcpip.echo.blocking.EchoClient;
import tcpip.echo.blocking.EchoServer;
import tcpip.echo.load.EchoLoad;
import tcpip.echo.load.EchoPing;
import tcpip.echo.nio.NioEchoClient;

/**
 * The client's line, ping and load modes, in-process and as the program a learner runs. Its own JVM where the process
 * is the subject (stdin to the end, a message, a signal); its one-line failures run in this JVM ({@code runHere}),
 * through the same {@code Cli} exits.
 */
@Isolated // runs mains in this JVM (they swap its stdout and language): nothing may run beside it
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EchoClientModesTest {

    static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final Duration PROGRAM_LIMIT = Duration.ofSeconds(30);

    @Test
    void pingReportsOrderedPercentilesOfCheckedRoundTrips() throws Exception {
        try (RunningServer server = RunningServer.start(EchoServer.Mode.VIRTUAL);
                Socket socket = EchoClient.connect(server.address(), TIMEOUT)) {
            EchoPing.Result r = EchoPing.measure(socket, 200, 20, 64);
            assertThat(r.sortedNanos()).hasSize(200);
            assertThat(r.sortedNanos()[0]).isPositive();
            assertThat(r.percentile(50)).isBetween(r.sortedNanos()[0], r.percentile(99));
            assertThat(r.summary()).contains("min").contains("p50").contains("p99");
        }
    }

    @Test
    void loadHoldsEveryConnectionOpenAtOnceAndChecksEveryEcho() throws Exception {
        int connections = 50;
        int requests = 20;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (RunningServer server = RunningServer.start(EchoServer.Mode.VIRTUAL)) {
            EchoLoad.Result r = EchoLoad.run(server.address(), connections, 100, requests, null, TIMEOUT,
                    new PrintStream(printed, true, StandardCharsets.UTF_8));
            assertThat(r.errors()).as("errors; first: %s", r.firstError()).isZero();
            assertThat(r.connected()).isEqualTo(connections);
            assertThat(r.requests()).isEqualTo((long) connections * requests);
            assertThat(server.server.peakOpenConnections()).as("connections open on the server at once")
                    .isEqualTo(connections);
        }
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("requests/s").contains("every echo correct");
    }

    @Test
    void loadCountsErrorsWhenTheServerRefuses() throws Exception {
        try (RunningServer server = RunningServer.start(java.net.InetAddress.getLoopbackAddress(),
                EchoServer.Mode.VIRTUAL, 2, TIMEOUT)) {
            EchoLoad.Result r = EchoLoad.run(server.address(), 5, 100, 3, null, TIMEOUT,
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            assertThat(r.errors()).as("three of five connections were over the cap of 2").isEqualTo(3);
            assertThat(r.firstError()).isNotNull();
        }
    }

    @Test
    void theClientProgramEchoesStdinLinesAndMessage() throws Exception {
        try (RunningServer server = RunningServer.start(EchoServer.Mode.VIRTUAL)) {
            String port = String.valueOf(server.port());
            MainRunner.Result lines = MainRunner.run(PROGRAM_LIMIT, "one\ntwo\n", EchoClient.class, "--port", port);
            assertThat(lines.exitCode()).as("stderr: %s", lines.stderr()).isZero();
            assertThat(lines.stdout()).contains("echo: one").contains("echo: two").contains("chosen by the kernel");

            MainRunner.Result message = MainRunner.run(PROGRAM_LIMIT, NioEchoClient.class, "--port", port,
                    "--message", "héllo");
            assertThat(message.exitCode()).as("stderr: %s", message.stderr()).isZero();
            assertThat(message.stdout()).contains("echo: héllo");

            MainRunner.Result ping = MainRunner.runHere(PROGRAM_LIMIT, EchoClient.class, "--port", port, "--ping", "100",
                    "--warmup", "10");
            assertThat(ping.exitCode()).as("stderr: %s", ping.stderr()).isZero();
            assertThat(ping.stdout()).contains("100 round trips of 64 bytes").contains("p99");
        }
    }

    @Test
    void aReplyThatIsNotAnEchoIsReportedInOneLine() throws Exception {
        try (RunningServer server = RunningServer.start(java.net.InetAddress.getLoopbackAddress(),
                EchoServer.Mode.VIRTUAL, 1, TIMEOUT);
                Socket holder = EchoClient.connect(server.address(), TIMEOUT)) {
            EchoClient.roundTrip(holder, "holding the only slot\n".getBytes(StandardCharsets.UTF_8));
            for (Class<?> client : new Class<?>[] {EchoClient.class, NioEchoClient.class}) {
                MainRunner.Result r = MainRunner.runHere(PROGRAM_LIMIT, client, "--port", String.valueOf(server.port()),
                        "--message", "let me in, please");
                assertThat(r.exitCode()).as("%s exit code (stdout: %s)", client.getSimpleName(), r.stdout()).isEqualTo(1);
                assertThat(r.stderr()).contains("not an echo: the server answered \"server busy");
                assertThat(r.stderr().strip().lines().count()).isEqualTo(1);
            }
        }
    }

    @Test
    void aRefusedConnectionIsOneLineAndExitOne() throws Exception {
        int closedPort;
        try (RunningServer server = RunningServer.start(EchoServer.Mode.VIRTUAL)) {
            closedPort = server.port();
        }
        // Nothing listens there now; if another program grabbed the port meanwhile, this check is moot.
        MainRunner.Result r = MainRunner.runHere(PROGRAM_LIMIT, EchoClient.class, "--port", String.valueOf(closedPort),
                "--message", "anyone?");
        if (r.exitCode() != 0) {
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.stderr().strip().lines().count()).isEqualTo(1);
            assertThat(r.stderr()).contains("EchoClient: ").doesNotContain("\tat ");
        }
        // The load mode too: its report goes to stdout, and a failed run still says so in one line on stderr
        // (it used to exit 1 with an empty stderr).
        MainRunner.Result load = MainRunner.runHere(PROGRAM_LIMIT, EchoClient.class, "--port", String.valueOf(closedPort),
                "--load", "3", "--requests", "1");
        if (load.exitCode() != 0) {
            assertThat(load.exitCode()).isEqualTo(1);
            assertThat(load.stderr().strip().lines().toList()).as("stderr of a failed --load").singleElement()
                    .asString().contains("EchoClient: ").contains("3 of 3 connections failed");
        }
    }

    @Test
    void aHostileReplyIsShownEscapedInOneLine() throws Exception {
        try (java.net.ServerSocket fake = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Thread answer = Thread.ofVirtual().start(() -> {
                try (Socket s = fake.accept()) {
                    s.getOutputStream().write("\u001b[31mforged\nERROR line\n".getBytes(StandardCharsets.UTF_8));
                    s.shutdownOutput();
                    s.getInputStream().readAllBytes();
                } catch (java.io.IOException e) {
                    // the client gave up: the assertions below say why
                }
            });
            MainRunner.Result r = MainRunner.runHere(PROGRAM_LIMIT, EchoClient.class, "--port",
                    String.valueOf(fake.getLocalPort()), "--message", "hi");
            answer.join(PROGRAM_LIMIT);
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.stderr().strip().lines().count()).as("stderr: %s", r.stderr()).isEqualTo(1);
            assertThat(r.stderr()).contains("\\x1b[31mforged\\nERROR line").doesNotContain("\u001b");
        }
    }

    @Test
    void aSignalStopsTheNioClientWithOneLineAndANonZeroExit() throws Exception {
        try (RunningServer server = RunningServer.start(EchoServer.Mode.VIRTUAL)) {
            java.nio.file.Path errors = java.nio.file.Files.createTempFile("nio-client", ".err");
            // destroy() closes the pipes, so stderr goes to a file the test reads afterwards
            java.util.List<String> command = new java.util.ArrayList<>();
            if (sigintIgnoredHere()) {
                // A build started in the background (`./mvnw … &`) inherits SIGINT as ignored, and a JVM that starts
                // with SIGINT ignored never installs its handler: give the client the default disposition back.
                command.addAll(java.util.List.of("env", "--default-signal=INT"));
            }
            command.addAll(tcpip.testing.MainRunner.java());
            command.addAll(java.util.List.of(NioEchoClient.class.getName(), "--port", String.valueOf(server.port())));
            Process p = new ProcessBuilder(command)
                    .redirectError(errors.toFile()).start();
            try {
                // stdin stays open: the client waits for a line, like a learner's terminal
                java.io.BufferedReader out = new java.io.BufferedReader(
                        new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                assertThat(out.readLine()).as("the client's first line").startsWith("connected ");
                // SIGINT, what Ctrl-C sends (Process.destroy() would send SIGTERM and close our pipes)
                assertThat(new ProcessBuilder("kill", "-INT", String.valueOf(p.pid())).start().waitFor()).isZero();
                assertThat(p.waitFor(PROGRAM_LIMIT.toSeconds(), TimeUnit.SECONDS)).as("exited").isTrue();
                String err = java.nio.file.Files.readString(errors);
                assertThat(p.exitValue()).as("exit code (stderr: %s)", err).isNotZero();
                assertThat(err.strip().lines().count()).as("stderr: %s", err).isEqualTo(1);
                assertThat(err).contains("interrupted").doesNotContain("\tat ").doesNotContain("Exception");
            } finally {
                p.destroyForcibly();
                java.nio.file.Files.deleteIfExists(errors);
            }
        }
    }

    /** Whether this JVM was started with SIGINT ignored: SigIgn in /proc/self/status is a mask, signal n at bit n-1. */
    private static boolean sigintIgnoredHere() throws java.io.IOException {
        final int sigint = 2;
        java.nio.file.Path status = java.nio.file.Path.of("/proc/self/status");
        if (!java.nio.file.Files.isReadable(status)) {
            return false;
        }
        return java.nio.file.Files.readAllLines(status).stream().filter(l -> l.startsWith("SigIgn:"))
                .map(l -> Long.parseUnsignedLong(l.substring("SigIgn:".length()).strip(), 16))
                .anyMatch(mask -> (mask & (1L << (sigint - 1))) != 0);
    }
}
