package tcpip.segmentation;

import tcpip.kernel.Bundle;

/**
 * This module's sentences (bundle {@code tcpip/segmentation/messages*.properties}) in the process's language:
 * {@code Msg.get(key, args)}, the one way every module looks up its sentences.
 */
public final class Msg {

    /** The chapter's one bundle. */
    public static final String BUNDLE = "tcpip.segmentation.messages";
    private static final Bundle SENTENCES = Bundle.of(BUNDLE);

    private Msg() {
    }

    /** The sentence {@code key} in the process's language, every argument put in as plain data. */
    public static String get(String key, Object... args) {
        return SENTENCES.get(key, args);
    }
}
