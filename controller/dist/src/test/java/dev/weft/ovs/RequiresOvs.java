package dev.weft.ovs;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The test (class or method) drives real Open vSwitch through Mininet: it needs root, Open
 * vSwitch running ({@code ovsdb-server} and {@code ovs-vswitchd}), Mininet and the driver script
 * {@code examples/ovs/mn-driver.py}. When something is missing the test is skipped with the
 * reason, or fails with it when the system property {@code weft.requireOvs} is {@code true} or
 * {@code 1} (CI: environment variable {@code WEFT_REQUIRE_OVS=1}). See {@link OvsEnvironment}.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Tag("ovs")
@ExtendWith(OvsEnvironment.class)
public @interface RequiresOvs {
  /** Further executables the test needs, e.g. {@code "ovs-testcontroller"}. */
  String[] tools() default {};

  /**
   * Python modules the test's scripts import, checked with the harness's Python
   * ({@code weft.ovs.python}), e.g. {@code "yaml"} (Debian package python3-yaml).
   */
  String[] pythonModules() default {};
}
