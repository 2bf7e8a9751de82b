package tcpip.close.halfclose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tcpip.net.AcceptLoop;

/**
 * Files are served only from folders no other user can change (OpenSSH's StrictModes). Whoever can write to a folder
 * can swap a served name for a FIFO between the server's lstat and its open(2) and rename the FIFO away before the
 * server wakes it: that open(2) then blocks for good (a red team, with write access to the served folder, had 384
 * opener threads stuck after ~4 minutes, and every later request was "server busy"). Here the precondition itself is
 * refused: a file in a folder others can write to gets a plain ERROR line, and a root others can write to does not
 * start. @TempDir is 0700 and ours; folders made with the default umask 022 are 0755: both are served.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OwnFoldersTest {

    private static final String REFUSED = "ERROR sub/a.txt is not sent: a folder on its path can be changed by other users";

    @TempDir
    Path root;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private HalfCloseFileServer server;
    private int port;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theTempDirIsOursAndWritableByUsAlone() throws IOException {
        PosixFileAttributes a = Files.readAttributes(root, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        assertThat(PosixFilePermissions.toString(a.permissions())).isEqualTo("rwx------");
        assertThat(a.owner()).isEqualTo(Files.getOwner(Path.of("/proc/self")));
    }

    @Test
    void aFileInAFolderEveryUserCanWriteToIsRefusedWithAPlainReply() throws Exception {
        Path sub = folder("sub", "rwxrwxrwx");
        Files.writeString(sub.resolve("a.txt"), "hello");
        Files.writeString(root.resolve("top.txt"), "top");
        start();
        assertThat(download("sub/a.txt")).isEqualTo(REFUSED);
        assertThat(log()).contains("refused").contains(sub.toRealPath().toString()).contains("writable by every user");
        assertThat(download("top.txt")).as("the root is ours alone: its own files are served").isEqualTo("OK 3");
    }

    @Test
    void aFileUnderAFolderItsGroupCanWriteToIsRefusedUnlessTheGroupIsTheOwnersAlone() throws Exception {
        Path sub = folder("sub", "rwxrwxr-x");
        Path deeper = Files.createDirectory(sub.resolve("deeper"));
        Files.writeString(deeper.resolve("b.txt"), "hello");
        GroupPrincipal shared = sharedGroup(sub);
        assumeTrue(shared != null, "no group we may give the folder that has other members or is not ours alone");
        Files.getFileAttributeView(sub, PosixFileAttributeView.class).setGroup(shared);
        start();
        assertThat(download("sub/deeper/b.txt")).isEqualTo("ERROR sub/deeper/b.txt is not sent: a folder on its path "
                + "can be changed by other users");
        assertThat(log()).contains("writable by group " + shared.getName());
    }

    @Test
    void aFolderWritableByItsOwnersPrivateGroupIsServed() throws Exception {
        Path sub = folder("sub", "rwxrwxr-x"); // umask 002 (a user-private group, as on Ubuntu and Fedora)
        PosixFileAttributes a = Files.readAttributes(sub, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        assumeTrue(OwnFolders.privateGroup(a.group(), a.owner()), "our group has other members here");
        Files.writeString(sub.resolve("a.txt"), "hello");
        start();
        assertThat(download("sub/a.txt")).isEqualTo("OK 5");
    }

    /**
     * A group is private by its GID, not its name: {@code groupadd -o -g <gid> alias} adds a second name for the
     * owner's group, and a member of that alias can write to every folder the owner's group can (a red team made
     * the name-only check pass that way). The system's files are the test's own, so no root is needed.
     */
    @Test
    void aPrivateGroupIsDecidedByItsGidAliasesAndPrimaryGroupsIncluded() throws Exception {
        Path sub = folder("sub", "rwxrwxr-x");
        PosixFileAttributes a = Files.readAttributes(sub, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String owner = a.owner().getName();
        String group = a.group().getName();
        Path etc = Files.createDirectory(root.resolve("etc"));
        Path passwdFile = etc.resolve("passwd");
        Path groupFile = etc.resolve("group");
        String ownerLine = owner + ":x:1000:1000::/home/" + owner + ":/bin/bash";
        String otherLine = "other:x:1001:1001::/home/other:/bin/bash";
        OwnFolders folders = new OwnFolders(root.toRealPath(), passwdFile, groupFile);

        Files.write(passwdFile, List.of(ownerLine, otherLine));
        Files.write(groupFile, List.of(group + ":x:1000:", "other:x:1001:"));
        assertThat(folders.othersCanWrite(a)).as("the owner's private group").isNull();

        for (List<String> shared : List.of(
                List.of(group + ":x:1000:", "other:x:1001:", "alias:x:1000:other"), // groupadd -o; gpasswd -a other
                List.of("alias:x:1000:other", group + ":x:1000:", "other:x:1001:"), // the alias listed first
                List.of(group + ":x:1000:" + owner + ",other", "other:x:1001:"))) { // a member beside the owner
            Files.write(groupFile, shared);
            assertThat(folders.othersCanWrite(a)).as("group lines %s", shared).contains("writable by group " + group);
        }
        Files.write(groupFile, List.of(group + ":x:1000:", "other:x:1001:"));
        Files.write(passwdFile, List.of(ownerLine, "other:x:1001:1000::/home/other:/bin/bash"));
        assertThat(folders.othersCanWrite(a)).as("another user's primary group").contains("writable by group " + group);
        Files.write(passwdFile, List.of(ownerLine, otherLine));
        Files.write(groupFile, List.of(group + ":x:1000:", "other:x:1001:", "alias:x:1000:" + owner));
        assertThat(folders.othersCanWrite(a)).as("an alias whose only member is the owner").isNull();
    }

    @Test
    void aFolderOfAnotherUserIsRefused() throws Exception {
        Path sub = folder("sub", "rwxr-xr-x");
        Files.writeString(sub.resolve("a.txt"), "hello");
        UserPrincipalLookupService users = FileSystems.getDefault().getUserPrincipalLookupService();
        try {
            Files.setOwner(sub, users.lookupPrincipalByName("nobody"));
        } catch (IOException e) {
            assumeTrue(false, "cannot give a folder to another user here (not root): " + e);
        }
        start();
        assertThat(download("sub/a.txt")).isEqualTo(REFUSED);
        assertThat(log()).contains("owned by another user, nobody");
    }

    @Test
    void aFolderOnly0755IsServed() throws Exception {
        Path sub = folder("sub", "rwxr-xr-x");
        Files.writeString(sub.resolve("a.txt"), "hello");
        start();
        assertThat(download("sub/a.txt")).isEqualTo("OK 5");
    }

    @Test
    void aRootEveryUserCanWriteToDoesNotStart() throws Exception {
        Path served = folder("served", "rwxrwxrwx");
        assertThatThrownBy(() -> new HalfCloseFileServer(served, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                Duration.ofSeconds(5), new PrintStream(log, true, StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("will not serve " + served.toRealPath())
                .hasMessageContaining("writable by every user")
                .hasMessageContaining("chmod go-w");
    }

    // ---- helpers ----

    private Path folder(String name, String mode) throws IOException {
        Path dir = Files.createDirectory(root.resolve(name));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode)); // not the umask: exactly this
        return dir;
    }

    /** A group we may give {@code dir} (root may give any) that is not its owner's private group, or null. */
    private static GroupPrincipal sharedGroup(Path dir) throws IOException {
        PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        UserPrincipalLookupService users = FileSystems.getDefault().getUserPrincipalLookupService();
        Path etcGroup = Path.of("/etc/group");
        List<String> names = Files.isReadable(etcGroup) ? Files.readAllLines(etcGroup).stream()
                .map(l -> l.split(":", -1)[0]).filter(n -> !n.isEmpty()).limit(200).toList() : List.of();
        PosixFileAttributeView view =
                Files.getFileAttributeView(dir, PosixFileAttributeView.class);
        for (String name : names) {
            try {
                GroupPrincipal g = users.lookupPrincipalByGroupName(name);
                if (g.equals(a.group()) || OwnFolders.privateGroup(g, a.owner())) {
                    continue;
                }
                view.setGroup(g); // chgrp: only to a group we are in, unless we are root
                view.setGroup(a.group());
                return g;
            } catch (IOException e) {
                // not ours to give: try the next
            }
        }
        return null;
    }

    private void start() throws IOException {
        server = new HalfCloseFileServer(root, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new AcceptLoop.Limits(4, Duration.ofSeconds(10)), Duration.ofSeconds(10),
                new PrintStream(log, true, StandardCharsets.UTF_8)).requestTimeout(Duration.ofSeconds(20));
        port = server.start();
    }

    /** The first line the server answers to a request for {@code name}. */
    private String download(String name) throws IOException {
        try (Socket s = new Socket()) {
            s.setSoTimeout(10_000);
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
            s.getOutputStream().write((name + "\n").getBytes(StandardCharsets.UTF_8));
            InputStream in = s.getInputStream();
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int c, n = 0; n < 4096 && (c = in.read()) != -1 && c != '\n'; n++) {
                line.write(c);
            }
            s.shutdownOutput();
            return line.toString(StandardCharsets.UTF_8);
        }
    }

    private String log() {
        return log.toString(StandardCharsets.UTF_8);
    }
}
