package tcpip.testing.grading;

import java.util.List;
import tcpip.testing.Msg;
import java.util.Optional;

/** An exercise's score and why: decided by the grader from what it saw, never by the graded JVM. */
public record Verdict(Exercise exercise, String status, int earned, Sentence why, List<Check> checks) {

    public static final String PASS = "pass";
    public static final String FAIL = "fail";

    /** An exercise that could not be graded: 0 points, every check as it was. */
    static Verdict zero(Exercise e, String status, Sentence why, List<Check> checks) {
        return new Verdict(e, status, 0, why, checks);
    }

    /** Why, in English: the JSON report's message. */
    public String summary() {
        return why.text(false);
    }

    /** Why, in Korean ({@code true}) or English: the score table's RESULT. */
    public String summary(boolean korean) {
        return why.text(korean);
    }

    static Verdict of(Exercise e, ExerciseRun.Outcome o, int limitSeconds) {
        List<Check> checks = o.checks();
        if (o.filesChanged()) {
            return zero(e, "error", Sentence.of("verdict.changedFiles"), checks);
        }
        if (!o.violations().isEmpty()) {
            String why = o.violations().get(0);
            List<Check> failed = checks.isEmpty()
                    ? List.of(new Check(Msg.get(false, "verdict.answerKeyCheck"), Check.FAILED, why, 1))
                    : checks.stream().map(k -> k.failedBecause(why)).toList();
            return zero(e, FAIL, Sentence.of("verdict.answerKey"), failed);
        }
        return switch (o.ending()) {
            case FORGED -> zero(e, "error", Sentence.of("verdict.forged", o.detail()), checks);
            case ENDED_EARLY -> zero(e, "error", Sentence.of("verdict.endedEarly", o.detail(), checks.size()), checks);
            case NOT_STARTED -> zero(e, "error", Sentence.of("verdict.notStarted", o.detail()), checks);
            case TIMED_OUT -> zero(e, "timeout", Sentence.of("verdict.timedOut", e.name(), limitSeconds), checks);
            case DONE -> scored(e, checks);
        };
    }

    private static Verdict scored(Exercise e, List<Check> checks) {
        if (checks.isEmpty()) {
            return zero(e, "error", Sentence.of("verdict.noCheck"), checks);
        }
        Optional<Check> aborted = checks.stream().filter(k -> k.status().equals(Check.ABORTED)).findFirst();
        if (aborted.isPresent()) {
            return zero(e, "not graded", Sentence.of("verdict.notGradedOs", aborted.get().message()), checks);
        }
        long failed = checks.stream().filter(Check::failed).count();
        long weight = checks.stream().mapToLong(Check::weight).sum();
        long passedWeight = checks.stream().filter(Check::passed).mapToLong(Check::weight).sum();
        int earned = (int) (e.points() * passedWeight / weight);
        return failed == 0
                ? new Verdict(e, PASS, e.points(), Sentence.of("verdict.pass", checks.size()), checks)
                : new Verdict(e, FAIL, earned, Sentence.of("verdict.fail", failed, checks.size()), checks);
    }

    public boolean full() {
        return earned == exercise.points() && status.equals(PASS);
    }
}
