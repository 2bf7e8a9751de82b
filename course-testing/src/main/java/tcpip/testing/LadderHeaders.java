package tcpip.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ladders a narration drew, read back from its English text: each header's client and server
 * port, and whether any ladder said it guessed which side is the client.
 */
public final class LadderHeaders {

    /** One ladder's header: {@code client 127.0.0.1:40264 |  …  | server 127.0.0.1:41899}. */
    public record Header(String client, int clientPort, String server, int serverPort) {
    }

    /** How every guess about the sides begins (kernel-view's ladder.guess.* sentences). */
    public static final String GUESS = "no SYN in this capture: the ";

    private static final Pattern HEADER = Pattern.compile(
            "^\\s*client (\\S+):(\\d+) [|│] +[|│] server (\\S+):(\\d+)\\s*$");

    private LadderHeaders() {
    }

    /** Every ladder header in {@code narration}, in order. */
    public static List<Header> of(String narration) {
        List<Header> headers = new ArrayList<>();
        for (String line : narration.lines().toList()) {
            Matcher m = HEADER.matcher(line);
            if (m.matches()) {
                headers.add(new Header(m.group(1), Integer.parseInt(m.group(2)), m.group(3),
                        Integer.parseInt(m.group(4))));
            }
        }
        return List.copyOf(headers);
    }

    /** The lines of {@code narration} in which a ladder says it guessed which side is the client. */
    public static List<String> guesses(String narration) {
        return narration.lines().map(String::strip).filter(l -> l.startsWith(GUESS)).toList();
    }
}
