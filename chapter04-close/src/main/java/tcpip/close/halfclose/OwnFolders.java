package tcpip.close.halfclose;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tcpip.close.Msg;

/**
 * OpenSSH's StrictModes for the served folders: a file is sent only if the root and every folder between it and the
 * file can be changed by no one but the server's own user or root. Whoever can write to a folder can rename and unlink
 * the names in it: swap a served name for a FIFO between the server's lstat and its open(2), then rename the FIFO away
 * before the server wakes it, and that open(2) blocks for good (no Java call interrupts it; the JDK has no O_NONBLOCK
 * for files). A folder is refused if it is owned by another user (root excepted), writable by every user, or writable
 * by its group, unless that group is its owner's private group (umask 002: the group's only member is the owner, as
 * /etc/passwd and /etc/group list it). The server's own user and root can still swap names; they could as well stop
 * the server. Folders above the root are not checked.
 */
final class OwnFolders {

    private final Path root;
    private final UserPrincipal self;
    private final UserPrincipal superuser; // null where no user is called root

    /** A folder on the way to a file that users other than the server's own (and root) can change. */
    static final class UnsafeFolderException extends IOException {
        private static final long serialVersionUID = 1L;

        UnsafeFolderException(String message) {
            super(message);
        }
    }

    /** For files under {@code root} (a real path), for the user this process runs as (the owner of /proc/self). */
    OwnFolders(Path root) throws IOException {
        this.root = root;
        UserPrincipalLookupService users = FileSystems.getDefault().getUserPrincipalLookupService();
        Path proc = Path.of("/proc/self"); // Linux: owned by the process's effective user
        this.self = Files.exists(proc) ? Files.getOwner(proc)
                : users.lookupPrincipalByName(System.getProperty("user.name"));
        UserPrincipal r;
        try {
            r = users.lookupPrincipalByName("root");
        } catch (IOException e) {
            r = null;
        }
        this.superuser = r;
    }

    /** At start: the root itself, by lstat; a root others can change would get every request refused. */
    void checkRoot() throws IOException {
        PosixFileAttributes a;
        try {
            a = Files.readAttributes(root, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException e) {
            return; // no owners and modes on this file system (Windows): nothing to check
        }
        String why = othersCanWrite(a);
        if (why != null) {
            throw new UnsafeFolderException(Msg.get("OwnFolders.unsafeRoot", root, why));
        }
    }

    /** Why users other than ours (and root) can change a folder with these attributes; null if they cannot. */
    String othersCanWrite(PosixFileAttributes a) {
        Set<PosixFilePermission> mode = a.permissions();
        String text = PosixFilePermissions.toString(mode);
        if (!a.owner().equals(self) && !a.owner().equals(superuser)) {
            return Msg.get("OwnFolders.ownedBy", a.owner().getName(), text);
        }
        if (mode.contains(PosixFilePermission.OTHERS_WRITE)) {
            return Msg.get("OwnFolders.otherWritable", text);
        }
        if (mode.contains(PosixFilePermission.GROUP_WRITE) && !privateGroup(a.group(), a.owner())) {
            return Msg.get("OwnFolders.groupWritable", a.group().getName(), text);
        }
        return null;
    }

    /** Whether {@code owner} is the only member of {@code group}: the only user with it as primary group, no other. */
    static boolean privateGroup(GroupPrincipal group, UserPrincipal owner) {
        try {
            String gid = null;
            for (String line : Files.readAllLines(Path.of("/etc/group"))) { // name:password:gid:member,member
                String[] f = line.split(":", -1);
                if (f.length >= 4 && f[0].equals(group.getName())) {
                    gid = f[2];
                    if (!f[3].isEmpty() && !f[3].equals(owner.getName())) {
                        return false; // another user is listed as a member
                    }
                }
            }
            int members = 0;
            for (String line : Files.readAllLines(Path.of("/etc/passwd"))) { // name:password:uid:gid:...
                String[] f = line.split(":", -1);
                if (gid != null && f.length >= 4 && f[3].equals(gid)) {
                    if (!f[0].equals(owner.getName())) {
                        return false; // another user has it as primary group
                    }
                    members++;
                }
            }
            return members == 1;
        } catch (IOException | RuntimeException e) {
            return false; // cannot tell: not private
        }
    }

    /**
     * Opens {@code file} (a real path under the root: no link in it when ServedFiles checked it) one folder at a time
     * from "/", each with openat(2) and O_NOFOLLOW relative to the folder before it: a folder swapped for a symbolic
     * link after the check (a link out of the root) fails with ELOOP instead of being followed (a plain open(2) follows
     * links in every folder of a path; its O_NOFOLLOW guards the last name only). Each folder from the root down is
     * checked through its own descriptor (fstat) before the next name is opened in it, so the rule applies to the very
     * folders the open goes through, and the file is never opened in a folder others can change. Without
     * SecureDirectoryStream (no openat): the folders by lstat, then open(2).
     */
    FileChannel open(Path file) throws IOException {
        if (!file.startsWith(root) || file.equals(root)) {
            throw new IOException("not a file under the root: " + file);
        }
        Path top = file.toAbsolutePath().getRoot();
        try (DirectoryStream<Path> slash = Files.newDirectoryStream(top)) {
            if (!(slash instanceof SecureDirectoryStream<Path> at)) {
                for (Path dir = file.getParent(); dir != null && dir.startsWith(root); dir = dir.getParent()) {
                    check(dir, Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
                }
                return FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
            }
            List<SecureDirectoryStream<Path>> opened = new ArrayList<>();
            try {
                for (int i = 0; i < file.getNameCount(); i++) {
                    PosixFileAttributeView folder = at.getFileAttributeView(PosixFileAttributeView.class);
                    if (i >= root.getNameCount() && folder != null) { // the root or a folder under it: fstat(2) its fd
                        check(i == 0 ? top : top.resolve(file.subpath(0, i)), folder.readAttributes());
                    }
                    if (i == file.getNameCount() - 1) {
                        break;
                    }
                    at = at.newDirectoryStream(file.getName(i), LinkOption.NOFOLLOW_LINKS); // openat(O_NOFOLLOW)
                    opened.add(at);
                }
                SeekableByteChannel c = at.newByteChannel(file.getFileName(),
                        Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
                if (c instanceof FileChannel f) {
                    return f;
                }
                c.close();
                throw new IOException("no file channel for " + file.getFileName());
            } finally {
                for (SecureDirectoryStream<Path> d : opened) {
                    try {
                        d.close();
                    } catch (IOException ignored) {
                        // a folder's descriptor: nothing was written through it
                    }
                }
            }
        }
    }

    private void check(Path folder, PosixFileAttributes a) throws UnsafeFolderException {
        String why = othersCanWrite(a);
        if (why != null) {
            throw new UnsafeFolderException(Msg.get("OwnFolders.unsafe", folder, why));
        }
    }
}
