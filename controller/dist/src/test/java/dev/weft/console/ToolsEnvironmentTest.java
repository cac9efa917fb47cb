package dev.weft.console;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A missing tool is named, with the Debian package that has it, and fails a required test. */
class ToolsEnvironmentTest {
    @Test
    void aMissingToolIsNamedAndFailsWhenRequired() {
        assertEquals(List.of("no-such-tool-weft"), ToolsEnvironment.missing("sh", "no-such-tool-weft"));
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> ToolsEnvironment.check("no-such-tool-weft", "chromedriver-not-here"));
        assertTrue(e.getMessage().contains("not installed: no-such-tool-weft"), e.getMessage());
    }
}
