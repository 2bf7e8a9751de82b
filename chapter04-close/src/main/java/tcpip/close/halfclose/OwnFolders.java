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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import tcpip.close.Msg;

/**
 * OpenSSH's StrictModes for the served folders: a file is sent only if the root and every folder between it and the
 * file can be changed by no one but the server's own user or root. Whoever can write to a folder can rename and unlink
 * the names in it: swap a served name for a FIFO between the server's lstat and its open(2), then rename the FIFO away
 * before the server wakes it, and that open(2) blocks for good (no Java call interrupts it; the JDK has no O_NONBLOCK
 * for files). A folder is refused if it is owned by another user (root excepted), writable by every user, or writable
 * by its group, unless that group is its owner's private group (umask 002), decided by GID: the owner's primary group,
 * no other user's, and no /etc/group line with that GID (aliases made with {@code groupadd -o} included) lists another
 * member. The server's own user and root can still swap names; they could as well stop the server. Folders above the
 * root are not checked.
 * <p>
 * A limit: POSIX ACLs are not seen. The JDK reads no ACL on Linux (no AclFileAttributeView; its user-defined
 * attributes are the {@code user.*} ones, not {@code system.posix_acl_access}). A folder with an ACL shows the ACL's
 * mask as its group bits, so {@code setfacl -m u:other:rwx} on a folder of the owner's private group looks like
 * {@code drwxrwxr-x} of that private group, and passes, while the other user can write to it. A folder without group
 * write cannot be written through an ACL entry (the mask bounds every named entry). So: serve no folder shared with
 * another user through an ACL, or remove its group write ({@code chmod g-w}, which lowers the mask).
 */
final class OwnFolders {

    /** Where the system lists its users and groups (the test gives its own). */
    static final Path PASSWD = Path.of("/etc/passwd");
    static final Path GROUP = Path.of("/etc/group");

    private final Path root;
    private final Path passwd;
    private final Path group;
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
        this(root, PASSWD, GROUP);
    }

    /** The same, with the users and groups listed in {@code passwd} and {@code group} (the test's own files). */
    OwnFolders(Path root, Path passwd, Path group) throws IOException {
        this.root = root;
        this.passwd = passwd;
        this.group = group;
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
        if (mode.contains(PosixFilePermission.GROUP_WRITE) && !privateGroup(a.group(), a.owner(), passwd, group)) {
            return Msg.get("OwnFolders.groupWritable", a.group().getName(), text);
        }
        return null;
    }

    /** Whether {@code owner} is the only member of {@code group}, as /etc/passwd and /etc/group list them. */
    static boolean privateGroup(GroupPrincipal group, UserPrincipal owner) {
        return privateGroup(group, owner, PASSWD, GROUP);
    }

    /**
     * The same, by GID (a name is only one of a group's names: {@code groupadd -o} adds another with the same GID):
     * the group's GID is the owner's primary group, no other user has it as primary group, and no line of
     * {@code groupFile} with that GID (aliases included) lists a member other than the owner. Users are told apart
     * by UID. Anything unclear (a name not in the files, two GIDs for one name) is not private.
     */
    static boolean privateGroup(GroupPrincipal group, UserPrincipal owner, Path passwdFile, Path groupFile) {
        try {
            List<String[]> groups = fields(groupFile); // name:password:gid:member,member
            List<String[]> users = fields(passwdFile); // name:password:uid:gid:...
            Set<String> gids = new HashSet<>();
            for (String[] g : groups) {
                if (g[0].equals(group.getName())) {
                    gids.add(g[2]);
                }
            }
            if (gids.isEmpty() && group.getName().matches("[0-9]+")) {
                gids.add(group.getName()); // a GID without a name
            }
            String uid = uidOf(owner.getName(), users);
            if (gids.size() != 1 || uid == null) {
                return false;
            }
            String gid = gids.iterator().next();
            boolean ownersPrimary = false;
            for (String[] u : users) {
                if (u[3].equals(gid)) {
                    if (!u[2].equals(uid)) {
                        return false; // another user has it as primary group
                    }
                    ownersPrimary = true;
                }
            }
            for (String[] g : groups) {
                if (g[2].equals(gid) && !g[3].isEmpty()) {
                    for (String member : g[3].split(",")) {
                        if (!member.isEmpty() && !uid.equals(uidOf(member, users))) {
                            return false; // another user is listed as a member, under one of its names
                        }
                    }
                }
            }
            return ownersPrimary;
        } catch (IOException | RuntimeException e) {
            return false; // cannot tell: not private
        }
    }

    /** The lines of a colon-separated system file, each with at least four fields. */
    private static List<String[]> fields(Path file) throws IOException {
        List<String[]> lines = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            String[] f = line.split(":", -1);
            if (f.length >= 4 && !line.startsWith("#")) {
                lines.add(f);
            }
        }
        return lines;
    }

    /** The UID of the user called {@code name}; null if no line or lines with different UIDs name it. */
    private static String uidOf(String name, List<String[]> users) {
        String uid = null;
        for (String[] u : users) {
            if (u[0].equals(name)) {
                if (uid != null && !uid.equals(u[2])) {
                    return null;
                }
                uid = u[2];
            }
        }
        return uid;
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
