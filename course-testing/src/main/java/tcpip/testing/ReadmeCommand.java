package tcpip.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One command line written in a README's {@code ```bash} fence.
 *
 * @param readme     the README it is written in
 * @param lineNumber its line in that README
 * @param fence      which fence of that README (commands of one fence run together)
 * @param text       the command as written, without a trailing comment
 * @param manual     written in a {@code ```bash manual} fence: needs root, optional tools or minutes;
 *                   only its flags are checked
 * @param background marked {@code # runs until Ctrl-C}: started in the background, stopped at fence end
 */
public record ReadmeCommand(Path readme, int lineNumber, int fence, String text, boolean manual, boolean background) {

    public static final String BACKGROUND_MARK = "# runs until Ctrl-C";

    /** Where a failure message points: {@code chapter01-echo/README.md:42}. */
    public String where() {
        return readme + ":" + lineNumber;
    }

    /** Every command of a README, in order. */
    public static List<ReadmeCommand> parse(Path readme, List<String> lines) {
        List<ReadmeCommand> out = new ArrayList<>();
        boolean inBash = false;
        boolean manual = false;
        int fence = 0;
        for (int i = 0; i < lines.size(); i++) {
            String t = lines.get(i).trim();
            if (t.startsWith("```")) {
                String info = t.substring(3).trim();
                if (!inBash && (info.equals("bash") || info.startsWith("bash ") || info.equals("sh"))) {
                    inBash = true;
                    manual = info.contains("manual");
                    fence++;
                } else {
                    inBash = false;
                }
                continue;
            }
            if (!inBash || t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            boolean background = t.contains(BACKGROUND_MARK);
            int hash = t.indexOf(" #");
            String command = hash >= 0 ? t.substring(0, hash).trim() : t;
            if (manual && command.startsWith("sudo ")) {
                command = command.substring("sudo ".length()).trim(); // root-only line: its flags are still checked
            }
            out.add(new ReadmeCommand(readme, i + 1, fence, command, manual, background));
        }
        return out;
    }

    /** Splits a command line into words the way a shell would for our simple commands (quotes only). */
    public static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    w.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(w.toString());
                    w.setLength(0);
                    inWord = false;
                }
            } else {
                w.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(w.toString());
        }
        return words;
    }
}
