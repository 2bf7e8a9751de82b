package tcpip.close;

import tcpip.cli.Messages;

/** This chapter's sentences in the current language (tcpip/close/messages*.properties); numbers go in as plain digits. */
public final class CloseMessages {

    private static final Messages BUNDLE = Messages.of("tcpip.close.messages");

    private CloseMessages() {
    }

    /** The sentence for {@code key}, numbers as plain digits ({@link Messages#text}). */
    public static String get(String key, Object... args) {
        return BUNDLE.text(key, args);
    }
}
