package tcpip.segmentation;

import tcpip.cli.Messages;

/** This chapter's sentences (bundle {@code tcpip/segmentation/messages*.properties}) in the language in force. */
public final class Msg {

    /** The chapter's one bundle. */
    public static final String BUNDLE = "tcpip.segmentation.messages";
    private static final Messages MESSAGES = Messages.of(BUNDLE);

    private Msg() {
    }

    /** The sentence {@code key}, every argument as {@code String.valueOf(arg)} ({@link Messages#text}). */
    public static String get(String key, Object... args) {
        return MESSAGES.text(key, args);
    }
}
