package tcpip.close;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tcpip.narration.Narrator;
import tcpip.narration.Stage;
import tcpip.narration.Stages;
import tcpip.kernel.SocketTable;
import tcpip.testing.LadderHeaders;

/** The narrated demo runs every stage on its own and tells what the kernel did. */
@Timeout(60)
class CloseDemoTest {

    @Test
    void everyStageRunsAndShowsItsPoint() throws Exception {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Stages.run(CloseDemo.stages(), new Narrator(new PrintStream(buf, true, StandardCharsets.UTF_8)), false);
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(out)
                .contains("FIN_WAIT2").contains("CLOSE_WAIT").contains("TIME_WAIT")
                .contains("says: Thank you")
                .contains("Connection reset")
                .contains("close() returned after")
                .contains("write #2 threw SocketException: Broken pipe")
                .contains("SO_REUSEADDR false: BindException: Address already in use")
                .contains("1 transfer(s) ended with FIN, 0 reset")
                .as("the demo prints the real lines of the cores it runs")
                .contains("code    | OrderlyCloseCore.java [close-first]")
                .contains("socket.close(); // close(): FIN after any unsent data")
                .contains("code    | HalfCloseCore.java [half-close]").contains("socket.shutdownOutput();")
                .as("an orphaned FIN_WAIT2 row's timer is labelled tcp_fin_timeout, not TIME_WAIT")
                .doesNotContainPattern("FIN_WAIT2 .*timer=TIME_WAIT\\(");
        if (out.contains("packet  |")) { // tcpdump ran: the close's shape is computed from the capture
            assertThat(out).contains("this close took 4 segments: the ACK of the first FIN went alone")
                    .containsPattern("this close took [34] segments")
                    .contains("= seq + 1 (matches: the FIN takes one sequence number)")
                    .contains("(matches: an abortive close)").contains("(matches: shutdown's FIN, then close(2)")
                    .doesNotContain("does NOT match");
            assertThat(LadderHeaders.guesses(out)).as("every stage knows its client: no ladder guesses").isEmpty();
            // The server closes first and no SYN is in that capture: the server's FIN comes first, yet the
            // ladder's client is the client's port (the FIN_WAIT2 row's remote end), never the server's.
            String serverFirst = out.substring(out.indexOf("(the server closes first")).split("\n=== ", 2)[0];
            Matcher finWait2 = Pattern.compile(":(\\d+)\\s+-> \\S+:(\\d+)\\s+FIN_WAIT2").matcher(serverFirst);
            assertThat(finWait2.find()).as("the server's FIN_WAIT2 row\n%s", serverFirst).isTrue();
            int server = Integer.parseInt(finWait2.group(1));
            int client = Integer.parseInt(finWait2.group(2));
            assertThat(LadderHeaders.of(serverFirst)).as("the server-closes-first ladder\n%s", serverFirst)
                    .singleElement().satisfies(h -> {
                        assertThat(h.clientPort()).isEqualTo(client);
                        assertThat(h.serverPort()).isEqualTo(server);
                    });
        }
        assertThat(CloseDemo.stages()).extracting(Stage::name).doesNotHaveDuplicates().hasSize(9);
    }
}
