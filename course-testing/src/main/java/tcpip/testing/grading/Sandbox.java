package tcpip.testing.grading;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Where a graded test JVM runs. On Linux, where {@code unshare} may make namespaces (root, or a normal user where
 * unprivileged user namespaces are allowed), each graded test JVM gets a network namespace of its own (its own
 * loopback, where the graded tests' sockets live apart from everyone else's), a private PID namespace (every process it
 * starts dies with it: no shutdown hook, thread or background process outlives the exercise, and it cannot see or
 * signal the grader) and a private mount namespace in which the course checkout and the Maven repository are hidden
 * under empty directories (no reference solution, no grader's file, no build output on disk for it) and every file
 * system but the exercise's own folder is read-only (the JDK, the grader's copy of the class path, other users'
 * files, sysctls), with no capability left that could undo that. Everywhere, a file it writes is cut at
 * {@link #MAX_FILE_BLOCKS} blocks of 512 bytes. Without namespaces the graded code runs with the grader's rights.
 */
final class Sandbox {

    /** Largest file a graded test JVM may write: 64 MiB (ulimit -f, 512-byte blocks). */
    static final int MAX_FILE_BLOCKS = 128 * 1024;
    /** The folder of the exercise's work folder that the graded JVM may write (its home, its temporary folder). */
    static final String FILES = "files";
    /** All the bytes a graded test JVM may keep in its folder (with namespaces: a tmpfs of this size, in memory). */
    static final String MAX_FILES_SIZE = "128m";
    /** All the files and folders it may keep there. */
    static final int MAX_FILES = 16_384;

    private final boolean namespaces;
    private final boolean root;
    private final String whyNot;

    private Sandbox(boolean namespaces, boolean root, String whyNot) {
        this.namespaces = namespaces;
        this.root = root;
        this.whyNot = whyNot;
    }

    /** Finds out once whether this machine lets the grader make the namespaces. */
    static Sandbox probe() {
        boolean root = isRoot();
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            return new Sandbox(false, root, "not Linux");
        }
        List<String> command = new ArrayList<>(unshare(root));
        command.addAll(List.of("sh", "-c", "ip link set lo up && (mount -t tmpfs homework-probe /mnt 2>/dev/null"
                + " || mount -t tmpfs homework-probe /tmp)"));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Sandbox(false, root, "unshare did not answer");
            }
            return p.exitValue() == 0 ? new Sandbox(true, root, "")
                    : new Sandbox(false, root, "unshare: " + out.lines().findFirst().orElse("exit " + p.exitValue()));
        } catch (IOException e) {
            return new Sandbox(false, root, "no unshare (util-linux)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Sandbox(false, root, "interrupted");
        }
    }

    private static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private static List<String> unshare(boolean root) {
        List<String> c = new ArrayList<>(List.of("unshare"));
        if (!root) {
            c.addAll(List.of("--user", "--map-current-user", "--keep-caps"));
        }
        c.addAll(List.of("--mount", "--propagation", "private", "--pid", "--fork", "--kill-child", "--mount-proc", "--net"));
        return c;
    }

    /** Whether graded test JVMs get their own PID and mount namespaces here. */
    boolean isolates() {
        return namespaces;
    }

    /** Why they do not ("" if they do). */
    String whyNot() {
        return whyNot;
    }

    /**
     * The command that runs {@code java} in {@code work}, with {@code hidden} directories covered by empty ones and the
     * temporary folders private: only the {@code keep} paths (the class path snapshot, the JDK) and {@code work} show
     * in them.
     */
    List<String> wrap(List<String> java, Path work, List<Path> hidden, List<Path> keep) {
        StringBuilder script = new StringBuilder("set -e\n");
        List<String> command = new ArrayList<>();
        if (namespaces) {
            script.append("ip link set lo up\n"); // its own loopback: the graded tests' sockets, ports and captures
            for (Path h : hidden) {
                if (Files.isDirectory(h)) {
                    script.append("mount -n -t tmpfs -o size=64k,mode=0755 homework-hidden ").append(quote(h)).append('\n');
                }
            }
            privateTemporaryFolders(script, work, keep);
            // Its only writable folder: a tmpfs of a fixed size, from which nothing can be executed (no copied
            // launcher, no shared library of its own), where it cannot fill the disk or another exercise's room.
            Path files = work.resolve(FILES);
            script.append("mount -n -t tmpfs -o size=").append(MAX_FILES_SIZE).append(",nr_inodes=").append(MAX_FILES)
                    .append(",mode=0755,noexec,nosuid,nodev homework-files ").append(quote(files)).append('\n');
            script.append("mkdir ").append(quote(files.resolve("tmp"))).append('\n');
            // Every file system read-only but that folder (the work folder too: its results socket still connects;
            // /dev too: its device files still work; /proc/sys too: no sysctl changes).
            script.append("mount -n --bind /proc/sys /proc/sys\n");
            script.append("for mp in $(awk '{print $5}' /proc/self/mountinfo); do\n")
                    .append("  case \"$mp\" in ").append(quote(files)).append("|/proc|/dev/pts) ;;\n")
                    .append("    *) mount -n -o remount,bind,ro \"$mp\" 2>/dev/null || true ;;\n")
                    .append("  esac\n")
                    .append("done\n");
        }
        script.append("ulimit -f ").append(MAX_FILE_BLOCKS).append('\n');
        script.append("cd ").append(quote(work.resolve(FILES))).append("\nunset OLDPWD\n"); // no trace of where the grader runs
        if (namespaces) {
            // Root keeps only what tcpdump needs (capture on this namespace's lo, hand its file to its own
            // user and drop to it); nobody keeps CAP_SYS_ADMIN, so the mounts above cannot be undone.
            String caps = root ? ",+net_raw,+net_admin,+setuid,+setgid,+chown" : "";
            script.append("exec setpriv --inh-caps=-all --ambient-caps=-all --bounding-set=-all").append(caps)
                    .append(" --no-new-privs -- \"$@\"\n");
            command.addAll(unshare(root));
        } else {
            script.append("exec \"$@\"\n");
        }
        command.addAll(List.of("sh", "-c", script.toString(), "graded-jvm"));
        command.addAll(java);
        return command;
    }

    /** Folders where other programs keep their sockets and other runs their files: empty in a graded test JVM. */
    private static final List<Path> TEMPORARY = List.of(Path.of("/tmp"), Path.of("/var/tmp"), Path.of("/dev/shm"),
            Path.of("/run"));

    /**
     * Covers the temporary folders (and the one {@code work} lies in) with empty file systems, in which only
     * {@code work} and {@code keep} show, each where it was. A Unix socket is reached by its path, whatever the network
     * namespace: without this, graded code could connect to another exercise's results channel before its runner did,
     * or to a JVM's attach socket ({@code /tmp/.java_pid...}) and have that JVM write outside the sandbox. Each cover is
     * built on a folder of {@code work} while everything is still in view, then moved over its temporary folder
     * (every mount here is {@code mount -n}: libmount's table of mounts is in /run, covered by then, and stays empty).
     */
    private static void privateTemporaryFolders(StringBuilder script, Path work, List<Path> keep) {
        List<Path> shown = new ArrayList<>();
        for (Path p : concat(List.of(work), keep)) {
            real(p).ifPresent(shown::add);
        }
        List<Path> covers = new ArrayList<>();
        Path runs = work.toAbsolutePath().getParent(); // java.io.tmpdir: covered too unless it is as high as /usr
        for (Path t : concat(TEMPORARY, runs.getNameCount() >= 2 ? List.of(runs) : List.of())) {
            real(t).filter(r -> !Files.isSymbolicLink(t) && Files.isDirectory(r))
                    .filter(r -> covers.stream().noneMatch(r::startsWith) && shown.stream().noneMatch(r::startsWith))
                    .ifPresent(covers::add);
        }
        Path workDir = real(work).orElse(work.toAbsolutePath());
        for (int i = 0; i < covers.size(); i++) {
            Path cover = covers.get(i);
            Path stage = workDir.resolve(".private-" + i);
            script.append("mkdir -p ").append(quote(stage)).append('\n')
                    .append("mount -n -t tmpfs -o size=64k,mode=0755 homework-private ").append(quote(stage)).append('\n');
            for (Path k : shown) {
                if (k.startsWith(cover) && !k.equals(cover)) {
                    Path at = stage.resolve(cover.relativize(k));
                    script.append("mkdir -p ").append(quote(at)).append('\n')
                            .append("mount -n --bind ").append(quote(k)).append(' ').append(quote(at)).append('\n');
                }
            }
            script.append("mount -n --move ").append(quote(stage)).append(' ').append(quote(cover)).append('\n');
        }
    }

    private static Optional<Path> real(Path p) {
        try {
            return Optional.of(p.toRealPath());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static List<Path> concat(List<Path> a, List<Path> b) {
        List<Path> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static String quote(Path p) {
        return "'" + p.toAbsolutePath().toString().replace("'", "'\\''") + "'";
    }
}
