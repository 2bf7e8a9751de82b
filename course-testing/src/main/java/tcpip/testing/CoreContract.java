package tcpip.testing;

import static org.assertj.core.api.Assertions.assertThat;


import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one home of the core-file rules ("what you read is what runs"), for every chapter's tests:
 * <ul>
 *   <li>{@link #assertCoreFile}: a lesson core's {@code // [marker]} … {@code // [/marker]} pairs all
 *       exist and balance, each holds code, there is no main, and the file is at most
 *       {@link #MAX_CORE_LINES} lines without package, imports and blank lines;</li>
 *   <li>{@link #assertEveryCoreMethodRuns}: every public static method of the core is called on a code
 *       path that starts at a program's {@code main} (read from the bytecode: the calls, lambdas and
 *       method references of every reachable method of the course's own classes), so the lines the
 *       narration quotes are the lines the programs a learner runs execute;</li>
 *   <li>{@link #assertQuotedMarkersExist}: every {@code .code(Core.class, "marker")} a narrating class
 *       makes names a marker pair of a listed core.</li>
 * </ul>
 * Sources are read from the classpath (the build copies {@code src/main/java/**}{@code /*.java}
 * beside the classes).
 */
public final class CoreContract {

    /** A core is read top to bottom on one screen: at most this many lines without package, imports and blanks. */
    public static final int MAX_CORE_LINES = 60;

    private static final Pattern MARK = Pattern.compile("//\\s*\\[(/?)([a-z0-9-]+)]");
    private static final Pattern CODE_CALL = Pattern.compile("\\.code\\((\\w+)\\.class,\\s*\"([a-z0-9-]+)\"\\)");
    /** Classes whose bytecode is followed: the course's own. */
    private static final String COURSE_PACKAGE = "tcpip/";

    private CoreContract() {
    }

    /** Markers balanced and holding code, no main, at most {@link #MAX_CORE_LINES} counted lines. */
    public static void assertCoreFile(Class<?> core) {
        String source = source(core);
        assertThat(problems(source)).as("core file %s", path(core)).isEmpty();
        assertThat(countedLines(source)).as("lines of %s without package, imports and blank lines", path(core))
                .isLessThanOrEqualTo(MAX_CORE_LINES);
    }

    /** What is wrong with a core's source (empty: nothing): unbalanced, empty or missing markers, a main. */
    public static List<String> problems(String source) {
        List<String> problems = new ArrayList<>();
        Map<String, Integer> opened = new HashMap<>();
        Set<String> closed = new HashSet<>();
        List<String> lines = source.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = MARK.matcher(lines.get(i));
            while (m.find()) {
                String name = m.group(2);
                if (m.group(1).isEmpty()) {
                    if (opened.putIfAbsent(name, i) != null) {
                        problems.add("[" + name + "] opened twice");
                    }
                } else if (!opened.containsKey(name) || closed.contains(name)) {
                    problems.add("[/" + name + "] without an open [" + name + "] before it");
                } else {
                    closed.add(name);
                    boolean code = lines.subList(opened.get(name) + 1, i).stream()
                            .anyMatch(l -> !l.isBlank() && !l.strip().startsWith("//"));
                    if (!code) {
                        problems.add("[" + name + "] holds no code");
                    }
                }
            }
        }
        opened.keySet().stream().filter(n -> !closed.contains(n)).sorted()
                .forEach(n -> problems.add("[" + n + "] is never closed"));
        if (opened.isEmpty()) {
            problems.add("no // [marker] pair: the narration cannot quote this core");
        }
        if (source.contains("void main(")) {
            problems.add("a core has no main: programs call it");
        }
        return problems;
    }

    /** Lines that are not blank, not the package line and not imports. */
    public static long countedLines(String source) {
        return source.lines().filter(l -> !l.isBlank()).filter(l -> !l.startsWith("package "))
                .filter(l -> !l.startsWith("import ")).count();
    }

    /** Every {@code .code(Core.class, "marker")} in the narrating classes' sources names a marker of a listed core. */
    public static void assertQuotedMarkersExist(Collection<Class<?>> narrating, Collection<Class<?>> cores) {
        int quoted = 0;
        for (Class<?> n : narrating) {
            Matcher m = CODE_CALL.matcher(source(n));
            while (m.find()) {
                quoted++;
                String coreName = m.group(1);
                Class<?> core = cores.stream().filter(c -> c.getSimpleName().equals(coreName)).findFirst()
                        .orElseThrow(() -> new AssertionError(n.getSimpleName() + " quotes " + coreName
                                + ", which is not one of the cores " + cores.stream().map(Class::getSimpleName).toList()));
                assertThat(markers(source(core))).as("%s quotes %s [%s]", n.getSimpleName(), coreName, m.group(2))
                        .contains(m.group(2));
            }
        }
        assertThat(quoted).as("quotes of core lines in %s", narrating.stream().map(Class::getSimpleName).toList())
                .isPositive();
    }

    /** The marker names a source opens, in order. */
    public static Set<String> markers(String source) {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = MARK.matcher(source);
        while (m.find()) {
            if (m.group(1).isEmpty()) {
                names.add(m.group(2));
            }
        }
        return names;
    }

    /**
     * Every public static method of {@code core} is reached from the {@code main} of at least one of
     * {@code programs}: the programs a learner runs run the lesson's own lines.
     */
    public static void assertEveryCoreMethodRuns(Class<?> core, Class<?>... programs) {
        Set<String> reached = new HashSet<>();
        for (Class<?> program : programs) {
            reached.addAll(reachableFromMain(program));
        }
        String owner = internalName(core);
        List<String> missing = new ArrayList<>();
        for (Method m : core.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers()) && !m.isSynthetic()) {
                String id = owner + "." + m.getName() + MethodType.methodType(m.getReturnType(), m.getParameterTypes())
                        .toMethodDescriptorString();
                if (!reached.contains(id)) {
                    missing.add(m.getName());
                }
            }
        }
        assertThat(missing).as("methods of %s that no program a learner runs calls (programs: %s): the narration would "
                + "quote lines that do not run", core.getSimpleName(),
                List.of(programs).stream().map(Class::getSimpleName).toList()).isEmpty();
    }

    /**
     * Methods ({@code owner.name(descriptor)}, internal names) reachable from {@code program.main}: every
     * invoke instruction, and every method handle a lambda or method reference is made of, in the
     * course's classes; a class whose constructor is reached counts with all its instance methods
     * (anything may call them through an interface), and with its static initialiser.
     */
    public static Set<String> reachableFromMain(Class<?> program) {
        Set<String> reached = new LinkedHashSet<>();
        Deque<String> work = new ArrayDeque<>();
        work.add(internalName(program) + ".main([Ljava/lang/String;)V");
        Map<String, ClassFileCalls> files = new HashMap<>();
        while (!work.isEmpty()) {
            String id = work.poll();
            if (!reached.add(id)) {
                continue;
            }
            int dot = id.indexOf('.');
            String owner = id.substring(0, dot);
            if (!owner.startsWith(COURSE_PACKAGE)) {
                continue;
            }
            ClassFileCalls cf = files.computeIfAbsent(owner, ClassFileCalls::read);
            if (cf == null) {
                continue;
            }
            String member = id.substring(dot + 1);
            work.add(owner + ".<clinit>()V");
            if (member.startsWith("<init>")) {
                cf.methods().keySet().stream().filter(k -> !k.startsWith("<")).forEach(k -> work.add(owner + "." + k));
            }
            List<String> calls = cf.methods().get(member);
            if (calls == null && cf.superName() != null) {
                work.add(cf.superName() + "." + member); // inherited
            } else if (calls != null) {
                work.addAll(calls);
            }
        }
        return reached;
    }

    private static String internalName(Class<?> c) {
        return c.getName().replace('.', '/');
    }

    private static String path(Class<?> c) {
        return "src/main/java/" + internalName(c) + ".java";
    }

    /** The source the build copied beside the class (the top-level class's file). */
    public static String source(Class<?> type) {
        Class<?> top = type;
        while (top.getEnclosingClass() != null) {
            top = top.getEnclosingClass();
        }
        try (InputStream in = top.getResourceAsStream("/" + internalName(top) + ".java")) {
            assertThat(in).as("source of %s on the classpath", top.getSimpleName()).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
