package tcpip.testing.grading;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectUniqueId;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import tcpip.testing.Weight;

/** Runs graded test classes with the JUnit Platform and hands each finished check to a consumer as it ends. */
final class JUnitRun {

    /** The same limits the build gives every test (the parent pom's surefire settings). */
    static final Map<String, String> SETTINGS = Map.of(
            "junit.jupiter.execution.timeout.mode", "enabled",
            "junit.jupiter.execution.timeout.default", "60 s",
            "junit.jupiter.execution.timeout.thread.mode.default", "SEPARATE_THREAD",
            "junit.jupiter.extensions.autodetection.enabled", "false");
    static final int MAX_MESSAGE = 400;
    static final int MAX_NAME = 200;

    private JUnitRun() {
    }

    /** A launcher that registers no listener, filter or session found on the class path: only ours. */
    static Launcher launcher() {
        return LauncherFactory.create(LauncherConfig.builder()
                .enableTestExecutionListenerAutoRegistration(false)
                .enableLauncherSessionListenerAutoRegistration(false)
                .enableLauncherDiscoveryListenerAutoRegistration(false)
                .enablePostDiscoveryFilterAutoRegistration(false)
                .build());
    }

    /**
     * Runs {@code testClass}; each check's result goes to {@code into}, its name prefixed with {@code prefix}. With
     * {@code stopAtFirstFailure} the class's direct children run one at a time and the run ends at the first failure.
     */
    static void run(Launcher launcher, Class<?> testClass, String prefix, boolean stopAtFirstFailure, Consumer<Check> into) {
        boolean[] failed = new boolean[1];
        TestExecutionListener listener = new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (id.isTest()) {
                    Check c = check(id, result, prefix);
                    failed[0] |= c.failed();
                    into.accept(c);
                }
            }

            @Override
            public void executionSkipped(TestIdentifier id, String reason) {
                if (id.isTest()) {
                    into.accept(new Check(prefix + name(id), Check.ABORTED, cut(reason, MAX_MESSAGE), weight(id)));
                }
            }
        };
        LauncherDiscoveryRequest whole = request(selectClass(testClass));
        if (!stopAtFirstFailure) {
            launcher.execute(whole, listener);
            return;
        }
        TestPlan plan = launcher.discover(whole);
        List<String> units = new ArrayList<>();
        for (TestIdentifier engine : plan.getRoots()) {
            for (TestIdentifier container : plan.getChildren(engine)) {
                for (TestIdentifier unit : plan.getChildren(container)) {
                    units.add(unit.getUniqueId());
                }
            }
        }
        for (String unit : units) {
            launcher.execute(request(selectUniqueId(unit)), listener);
            if (failed[0]) {
                return; // one failure is the proof
            }
        }
    }

    private static LauncherDiscoveryRequest request(DiscoverySelector selector) {
        return LauncherDiscoveryRequestBuilder.request().selectors(selector).configurationParameters(SETTINGS).build();
    }

    private static Check check(TestIdentifier id, TestExecutionResult result, String prefix) {
        String status = switch (result.getStatus()) {
            case SUCCESSFUL -> Check.PASSED;
            case ABORTED -> Check.ABORTED;
            case FAILED -> Check.FAILED;
        };
        Optional<Throwable> thrown = result.getThrowable();
        String message = thrown.map(t -> status.equals(Check.ABORTED)
                ? String.valueOf(t.getMessage()).replaceFirst("^Assumption failed: ", "") : oneLine(t)).orElse("");
        return new Check(prefix + name(id), status, cut(message, MAX_MESSAGE), weight(id));
    }

    private static String name(TestIdentifier id) {
        String name = id.getDisplayName();
        return cut(name.endsWith("()") ? name.substring(0, name.length() - 2) : name, MAX_NAME);
    }

    /** The check's {@link Weight}, 1 if it has none (a dynamic test, a method without the annotation). */
    private static int weight(TestIdentifier id) {
        if (id.getSource().orElse(null) instanceof MethodSource source) {
            try {
                Method m = source.getJavaMethod();
                Weight w = m.getAnnotation(Weight.class);
                return w == null ? 1 : Math.max(1, w.value());
            } catch (RuntimeException e) {
                return 1;
            }
        }
        return 1;
    }

    /** A failure as one line: expected vs. what happened, whitespace folded. */
    static String oneLine(Throwable t) {
        String m = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
        if (!(t instanceof AssertionError) && !m.startsWith("Not done yet")) {
            m = t.getClass().getSimpleName() + ": " + m;
        }
        return m.replaceAll("\\s+", " ").trim();
    }

    static String cut(String s, int max) {
        return s.length() > max ? s.substring(0, max) + " ..." : s;
    }
}
