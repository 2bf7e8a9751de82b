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
 * container/check.sh reads; the {@code docker run} line that README.md and README.ko.md show a
 * learner ("On macOS or Windows") must carry exactly those options, the image the build line makes,
 * and the mounts the image expects, so the line a learner copies is the one the script checked.
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

    private static List<String> dockerLine(String readme, String verb) throws IOException {
        List<ReadmeCommand> commands = ReadmeCommand.parse(Path.of(readme), Files.readAllLines(ROOT.resolve(readme)));
        List<ReadmeCommand> found = commands.stream()
                .filter(c -> c.text().startsWith("docker " + verb + " ")).toList();
        assertThat(found).as("%s shows one 'docker %s' line (On macOS or Windows)", readme, verb).hasSize(1);
        assertThat(found.get(0).manual()).as("%s: the docker line is in a ```bash manual fence (CI has no image registry)",
                found.get(0).where()).isTrue();
        return ReadmeCommand.words(found.get(0).text());
    }

    @Test
    void theReadmesDockerRunLineHasExactlyDevcontainersRunArgs() throws IOException {
        List<String> runArgs = runArgs();
        assertThat(runArgs).as("runArgs in %s", DEVCONTAINER).contains("--cap-add=NET_ADMIN", "--cap-add=SYS_ADMIN");
        for (String readme : READMES) {
            List<String> run = dockerLine(readme, "run");
            List<String> options = run.stream().filter(w -> PRIVILEGE.matcher(w).matches()).toList();
            assertThat(options).as("%s: the docker run line's options = devcontainer.json's runArgs", readme)
                    .containsExactlyInAnyOrderElementsOf(runArgs);
        }
    }

    @Test
    void theReadmesBuildAndRunTheImageTheScriptChecks() throws IOException {
        String check = Files.readString(CHECK);
        Matcher image = Pattern.compile("(?m)^IMAGE=(\\S+)$").matcher(check);
        assertThat(image.find()).as("container/check.sh names its image (IMAGE=…)").isTrue();
        for (String readme : READMES) {
            List<String> build = dockerLine(readme, "build");
            assertThat(build).as("%s: docker build", readme).containsSequence("-t", image.group(1));
            assertThat(build.get(build.size() - 1)).as("%s: the build context is container/ (the clone is mounted, not sent)",
                    readme).isEqualTo("container");
            List<String> run = dockerLine(readme, "run");
            assertThat(run.get(run.size() - 1)).as("%s: docker run starts the image it built", readme).isEqualTo(image.group(1));
            assertThat(run).as("%s: the clone is the workspace, and ~/.m2 is shared", readme)
                    .contains("$PWD:/course", "$HOME/.m2:/root/.m2");
        }
    }

    @Test
    void theDevcontainerBuildsTheDockerfileTheScriptChecks() throws IOException {
        String dev = Files.readString(DEVCONTAINER);
        String dockerfile = Files.readString(DOCKERFILE);
        assertThat(dev).as("devcontainer.json builds container/Dockerfile")
                .contains("\"dockerfile\": \"../container/Dockerfile\"").contains("\"context\": \"../container\"")
                .contains("target=/root/.m2");
        Matcher base = Pattern.compile("(?m)^BASE=(\\S+)$").matcher(Files.readString(CHECK));
        assertThat(base.find()).as("container/check.sh names the base image it makes when missing (BASE=…)").isTrue();
        assertThat(dockerfile).as("the Dockerfile starts from the base image check.sh makes")
                .containsPattern("(?m)^FROM " + Pattern.quote(base.group(1)) + "$")
                .contains("WORKDIR /course")
                .contains("ENV LANG=C.UTF-8");
        for (String pkg : List.of("openjdk-21-jdk-headless", "tcpdump", "iproute2", "nftables", "git")) {
            assertThat(dockerfile).as("the Dockerfile installs %s", pkg).containsPattern("\\b" + Pattern.quote(pkg) + "\\b");
        }
    }
}
