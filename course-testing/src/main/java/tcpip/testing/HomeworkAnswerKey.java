package tcpip.testing;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.AssertionFailedError;
import java.net.URISyntaxException;

/**
 * For graded homework tests: every check of an exercise fails when the answer calls course code that already does
 * the exercise (its answer key, e.g. {@code tcpip.kernel.SocketTable} for "read /proc/net/tcp yourself").
 *
 * <p>The handout must ship kernel-view and the chapters' programs (the graded tests and the demos use them), so the
 * rule is enforced on the answer instead: the compiled answer class and every class compiled with it that it uses
 * (nested classes, helpers of the student's) are read, and a reference to a forbidden package or class in their constant pools (class
 * references, signatures, string constants for reflection) fails each graded test with the reason. By default the
 * chapter's own package (the homework package's parent, e.g. {@code tcpip.close}) is forbidden: an exercise never
 * needs the chapter's programs. Register it in the graded test:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final HomeworkAnswerKey ANSWER_KEY = HomeworkAnswerKey.of(SocketInode.class)
 *         .forbid("tcpip.kernel", "read /proc/net/tcp* and /proc/self/fd yourself");
 * }</pre>
 */
public final class HomeworkAnswerKey implements BeforeEachCallback {

    /** Constant-pool tags (JVMS 4.4) and the size of their bodies in bytes; Utf8 and Class are read. */
    private static final int UTF8 = 1;
    private static final int CLASS = 7;
    private static final int LONG = 5;
    private static final int DOUBLE = 6;
    /** Classes read at most per answer: an answer is a handful of classes. */
    private static final int MAX_CLASSES = 200;

    /** A forbidden package or class (internal form, "tcpip/kernel") and why it is the answer key. */
    private record Rule(String prefix, String why) {
    }

    private final Class<?> answer;
    private final String ownPackage;
    private final List<Rule> rules;
    private final Set<String> programs;
    private volatile Optional<String> verdict;

    private HomeworkAnswerKey(Class<?> answer, List<Rule> rules, Set<String> programs) {
        this.answer = answer;
        this.ownPackage = answer.getPackageName().replace('.', '/') + "/";
        this.rules = List.copyOf(rules);
        this.programs = Set.copyOf(programs);
    }

    /** The answer class of an exercise; the chapter's own package (the homework package's parent) is forbidden. */
    public static HomeworkAnswerKey of(Class<?> answer) {
        String pkg = answer.getPackageName();
        int dot = pkg.lastIndexOf('.');
        List<Rule> rules = new ArrayList<>();
        if (dot > 0) {
            rules.add(new Rule(pkg.substring(0, dot).replace('.', '/'), "the chapter's own programs are not part of an"
                    + " answer; write the socket calls yourself"));
        }
        return new HomeworkAnswerKey(answer, rules, Set.of());
    }

    /** Also forbids a package ({@code "tcpip.kernel"}) or a class ({@code "tcpip.kernel.SsInfo"}), saying why. */
    public HomeworkAnswerKey forbid(String packageOrClass, String why) {
        List<Rule> more = new ArrayList<>(rules);
        more.add(new Rule(packageOrClass.replace('.', '/'), why));
        return new HomeworkAnswerKey(answer, more, programs);
    }

    /**
     * Lets the answer start these programs (by name, e.g. {@code "ss"}, or by their path in /usr/bin, /usr/sbin, /bin,
     * /sbin). In a graded test JVM an answer may start no other program: another JVM would run the course's code
     * where no watch sees it.
     */
    public HomeworkAnswerKey mayRun(String... names) {
        Set<String> more = new TreeSet<>(programs);
        more.addAll(List.of(names));
        return new HomeworkAnswerKey(answer, rules, more);
    }

    /** The programs the answer may start (none unless {@link #mayRun} says so). */
    public Set<String> programs() {
        return programs;
    }

    /** A key with the same answer and rules that nothing else holds (the graded test's own field can be changed by reflection). */
    public HomeworkAnswerKey copy() {
        return new HomeworkAnswerKey(answer, rules, programs);
    }

    /** The forbidden packages and classes, dotted. */
    public List<String> forbidden() {
        return rules.stream().map(r -> r.prefix().replace('/', '.')).toList();
    }

    /**
     * The answer-key message if the exercise may not use the class {@code className} (dotted, e.g.
     * "tcpip.kernel.SocketTable"), asked for at run time: the graded test JVM's class loaders and guards refuse it
     * however the answer reaches for it (see {@code tcpip.testing.grading.AnswerLoader}).
     */
    public Optional<String> refusal(String className) {
        return forbiddenIn(className).map(hit -> answer.getSimpleName() + " uses " + hit);
    }

    /** The answer class this key guards. */
    public Class<?> answer() {
        return answer;
    }

    /** Why the answer breaks the rule ("SocketInode uses tcpip.kernel.SocketTable: ..."), or empty. */
    public Optional<String> violation() {
        Optional<String> v = verdict;
        if (v == null) {
            v = scan();
            verdict = v;
        }
        return v;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        violation().ifPresent(v -> {
            AssertionFailedError failure = new AssertionFailedError(v);
            failure.setStackTrace(new StackTraceElement[0]);
            throw failure;
        });
    }

