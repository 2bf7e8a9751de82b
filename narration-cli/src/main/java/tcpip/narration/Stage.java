package tcpip.narration;

import java.util.List;

/**
 * One narrated step of a demo: a name to select it by ({@code --stage NAME}), the article sections
 * it shows, a title, and the code that runs it on loopback and prints through a {@link Narrator}.
 *
 * @param name           short id, lower case with '-', e.g. {@code "handshake"}
 * @param articleSection the header's citation of the article: its sections' titles
 *                       ({@link ArticleSection#titles}), e.g. {@code "Three way handshake"}
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

    /** A stage that shows one article section. */
    public Stage(String name, ArticleSection section, String title, Body body) {
        this(name, section.title(), title, body);
    }

    /** A stage that shows two article sections at once (chapter 1 runs the whole cycle in a few stages). */
    public Stage(String name, ArticleSection first, ArticleSection second, String title, Body body) {
        this(name, ArticleSection.titles(List.of(first, second)), title, body);
    }

    /** The same stage under another name (the tour prefixes each chapter's: "ch2-handshake"). */
    public Stage renamed(String newName) {
        return new Stage(newName, articleSection, title, body);
    }
}
