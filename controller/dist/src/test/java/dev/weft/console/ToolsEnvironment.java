package dev.weft.console;

import dev.weft.ovs.OvsEnvironment;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Decides {@link RequiresTools}: run, skip with the reason, or (when required) fail with it. */
public final class ToolsEnvironment implements ExecutionCondition, BeforeEachCallback {
    static final String REQUIRE_PROPERTY = "weft.requireTools";

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<RequiresTools> a = context.getElement()
                .flatMap(e -> AnnotationSupport.findAnnotation(e, RequiresTools.class));
        if (a.isEmpty()) {
            return ConditionEvaluationResult.enabled("no tools needed");
        }
        List<String> missing = missing(a.get().value());
        if (missing.isEmpty()) {
            return ConditionEvaluationResult.enabled("tools available");
        }
        String why = "not installed: " + String.join(", ", missing) + " (Debian: apt-get install "
                + String.join(" ", packages(missing)) + ")";
        if (required()) {
            // Enabled, so that the test runs and fails at once with the reason.
            return ConditionEvaluationResult.enabled(why);
        }
        return ConditionEvaluationResult.disabled("skipped: " + why + " (set WEFT_REQUIRE_TOOLS=1 to make this a failure)");
    }

    /** Only reached when the tools are there, or required: then a missing one fails the test. */
    @Override
    public void beforeEach(ExtensionContext context) {
        context.getTestMethod().flatMap(m -> AnnotationSupport.findAnnotation(m, RequiresTools.class))
                .or(() -> AnnotationSupport.findAnnotation(context.getRequiredTestClass(), RequiresTools.class))
                .ifPresent(a -> check(a.value()));
    }

    /** Fails the calling test when a tool is missing. */
    static void check(String... tools) {
        List<String> missing = missing(tools);
        if (!missing.isEmpty()) {
            Assertions.fail("required (" + REQUIRE_PROPERTY + " or " + OvsEnvironment.REQUIRE_PROPERTY + ") but not "
                    + "installed: " + String.join(", ", missing) + " (apt-get install " + String.join(" ",
                    packages(missing)) + ")");
        }
    }

    static boolean required() {
        return OvsEnvironment.required() || isTrue(System.getProperty(REQUIRE_PROPERTY));
    }

    private static boolean isTrue(String v) {
        return v != null && (v.trim().equalsIgnoreCase("true") || v.trim().equals("1"));
    }

    static List<String> missing(String... tools) {
        List<String> out = new ArrayList<>();
        for (String t : tools) {
            if (which(t).isEmpty()) {
                out.add(t);
            }
        }
        return out;
    }

    static Optional<Path> which(String tool) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String d : path.split(File.pathSeparator)) {
            Path p = Path.of(d, tool);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static List<String> packages(List<String> tools) {
        return tools.stream().map(t -> switch (t) {
            case "chromedriver" -> "chromium-driver";
            case "promtool" -> "prometheus";
            default -> t;
        }).distinct().toList();
    }
}
