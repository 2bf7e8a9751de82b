package tcpip.testing.grading;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import tcpip.testing.Msg;

/** The score table a person reads and the JSON report (GitHub Classroom's autograding shape) a program reads. */
final class Report {

    /** At most this many failed-check lines per exercise in the table. */
    static final int MAX_FAILURE_LINES = 18;
    /** Display columns of the MODULE and EXERCISE columns (a Hangul syllable takes two). */
    static final int MODULE_COLUMNS = 22;
    static final int EXERCISE_COLUMNS = 24;
    /** "earned/possible": {@code %3d/%-3d}. */
    static final int POINTS_COLUMNS = 7;

    private Report() {
    }

    static String header(boolean korean) {
        return row(Msg.get(korean, "report.module"), Msg.get(korean, "report.exercise"),
                Msg.get(korean, "report.points"), Msg.get(korean, "report.result"));
    }

    /** An exercise's line and one line per failed check; text from a graded JVM was cleaned when it arrived. */
    static String lines(Verdict v, boolean korean) {
        StringBuilder b = new StringBuilder(row(v.exercise().module(), v.exercise().name(),
                String.format("%3d/%-3d", v.earned(), v.exercise().points()), Text.clean(v.summary(korean), 300)));
        List<Check> failed = v.checks().stream().filter(Check::failed).toList();
        for (int i = 0; i < failed.size() && i < MAX_FAILURE_LINES; i++) {
            b.append("      x ").append(failed.get(i).name()).append(": ")
                    .append(Msg.translate(korean, "todo.hint", failed.get(i).message())).append('\n');
        }
        if (failed.size() > MAX_FAILURE_LINES) {
            b.append("      ").append(Msg.get(korean, "report.more", failed.size() - MAX_FAILURE_LINES)).append('\n');
        }
        return b.toString();
    }

    static String total(int earned, int possible, boolean korean) {
        return Msg.padRight(Msg.get(korean, "report.total"), MODULE_COLUMNS + 1 + EXERCISE_COLUMNS)
                + String.format(" %3d/%-3d%n", earned, possible);
    }

    private static String row(String module, String exercise, String points, String result) {
        return Msg.padRight(module, MODULE_COLUMNS) + " " + Msg.padRight(exercise, EXERCISE_COLUMNS) + " "
                + Msg.padRight(points, POINTS_COLUMNS) + " " + result + System.lineSeparator();
    }

    /** Writes the JSON report to {@code file} (through a new file, then renamed over it). */
    static void json(Path file, List<Verdict> verdicts) throws IOException {
        int earned = verdicts.stream().mapToInt(Verdict::earned).sum();
        int possible = verdicts.stream().mapToInt(v -> v.exercise().points()).sum();
        boolean pass = possible > 0 && verdicts.stream().allMatch(Verdict::full);
        StringBuilder j = new StringBuilder("{\"version\":1,\"status\":\"").append(pass ? "pass" : "fail")
                .append("\",\"score\":").append(earned).append(",\"max_score\":").append(possible).append(",\"tests\":[");
        for (int i = 0; i < verdicts.size(); i++) {
            Verdict v = verdicts.get(i);
            j.append(i == 0 ? "\n  " : ",\n  ").append("{\"name\":").append(quote(v.exercise().id()))
                    .append(",\"status\":").append(quote(v.status())).append(",\"score\":").append(v.earned())
                    .append(",\"max_score\":").append(v.exercise().points()).append(",\"message\":")
                    .append(quote(v.summary())).append(",\"checks\":[");
            for (int k = 0; k < v.checks().size(); k++) {
                Check c = v.checks().get(k);
                j.append(k == 0 ? "" : ",").append("{\"name\":").append(quote(c.name())).append(",\"status\":")
                        .append(quote(c.status())).append(",\"message\":").append(quote(c.message())).append('}');
            }
            j.append("]}");
        }
        j.append("]}\n");
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path fresh = Files.createTempFile(dir, ".homework-grade", ".json");
        Files.writeString(fresh, j, StandardCharsets.UTF_8);
        Files.move(fresh, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
