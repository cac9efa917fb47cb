package dev.weft.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Every event logged during a test at INFO and above, as {@code weft controller} logs (the tests'
 * default is quieter); the root logger's level is put back after the test.
 * Use: {@code @RegisterExtension final InfoLog log = new InfoLog();}.
 */
final class InfoLog implements BeforeEachCallback, AfterEachCallback {
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private Level level;

    @Override
    public void beforeEach(ExtensionContext context) {
        level = root.getLevel();
        root.setLevel(Level.INFO);
        appender.start();
        root.addAppender(appender);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        root.detachAppender(appender);
        root.setLevel(level);
    }

    /** What was logged so far, in order. */
    List<ILoggingEvent> events() {
        return appender.list;
    }
}
