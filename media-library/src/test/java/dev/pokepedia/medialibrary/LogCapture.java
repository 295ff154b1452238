package dev.pokepedia.medialibrary;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/** Captures every log event (INFO and up, with stack traces) while open, to grep for secrets. */
final class LogCapture implements AutoCloseable {

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Level previous = root.getLevel();
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    LogCapture() {
        appender.start();
        root.addAppender(appender);
        root.setLevel(Level.INFO);
    }

    String text() {
        return appender.list.stream().map(e -> e.getFormattedMessage() + " " + throwable(e.getThrowableProxy()))
                .collect(Collectors.joining("\n"));
    }

    private static String throwable(ch.qos.logback.classic.spi.IThrowableProxy t) {
        return t == null ? "" : t.getClassName() + ": " + t.getMessage() + " " + throwable(t.getCause());
    }

    int size() {
        return appender.list.size();
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        root.setLevel(previous);
    }
}