    private Optional<String> scan() {
        Deque<String> todo = new ArrayDeque<>(List.of(answer.getName().replace('.', '/')));
        Set<String> seen = new HashSet<>();
        while (!todo.isEmpty() && seen.size() < MAX_CLASSES) {
            String name = todo.pop();
            if (!seen.add(name)) {
                continue;
            }
            byte[] bytes = classBytes(name);
            if (bytes == null) {
                continue; // not compiled from the answer's sources (e.g. a JDK class)
            }
            ConstantPool pool;
            try {
                pool = ConstantPool.read(bytes);
            } catch (IOException e) {
                return Optional.of("cannot read the compiled " + name + ": " + e.getMessage());
            }
            for (String text : pool.texts()) {
                Optional<String> hit = forbiddenIn(text);
                if (hit.isPresent()) {
                    return Optional.of(simple(name) + " uses " + hit.get());
                }
            }
            for (String used : pool.classes()) {
                if (!seen.contains(used) && !used.startsWith("java/") && !used.startsWith("[")) {
                    todo.push(used); // read if it was compiled with the answer (its package, or a helper package of the student's)
                }
            }
        }
        return Optional.empty();
    }

    /** The first forbidden name in one constant ("Ltcpip/kernel/SocketRow;", "tcpip.kernel.SsInfo"), with the rule's reason. */
    private Optional<String> forbiddenIn(String text) {
        for (Rule rule : rules) {
            for (String form : List.of(rule.prefix(), rule.prefix().replace('/', '.'))) {
                for (int at = text.indexOf(form); at >= 0; at = text.indexOf(form, at + 1)) {
                    int end = at + form.length();
                    if (end < text.length() && Character.isJavaIdentifierPart(text.charAt(end)) && text.charAt(end) != '$') {
                        continue; // "tcpip/kernelX" is another name
                    }
                    while (end < text.length() && (Character.isJavaIdentifierPart(text.charAt(end))
                            || text.charAt(end) == '/' || text.charAt(end) == '.')) {
                        end++;
                    }
                    String name = text.substring(at, end).replace('.', '/');
                    if (!name.startsWith(ownPackage)) {
                        String shown = name.replace('/', '.').replaceFirst("\\$.*", "").replaceFirst("\\.$", "");
                        return Optional.of(shown + ": " + rule.why() + " (the course's " + shown
                                + " is the answer key; it may not be used in this exercise)");
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static String simple(String internalName) {
        return internalName.substring(internalName.lastIndexOf('/') + 1);
    }

    /** The class file of {@code internalName} from where the answer was loaded (a fixture's folder, target/classes). */
    private byte[] classBytes(String internalName) {
        String file = internalName + ".class";
        try {
            CodeSource source = answer.getProtectionDomain().getCodeSource();
            if (source != null && source.getLocation() != null && "file".equals(source.getLocation().getProtocol())) {
                Path root = Path.of(source.getLocation().toURI());
                if (Files.isDirectory(root)) {
                    Path p = root.resolve(file);
                    return Files.isRegularFile(p) ? Files.readAllBytes(p) : null;
                }
                try (InputStream in = new URL("jar:" + source.getLocation() + "!/" + file).openStream()) {
                    return in.readAllBytes();
                }
            }
            ClassLoader loader = answer.getClassLoader();
            try (InputStream in = loader == null ? null : loader.getResourceAsStream(file)) {
                return in == null ? null : in.readAllBytes();
            }
        } catch (IOException | URISyntaxException e) {
            return null;
        }
    }

    /** The two things read from a class file's constant pool: every text constant and every class name. */
    private record ConstantPool(List<String> texts, List<String> classes) {

        static ConstantPool read(byte[] classFile) throws IOException {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
            if (in.readInt() != 0xCAFEBABE) {
                throw new IOException("not a class file");
            }
            in.readUnsignedShort(); // minor version
            in.readUnsignedShort(); // major version
            int count = in.readUnsignedShort();
            String[] utf8 = new String[count];
            List<Integer> classNameIndices = new ArrayList<>();
            for (int i = 1; i < count; i++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case UTF8 -> utf8[i] = in.readUTF();
                    case CLASS -> classNameIndices.add(in.readUnsignedShort());
                    case LONG, DOUBLE -> {
                        in.skipNBytes(8);
                        i++; // takes two slots
                    }
                    case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4); // int, float, refs, name-and-type, dynamic
                    case 15 -> in.skipNBytes(3); // method handle
                    case 8, 16, 19, 20 -> in.skipNBytes(2); // string, method type, module, package
                    default -> throw new IOException("unknown constant-pool tag " + tag);
                }
            }
            List<String> texts = new ArrayList<>();
            for (String s : utf8) {
                if (s != null) {
                    texts.add(s);
                }
            }
            List<String> classes = new ArrayList<>();
            for (int index : classNameIndices) {
                if (index > 0 && index < count && utf8[index] != null) {
                    classes.add(utf8[index]);
                }
            }
            return new ConstantPool(texts, classes);
        }
    }
}
