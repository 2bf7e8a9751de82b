package tcpip.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The java program a README line runs, if it runs one of ours: a main, its arguments, and the
 * directory it runs in. exec:exec runs a program in its module's directory, a plain {@code java}
 * line runs where the README's reader stands (the root). {@code ./mvnw … exec:exec -Dmain=NAME}
 * becomes the java command {@code tcpip.cli.Run} would start, so no Maven start-up is paid per line.
 */
record ReadmeProgram(String mainClass, List<String> args, Path dir) {

    static final Pattern DEFINE = Pattern.compile("-D([\\w.]+)=(.*)");

    /** The java command line. */
    List<String> command() {
        List<String> cmd = MainRunner.java();
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }

    /**
     * The program line {@code c} runs; {@code ports} maps a README port to the port the kernel gave
     * a server started earlier in the fence (a background line's own port becomes 0).
     */
    static Optional<ReadmeProgram> of(ReadmeCommand c, Map<Integer, Integer> ports) throws IOException {
        List<String> w = ReadmeCommand.words(c.text());
        if (w.get(0).equals("./mvnw") && w.contains("exec:exec")) {
            return Optional.of(fromExec(c, w, ports));
        }
        if (w.get(0).equals("java")) {
            int i = 1;
            while (i < w.size() && w.get(i).startsWith("-")) {
                i += w.get(i).equals("-cp") || w.get(i).equals("-classpath") ? 2 : 1;
            }
            if (i >= w.size()) {
                fail(c.where() + ": java line without a main class: " + c.text());
            }
            List<String> args = new ArrayList<>(w.subList(i + 1, w.size()));
            return Optional.of(new ReadmeProgram(w.get(i), mapPorts(args, ports, c.background()), ReadmeCommands.root()));
        }
        return Optional.empty();
    }

    private static ReadmeProgram fromExec(ReadmeCommand c, List<String> w, Map<Integer, Integer> ports)
            throws IOException {
        String module = null;
        Map<String, String> defines = new HashMap<>();
        for (int i = 0; i < w.size(); i++) {
            if (w.get(i).equals("-pl") && i + 1 < w.size()) {
                module = w.get(i + 1);
            }
            Matcher d = DEFINE.matcher(w.get(i));
            if (d.matches()) {
                defines.put(d.group(1), d.group(2));
            }
        }
        if (module == null || !w.contains("exec:exec") || !defines.containsKey("main")) {
            fail(c.where() + ": expected ./mvnw -q -pl MODULE -am compile exec:exec -Dmain=NAME [-Dargs=\"...\"], got: "
                    + c.text());
        }
        if (!w.contains("-am")) {
            fail(c.where() + ": add -am so a fresh clone builds the modules " + module + " needs: " + c.text());
        }
        if (!w.contains("compile")) {
            fail(c.where() + ": add 'compile' before exec:exec: it selects the JDK toolchain and builds the module: "
                    + c.text());
        }
        Set<String> unknown = new TreeSet<>(defines.keySet());
        unknown.removeAll(Set.of("main", "args"));
        if (!unknown.isEmpty()) {
            fail(c.where() + ": the run command takes only -Dmain and -Dargs (put program flags in -Dargs): " + unknown);
        }
        String mainClass = mainClass(c, module, defines.get("main"));
        List<String> args = mapPorts(new ArrayList<>(ReadmeCommand.words(defines.getOrDefault("args", ""))), ports,
                c.background());
        return new ReadmeProgram(mainClass, args, ReadmeCommands.root().resolve(module));
    }

    /** The class {@code -Dmain=NAME} names: a main in that module's own sources, as tcpip.cli.Run finds it. */
    private static String mainClass(ReadmeCommand c, String module, String name) throws IOException {
        Path sources = ReadmeCommands.root().resolve(module).resolve("src/main/java");
        assertThat(sources).as(c.where() + ": module " + module).isDirectory();
        String file = name.substring(name.lastIndexOf('.') + 1) + ".java";
        try (Stream<Path> all = Files.walk(sources)) {
            List<String> found = all.filter(p -> p.getFileName().toString().equals(file))
                    .map(p -> sources.relativize(p).toString().replace('/', '.').replaceAll("\\.java$", ""))
                    .filter(fqn -> !name.contains(".") || fqn.equals(name))
                    .toList();
            if (found.size() != 1) {
                fail(c.where() + ": -Dmain=" + name + " must name exactly one class of " + module + ", found " + found);
            }
            return found.get(0);
        }
    }

    /** Background servers get port 0 unless an earlier line already started that port. */
    private static int mapPort(int readmePort, Map<Integer, Integer> ports, boolean background) {
        if (ports.containsKey(readmePort)) {
            return ports.get(readmePort);
        }
        return background ? 0 : readmePort;
    }

    private static List<String> mapPorts(List<String> args, Map<Integer, Integer> ports, boolean background) {
        for (int i = 0; i + 1 < args.size(); i++) {
            if (args.get(i).equals("--port") && args.get(i + 1).matches("\\d+")) {
                args.set(i + 1, String.valueOf(mapPort(Integer.parseInt(args.get(i + 1)), ports, background)));
            }
        }
        return args;
    }

    /** A program that met an option it does not have says so: the README line is wrong. */
    static void assertNoUnknownOption(ReadmeCommand c, String output) {
        assertThat(output).as("%s: '%s'", c.where(), c.text()).doesNotContain("unknown option")
                .doesNotContain("unknown argument");
    }
}
