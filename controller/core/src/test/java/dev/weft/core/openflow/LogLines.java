package dev.weft.core.openflow;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** Counts the log lines Weft writes while a test runs (every logger, every level at WARN and above). */
final class LogLines extends AppenderBase<ILoggingEvent> implements AutoCloseable {
    private final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    LogLines() {
        setContext(root.getLoggerContext());
        start();
        root.addAppender(this);
    }

    @Override
    protected void append(ILoggingEvent e) {
        if (e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN)) {
            events.add(e);
        }
    }

    long count(Predicate<String> message) {
        return events.stream().filter(e -> message.test(e.getFormattedMessage())).count();
    }

    /** Lines that carry a stack trace. */
    long withStackTrace() {
        return events.stream().filter(e -> e.getThrowableProxy() != null).count();
    }

    @Override
    public void close() {
        root.detachAppender(this);
        stop();
    }
}
