package tcpip.tour;

import tcpip.kernel.Bundle;

/**
 * This module's sentences (bundle {@code tcpip/tour/messages*.properties}) in the process's language:
 * {@code Msg.get(key, args)}, the one way every module looks up its sentences.
 */
public final class Msg {

    /** The module's one bundle. */
    public static final String BUNDLE = "tcpip.tour.messages";
    private static final Bundle SENTENCES = Bundle.of(BUNDLE);

    private Msg() {
    }

    /** The sentence {@code key} in the process's language, every argument put in as plain data. */
    public static String get(String key, Object... args) {
        return SENTENCES.get(key, args);
    }
}
