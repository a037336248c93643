package dev.tandem.node.api;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Every log line written while it is open, for tests that count what an outage logs. */
final class StoreLog implements AutoCloseable {
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

    StoreLog() {
        lines.start();
        root.addAppender(lines);
    }

    synchronized List<ILoggingEvent> all() {
        return List.copyOf(lines.list);
    }

    /** Lines whose message contains the text. */
    List<String> containing(String text) {
        return all().stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains(text)).toList();
    }

    /** Lines that carry a stack trace, as "logger: message". */
    List<String> withStackTraces() {
        return all().stream().filter(e -> e.getThrowableProxy() != null)
                .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()).toList();
    }

    @Override
    public void close() {
        root.detachAppender(lines);
        lines.stop();
    }
}
