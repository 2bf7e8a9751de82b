package tcpip.narration;

/**
 * One narrated step of a demo: a name to select it by ({@code --stage NAME}), the article section
 * it shows, a title, and the code that runs it on loopback and prints through a {@link Narrator}.
 *
 * @param name           short id, lower case with '-', e.g. {@code "handshake"}
 * @param articleSection the article's section title, e.g. {@code "Three way handshake"}
 * @param title          what the stage shows, in a few words
 * @param body           the stage itself; must bind port 0 on loopback and finish on its own
 */
public record Stage(String name, String articleSection, String title, Body body) {

    /** A stage's code. */
    @FunctionalInterface
    public interface Body {
        void run(Narrator narrator) throws Exception;
    }

    public Stage {
        if (!name.matches("[a-z0-9-]+")) {
            throw new IllegalArgumentException("stage name must be lower-case words joined by '-': " + name);
        }
    }
}
