package tcpip.testing.grading;

import java.util.List;

/** An exercise's score and why: decided by the grader from what it saw, never by the graded JVM. */
public record Verdict(Exercise exercise, String status, int earned, String summary, List<Check> checks) {

    public static final String PASS = "pass";
    public static final String FAIL = "fail";

    /** An exercise that could not be graded: 0 points, every check as it was. */
    static Verdict zero(Exercise e, String status, String summary, List<Check> checks) {
        return new Verdict(e, status, 0, summary, checks);
    }

    static Verdict of(Exercise e, ExerciseRun.Outcome o, int limitSeconds) {
        List<Check> checks = o.checks();
        if (o.filesChanged()) {
            return zero(e, "error", "the exercise changed the grader's files (its copy of the class path) while it ran",
                    checks);
        }
        if (!o.violations().isEmpty()) {
            String why = o.violations().get(0);
            List<Check> failed = checks.isEmpty() ? List.of(new Check("the answer-key rule", Check.FAILED, why, 1))
                    : checks.stream().map(k -> k.failedBecause(why)).toList();
            return zero(e, FAIL, "breaks the answer-key rule: every check fails", failed);
        }
        return switch (o.ending()) {
            case FORGED -> zero(e, "error", "something other than the grader's runner wrote on its results channel ("
                    + o.detail() + "): no check counts", checks);
            case ENDED_EARLY -> zero(e, "error", "the exercise ended the JVM (System.exit/halt) before its checks were"
                    + " done (" + o.detail() + "); " + checks.size() + " checks had finished", checks);
            case NOT_STARTED -> zero(e, "error", "its graded test JVM did not start: " + o.detail(), checks);
            case TIMED_OUT -> zero(e, "timeout", e.name() + " timed out after " + limitSeconds + " s", checks);
            case DONE -> scored(e, checks);
        };
    }

    private static Verdict scored(Exercise e, List<Check> checks) {
        if (checks.isEmpty()) {
            return zero(e, "error", "no graded check ran", checks);
        }
        java.util.Optional<Check> aborted = checks.stream().filter(k -> k.status().equals(Check.ABORTED)).findFirst();
        if (aborted.isPresent()) {
            return zero(e, "not graded", "not graded on this OS: " + aborted.get().message(), checks);
        }
        long failed = checks.stream().filter(Check::failed).count();
        long weight = checks.stream().mapToLong(Check::weight).sum();
        long passedWeight = checks.stream().filter(Check::passed).mapToLong(Check::weight).sum();
        int earned = (int) (e.points() * passedWeight / weight);
        return failed == 0
                ? new Verdict(e, PASS, e.points(), "all " + checks.size() + " checks pass", checks)
                : new Verdict(e, FAIL, earned, failed + " of " + checks.size() + " checks fail", checks);
    }

    public boolean full() {
        return earned == exercise.points() && status.equals(PASS);
    }
}
