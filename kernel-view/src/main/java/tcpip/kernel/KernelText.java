package tcpip.kernel;

/**
 * The kernel view's sentences (bundle {@code tcpip/kernel/messages*.properties}) in the process's
 * language, through {@link Bundle}. Data (states, numbers, packets) is never looked up here.
 */
public final class KernelText {

    /** The system property that names the language of the whole process: {@code en} or {@code ko}. */
    public static final String LANGUAGE_PROPERTY = Bundle.LANGUAGE_PROPERTY;
    private static final Bundle BUNDLE = Bundle.of("tcpip.kernel.messages");

    private KernelText() {
    }

    /** True if sentences are Korean now. */
    public static boolean korean() {
        return Bundle.korean();
    }

    /** The sentence for {@code key} in the current language with its {@code {n}} placeholders filled in. */
    public static String get(String key, Object... args) {
        return BUNDLE.get(key, args);
    }

    /** The sentence for {@code key} in Korean ({@code true}) or English; English if Korean lacks it. */
    public static String get(boolean korean, String key, Object... args) {
        return BUNDLE.get(korean, key, args);
    }

    /**
     * The sentence for {@code key} of bundle {@code bundle} (e.g. {@code "tcpip.net.messages"}) in the
     * process's language: for modules below narration-cli that have sentences of their own.
     */
    public static String sentence(String bundle, String key, Object... args) {
        return Bundle.of(bundle).get(key, args);
    }
}
