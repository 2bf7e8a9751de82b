package tcpip.testing.grading;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** The score table a person reads and the JSON report (GitHub Classroom's autograding shape) a program reads. */
final class Report {

    /** At most this many failed-check lines per exercise in the table. */
    static final int MAX_FAILURE_LINES = 18;
    static final String FORMAT = "%-22s %-24s %3d/%-3d %s%n";

    private Report() {
    }

    static String header() {
        return String.format("%-22s %-24s %-7s %s%n", "MODULE", "EXERCISE", "POINTS", "RESULT");
    }

    /** An exercise's line and one line per failed check. */
    static String lines(Verdict v) {
        StringBuilder b = new StringBuilder(String.format(FORMAT, v.exercise().module(), v.exercise().name(),
                v.earned(), v.exercise().points(), v.summary()));
        List<Check> failed = v.checks().stream().filter(Check::failed).toList();
        for (int i = 0; i < failed.size() && i < MAX_FAILURE_LINES; i++) {
            b.append("      x ").append(failed.get(i).name()).append(": ").append(failed.get(i).message()).append('\n');
        }
        if (failed.size() > MAX_FAILURE_LINES) {
            b.append("      ... and ").append(failed.size() - MAX_FAILURE_LINES).append(" more failed checks\n");
        }
        return b.toString();
    }

    static String total(int earned, int possible) {
        return String.format("%-47s %3d/%-3d%n", "TOTAL", earned, possible);
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
