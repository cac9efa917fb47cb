package dev.weft.console;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The test needs programs from Debian packages (Chromium and its driver, Prometheus). When one
 * is missing the test is skipped with the reason, or fails with it when the system property
 * {@code weft.requireTools} or {@code weft.requireOvs} is {@code true} or {@code 1} (CI:
 * {@code WEFT_REQUIRE_TOOLS=1} or {@code WEFT_REQUIRE_OVS=1}; {@code .ci/run} installs them).
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(ToolsEnvironment.class)
public @interface RequiresTools {
    /** Executables looked up on the PATH, e.g. {@code "chromedriver"}. */
    String[] value();
}
