package tcpip.tour;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tcpip.testing.ReadmeCommand;

/**
 * The container's options have one home, {@code .devcontainer/devcontainer.json}'s runArgs, which
 * container/check.sh reads; the {@code docker run} lines that README.md and README.ko.md show a
 * learner ("On macOS or Windows": as root, and as yourself on a Linux host) must carry exactly those
 * options, the image the build line makes, and the mounts the image expects, so the lines a learner
 * copies are the ones the script checked (check.sh --as-me runs the second).
 */
class ContainerDocsTest {

    private static final Path ROOT = CourseTree.root();
    private static final Path DEVCONTAINER = ROOT.resolve(".devcontainer/devcontainer.json");
    private static final Path DOCKERFILE = ROOT.resolve("container/Dockerfile");
    private static final Path CHECK = ROOT.resolve("container/check.sh");
    private static final List<String> READMES = List.of("README.md", "README.ko.md");
    /** docker run options that change what the container may do (the ones runArgs decides). */
    private static final Pattern PRIVILEGE = Pattern.compile("--(cap-add|cap-drop|sysctl|security-opt|privileged|network|user)\\b.*");

    /** runArgs as container/check.sh reads them: the quoted "--…" strings between "runArgs" and "]". */
    static List<String> runArgs() throws IOException {
        List<String> args = new ArrayList<>();
        boolean in = false;
        for (String line : Files.readAllLines(DEVCONTAINER)) {
            in |= line.contains("\"runArgs\"");
            if (in) {
                Matcher m = Pattern.compile("\"(--[^\"]*)\"").matcher(line);
                while (m.find()) {
                    args.add(m.group(1));
                }
                if (line.contains("]")) {
                    break;
                }
            }
        }
        return args;
    }

    /** The words of each {@code docker VERB} line of a README, each checked to be in a manual fence. */
    private static List<List<String>> dockerLines(String readme, String verb) throws IOException {
        List<ReadmeCommand> commands = ReadmeCommand.parse(Path.of(readme), Files.readAllLines(ROOT.resolve(readme)));
        List<ReadmeCommand> found = commands.stream()
                .filter(c -> c.text().startsWith("docker " + verb + " ")).toList();
        assertThat(found).as("%s shows 'docker %s' (On macOS or Windows)", readme, verb).isNotEmpty();
        for (ReadmeCommand c : found) {
            assertThat(c.manual()).as("%s: the docker line is in a ```bash manual fence (CI has no image registry)",
                    c.where()).isTrue();
        }
        return found.stream().map(c -> ReadmeCommand.words(c.text())).toList();
    }

    @Test
    void theReadmesDockerRunLinesHaveExactlyDevcontainersRunArgs() throws IOException {
        List<String> runArgs = runArgs();
        assertThat(runArgs).as("runArgs in %s", DEVCONTAINER).contains("--cap-add=NET_ADMIN", "--cap-add=SYS_ADMIN");
        for (String readme : READMES) {
            for (List<String> run : dockerLines(readme, "run")) {
                List<String> options = run.stream().filter(w -> PRIVILEGE.matcher(w).matches())
                        .filter(w -> !w.equals("--user")).toList();
                assertThat(options).as("%s: a docker run line's options = devcontainer.json's runArgs: %s", readme, run)
                        .containsExactlyInAnyOrderElementsOf(runArgs);
            }
        }
    }

    @Test
    void theReadmesBuildAndRunTheImageTheScriptChecks() throws IOException {
        String check = Files.readString(CHECK);
        Matcher image = Pattern.compile("(?m)^IMAGE=(\\S+)$").matcher(check);
        assertThat(image.find()).as("container/check.sh names its image (IMAGE=…)").isTrue();
        for (String readme : READMES) {
            List<List<String>> builds = dockerLines(readme, "build");
            assertThat(builds).as("%s: one docker build line", readme).hasSize(1);
            List<String> build = builds.get(0);
            assertThat(build).as("%s: docker build", readme).containsSequence("-t", image.group(1));
            assertThat(build.get(build.size() - 1)).as("%s: the build context is container/ (the clone is mounted, not sent)",
                    readme).isEqualTo("container");
            List<List<String>> runs = dockerLines(readme, "run");
            assertThat(runs).as("%s: a docker run line as root, and one as yourself (--user) for a Linux host", readme)
                    .hasSize(2).anyMatch(r -> !r.contains("--user")).anyMatch(r -> r.contains("--user"));
            for (List<String> run : runs) {
                assertThat(run.get(run.size() - 1)).as("%s: docker run starts the image it built", readme)
                        .isEqualTo(image.group(1));
                // Root's home is /root; a uid the image does not know gets its home (user.home) from HOME.
                String home = run.contains("--user") ? "/home/learner" : "/root";
                assertThat(run).as("%s: the clone is the workspace, and ~/.m2 is shared at %s/.m2: %s", readme, home, run)
                        .contains("$PWD:/course", "$HOME/.m2:" + home + "/.m2");
                if (run.contains("--user")) {
                    assertThat(run).as("%s: --user needs HOME for the JDK and Maven", readme).containsSequence("-e", "HOME=" + home);
                }
            }
        }
    }

    @Test
    void theDevcontainerBuildsTheDockerfileTheScriptChecks() throws IOException {
        String dev = Files.readString(DEVCONTAINER);
        String dockerfile = Files.readString(DOCKERFILE);
        assertThat(dev).as("devcontainer.json builds container/Dockerfile")
                .contains("\"dockerfile\": \"../container/Dockerfile\"").contains("\"context\": \"../container\"")
                .contains("target=/home/learner/.m2").contains("\"remoteUser\": \"learner\"");
        Matcher base = Pattern.compile("(?m)^BASE=(\\S+)$").matcher(Files.readString(CHECK));
        assertThat(base.find()).as("container/check.sh names the base image it makes when missing (BASE=…)").isTrue();
        assertThat(dockerfile).as("the Dockerfile starts from the base image check.sh makes")
                .containsPattern("(?m)^FROM " + Pattern.quote(base.group(1)) + "$")
                .contains("WORKDIR /course")
                .containsPattern("useradd .*learner")
                .contains("ENV LANG=C.UTF-8");
        for (String pkg : List.of("openjdk-21-jdk-headless", "tcpdump", "iproute2", "nftables", "git")) {
            assertThat(dockerfile).as("the Dockerfile installs %s", pkg).containsPattern("\\b" + Pattern.quote(pkg) + "\\b");
        }
    }
}
