package tcpip.close.halfclose;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import tcpip.close.Msg;

/** Maps the file name a client asked for to a regular file under the server's root, refusing every escape. */
public final class ServedFiles {

    private final Path root;

    /**
     * A file the server will not send; the message is the one line the client is told, the detail what
     * the server's log says (it may name the server's own paths, which the client is never shown).
     */
    public static final class RefusedException extends Exception {
        private static final long serialVersionUID = 1L;
        private final String detail;

        public RefusedException(String message) {
            this(message, message);
        }

        public RefusedException(String message, String detail) {
            super(message);
            this.detail = detail;
        }

        /** The reason for the server's log. */
        public String detail() {
            return detail;
        }
    }

    /** Serves files under {@code root}; the root itself is resolved once, links included. */
    public ServedFiles(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new NoSuchFileException(Msg.get("ServedFiles.noRoot", root.toAbsolutePath()));
        }
        this.root = root.toRealPath();
    }

    public Path root() {
        return root;
    }

    /**
     * The real path of {@code name} under the root.
     *
     * @throws RefusedException for an empty or absolute name, a {@code ..} step, a link that leads
     *                          out of the root, a missing file or anything but a regular file
     */
    public Path resolve(String name) throws RefusedException {
        if (name.isEmpty()) {
            throw new RefusedException(Msg.get("ServedFiles.empty"));
        }
        Path asked;
        try {
            asked = Path.of(name);
        } catch (InvalidPathException e) {
            // The JDK's reason ("Nul character not allowed") is for the log: the client gets our own sentence.
            throw new RefusedException(Msg.get("ServedFiles.invalid"), Msg.get("ServedFiles.invalidDetail", e.getReason()));
        }
        if (asked.isAbsolute() || name.startsWith("/") || name.startsWith("\\")) {
            throw new RefusedException(Msg.get("ServedFiles.absolute"));
        }
        for (Path step : asked) {
            if (step.toString().equals("..")) {
                throw new RefusedException(Msg.get("ServedFiles.parent"));
            }
        }
        Path real;
        try {
            real = root.resolve(asked).toRealPath(); // follows every symbolic link to where it really leads
        } catch (NoSuchFileException e) {
            throw new RefusedException(Msg.get("ServedFiles.missing", name));
        } catch (IOException e) {
            // The exception's text names the server's real path: the log has it, the client a plain reason.
            throw new RefusedException(Msg.get("ServedFiles.cannotOpenReply", name),
                    Msg.get("ServedFiles.cannotOpen", name, e.getMessage()));
        }
        if (!real.startsWith(root)) {
            throw new RefusedException(Msg.get("ServedFiles.linkOutside", name));
        }
        if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
            throw new RefusedException(Msg.get("ServedFiles.notRegular", name));
        }
        return real;
    }
}
