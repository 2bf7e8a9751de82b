package tcpip.lifecycle;

import tcpip.cli.Messages;

/** This chapter's sentences (bundle {@code tcpip.lifecycle.messages}), with numbers printed as plain data. */
public final class LifecycleMessages {

    private static final Messages BUNDLE = Messages.of("tcpip.lifecycle.messages");

    private LifecycleMessages() {
    }

    /** The sentence {@code key} in the current language, numbers as plain data ({@link Messages#text}). */
    public static String msg(String key, Object... args) {
        return BUNDLE.text(key, args);
    }
}
