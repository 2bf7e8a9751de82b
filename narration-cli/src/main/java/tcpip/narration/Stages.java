package tcpip.narration;

import tcpip.cli.Cli;
import tcpip.cli.UsageException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Runs a list of {@link Stage}s as a program: every chapter demo and the guided tour share this
 * main, so {@code --list}, {@code --stage NAME}, {@code --only NAME} and pausing work the same way.
 */
public final class Stages {

    private Stages() {
    }

    /** The whole main of a narrated demo. */
    public static void main(String program, String summary, List<Stage> stages, String[] args) {
        Cli cli = new Cli(program, summary);
        Cli.Option<Boolean> list = cli.flag("--list", "list the stages and exit");
        Cli.Option<String> from = cli.stringOption("--stage", null, "start at this stage (see --list)");
        Cli.Option<String> only = cli.stringOption("--only", null, "run just this stage");
        Cli.Option<Boolean> noPause = cli.flag("--no-pause",
                "do not wait for Enter between stages (they never wait when input has ended, e.g. </dev/null)");
        cli.parse(args);
        if (list.get()) {
            int width = stages.stream().mapToInt(s -> s.name().length()).max().orElse(0);
            stages.forEach(s -> System.out.printf("%-" + width + "s  %s: %s%n", s.name(), s.articleSection(), s.title()));
            return;
        }
        int start = 0;
        int end = stages.size();
        String wanted = only.given() ? only.get() : from.get();
        if (wanted != null) {
            start = indexOf(stages, wanted);
            if (start < 0) {
                System.err.println(program + ": no stage '" + wanted + "' (try --list)");
                System.exit(Cli.EXIT_USAGE);
            }
            if (only.given()) {
                end = start + 1;
            }
        }
        // Not System.console(): under ./mvnw exec:exec the program's stdin is a pipe from Maven, yet a
        // person types into it. Without input (CI, </dev/null) the first read sees end of input.
        boolean pause = !noPause.get();
        List<Stage> chosen = stages.subList(start, end);
        cli.run(() -> run(chosen, Narrator.stdout(), pause));
    }

    /** Runs stages in order through one narrator; pauses for Enter between them if asked. */
    public static void run(List<Stage> stages, Narrator narrator, boolean pause) throws Exception {
        BufferedReader in = pause ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)) : null;
        for (int i = 0; i < stages.size(); i++) {
            Stage s = stages.get(i);
            narrator.section(s.articleSection(), s.title());
            s.body().run(narrator);
            if (in != null && i + 1 < stages.size()) {
                narrator.out().print("\n[Enter] next stage: " + stages.get(i + 1).title() + "  (--no-pause to run straight through) ");
                narrator.out().flush();
                if (in.readLine() == null) {
                    in = null; // stdin closed: carry on without pausing
                }
            }
        }
    }

    private static int indexOf(List<Stage> stages, String name) {
        for (int i = 0; i < stages.size(); i++) {
            if (stages.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }
}
