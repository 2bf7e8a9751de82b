package tcpip.cli;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The one way to run any program of the course through Maven: the parent pom's single exec
 * configuration starts this launcher in every module of the build, and only the module whose own
 * classes hold the named main runs it; the others stay silent.
 *
 * <pre>{@code ./mvnw -q -pl chapter01-echo -am compile exec:exec -Dmain=EchoServer -Dargs="--port 7007"}</pre>
 */
public final class Run {

    /** {@code -Dmain} when none was given: list this module's programs. */
    static final String NO_MAIN = "-";

    private static final Messages MSG = Messages.of("tcpip.cli.messages");

    private Run() {
    }

    public static void main(String[] args) throws Throwable {
        if (args.length < 2) {
            System.err.println(MSG.get("run.usage"));
            System.exit(Cli.EXIT_USAGE);
        }
        Path classes = Path.of(args[0]);
        String wanted = args[1];
        String[] rest = Arrays.copyOfRange(args, 2, args.length);
        List<String> mains = mainsIn(classes);
        if (wanted.equals(NO_MAIN)) {
            if (!mains.isEmpty()) {
                System.out.println(MSG.get("run.mains", String.valueOf(classes.getParent().getParent().getFileName()),
                        String.join(", ", mains.stream().map(Run::simpleName).toList())));
            }
            return;
        }
        String found = mains.stream().filter(m -> m.equals(wanted) || simpleName(m).equals(wanted)).findFirst()
                .orElse(null);
        if (found == null) {
            if (!existsAnywhere(classes.toAbsolutePath().getParent().getParent().getParent(), wanted)) {
                System.err.println(MSG.get("run.no.program", wanted,
                        String.join(", ", mains.stream().map(Run::simpleName).toList())));
                System.exit(Cli.EXIT_USAGE);
            }
            return; // another module of this build has it
        }
        Method main = Class.forName(found).getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) rest);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    /** Every public class with a {@code public static void main(String[])} in a classes directory. */
    static List<String> mainsIn(Path classes) throws IOException {
        List<String> mains = new ArrayList<>();
        if (!Files.isDirectory(classes)) {
            return mains;
        }
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class") && !p.toString().contains("$")).sorted()
                    .toList()) {
                String rel = classes.relativize(f).toString();
                String name = rel.substring(0, rel.length() - ".class".length()).replace('/', '.').replace('\\', '.');
                if (hasMain(name) && !name.equals(Run.class.getName())) {
                    mains.add(name);
                }
            }
        }
        return mains;
    }

    private static boolean hasMain(String className) {
        try {
            Class<?> c = Class.forName(className, false, Run.class.getClassLoader());
            Method m = c.getMethod("main", String[].class);
            return Modifier.isPublic(c.getModifiers()) && Modifier.isStatic(m.getModifiers());
        } catch (ReflectiveOperationException | LinkageError e) {
            return false;
        }
    }

    /**
     * Whether any module's sources hold a class of that name. Sources, not classes: a module later
     * in the build has not been compiled yet when an earlier module's launcher runs. Build output and
     * hidden folders are not looked in: they hold no sources, and a build running beside this one
     * creates and removes files there while we look (a file gone meanwhile is skipped, not an error).
     */
    static boolean existsAnywhere(Path root, String wanted) throws IOException {
        String file = simpleName(wanted) + ".java";
        boolean[] found = {false};
        Files.walkFileTree(root, Set.of(), 12, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                String name = dir.equals(root) ? "" : String.valueOf(dir.getFileName());
                return name.equals("target") || name.startsWith(".") ? FileVisitResult.SKIP_SUBTREE
                        : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                String path = f.toString();
                if (f.getFileName().toString().equals(file) && path.contains("/src/") && !path.contains("/src/test/")) {
                    found[0] = true;
                    return FileVisitResult.TERMINATE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path f, IOException e) {
                return FileVisitResult.CONTINUE; // removed while we looked, or not readable: no source of ours there
            }
        });
        return found[0];
    }
}
