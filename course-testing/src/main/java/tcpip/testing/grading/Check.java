package tcpip.testing.grading;

/** One graded check's result: passed, failed or aborted (a check this OS cannot run), and its weight. */
public record Check(String name, String status, String message, int weight) {

    public static final String PASSED = "passed";
    public static final String FAILED = "failed";
    public static final String ABORTED = "aborted";

    public boolean failed() {
        return status.equals(FAILED);
    }

    public boolean passed() {
        return status.equals(PASSED);
    }

    /** The same check failed with {@code why} instead (the answer-key rule, a forged report). */
    Check failedBecause(String why) {
        return new Check(name, FAILED, why, weight);
    }
}
