package tcpip.echo;

import tcpip.kernel.Bundle;

/** This chapter's sentences (bundle {@code tcpip/echo/messages*.properties}) in the process's language. */
public final class Msg {

    /** The chapter's one bundle. */
    public static final String BUNDLE = "tcpip.echo.messages";
    private static final Bundle SENTENCES = Bundle.of(BUNDLE);

    private Msg() {
    }

    /** The sentence {@code key}, every argument put in as plain data. */
    public static String get(String key, Object... args) {
        return SENTENCES.get(key, args);
    }
}
