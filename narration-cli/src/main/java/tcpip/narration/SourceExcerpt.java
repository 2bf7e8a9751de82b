package tcpip.narration;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tcpip.cli.Messages;

/**
 * The real lines of a lesson's core file, between marker comments {@code // [name]} and
 * {@code // [/name]}, read from the source that the build copies beside the classes. Narration
 * prints these instead of a hand-written copy, so what the learner reads is what runs.
 */
public final class SourceExcerpt {

    private static final Pattern MARK = Pattern.compile("//\\s*\\[(/?)([a-z0-9-]+)]");

    private static final Messages MSG = Messages.of("tcpip.cli.messages");

    private SourceExcerpt() {
    }

    /** The lines between {@code // [marker]} and {@code // [/marker]}, common indentation removed. */
    public static List<String> lines(Class<?> core, String marker) {
        List<String> source = source(core);
        int start = -1;
        int end = -1;
        for (int i = 0; i < source.size(); i++) {
            Matcher m = MARK.matcher(source.get(i));
            if (m.find() && m.group(2).equals(marker)) {
                if (m.group(1).isEmpty() && start < 0) {
                    start = i;
                } else if (!m.group(1).isEmpty() && start >= 0) {
                    end = i;
                    break;
                }
            }
        }
        if (start < 0 || end < 0) {
            throw new IllegalStateException(MSG.get("excerpt.no.marker", core.getSimpleName() + ".java", marker));
        }
        List<String> body = new ArrayList<>();
        for (String line : source.subList(start + 1, end)) {
            if (!MARK.matcher(line).find()) {
                body.add(line);
            }
        }
        int indent = body.stream().filter(l -> !l.isBlank()).mapToInt(SourceExcerpt::indent).min().orElse(0);
        return body.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).toList();
    }

    /** Every marker name opened in a core file, in order, each checked to be closed. */
    public static Set<String> markers(Class<?> core) {
        Set<String> open = new LinkedHashSet<>();
        Set<String> closed = new LinkedHashSet<>();
        for (String line : source(core)) {
            Matcher m = MARK.matcher(line);
            while (m.find()) {
                (m.group(1).isEmpty() ? open : closed).add(m.group(2));
            }
        }
        if (!open.equals(closed)) {
            throw new IllegalStateException(MSG.get("excerpt.unbalanced", core.getSimpleName() + ".java",
                    open.toString(), closed.toString()));
        }
        return open;
    }

    /**
     * The Korean explanation of the excerpt {@code marker}: the line for it in {@code <Core>_ko.properties}
     * beside the core's class (the code and its English comments stay as written), or empty if there is none.
     */
    public static Optional<String> korean(Class<?> core, String marker) {
        Class<?> top = outermost(core);
        String resource = top.getSimpleName() + "_ko.properties";
        try (InputStream in = top.getResourceAsStream(resource)) {
            if (in == null) {
                return Optional.empty();
            }
            Properties notes = new Properties();
            notes.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            return Optional.ofNullable(notes.getProperty(marker));
        } catch (IOException e) {
            throw new IllegalStateException(MSG.get("excerpt.unreadable", resource, String.valueOf(e.getMessage())), e);
        }
    }

    /** The path a learner opens, relative to the module: {@code src/main/java/tcpip/echo/EchoCore.java}. */
    public static String path(Class<?> core) {
        return "src/main/java/" + core.getName().replace('.', '/') + ".java";
    }

    private static Class<?> outermost(Class<?> core) {
        Class<?> top = core;
        while (top.getEnclosingClass() != null) {
            top = top.getEnclosingClass();
        }
        return top;
    }

    private static List<String> source(Class<?> core) {
        Class<?> top = outermost(core);
        String resource = "/" + top.getName().replace('.', '/') + ".java";
        try (InputStream in = top.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(MSG.get("excerpt.no.source", resource));
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new IllegalStateException(MSG.get("excerpt.unreadable", resource, String.valueOf(e.getMessage())), e);
        }
    }

    private static int indent(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        return i;
    }
}
