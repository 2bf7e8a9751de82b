package tcpip.net;

import tcpip.kernel.KernelText;

/**
 * The log lines of the accept loop and the deadlines in English or Korean (bundle
 * {@code tcpip/net/messages*.properties}, one key per sentence), in the process's language
 * ({@link KernelText#korean()}). A client's own text is always an argument, escaped by
 * {@link LogSafe} first.
 */
final class LogText {

    private static final String BUNDLE = "tcpip.net.messages";

    private LogText() {
    }

    /** The sentence for {@code key} in the process's language, placeholders filled in. */
    static String get(String key, Object... args) {
        return KernelText.sentence(BUNDLE, key, args);
    }
}
