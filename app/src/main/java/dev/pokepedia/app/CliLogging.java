package dev.pokepedia.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The CLI's logging set-up, in code: warnings and our own INFO lines to stderr.
 *
 * <p>why: parsing a {@code logback.xml} costs about 0.2 s of every command's start-up (an XML parser and Joran's
 * model), more than some whole commands take. A {@code -Dlogback.configurationFile} or a {@code logback-test.xml}
 * on the class path still wins.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class CliLogging extends ContextAwareBase implements Configurator {

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null || getClass().getClassLoader().getResource("logback-test.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        LineLayout layout = new LineLayout();
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();
        ConsoleAppender<ILoggingEvent> err = new ConsoleAppender<>();
        err.setContext(context);
        err.setName("ERR");
        err.setTarget("System.err");
        err.setEncoder(encoder);
        err.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(err);
        context.getLogger("dev.pokepedia").setLevel(Level.INFO);
        // why: Flyway warns on every run that outOfOrder is on; it is on by design (module version ranges, see Database)
        context.getLogger("org.flywaydb.core.internal.command.DbMigrate").setLevel(Level.ERROR);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /**
     * {@code HH:mm:ss.SSS LEVEL Logger - message}, then the stack trace if any.
     *
     * <p>why not logback's PatternLayout with that pattern: its class set-up (a table of every converter) took ~50 ms
     * of each command's start, for a format this short.
     */
    static final class LineLayout extends LayoutBase<ILoggingEvent> {
        private final ZoneId zone = ZoneId.systemDefault();

        @Override
        public String doLayout(ILoggingEvent e) {
            LocalTime t = LocalTime.ofInstant(Instant.ofEpochMilli(e.getTimeStamp()), zone);
            String logger = e.getLoggerName();
            StringBuilder b = new StringBuilder(96);
            pad2(b, t.getHour()).append(':');
            pad2(b, t.getMinute()).append(':');
            pad2(b, t.getSecond()).append('.');
            int ms = t.getNano() / 1_000_000;
            b.append(ms < 100 ? (ms < 10 ? "00" : "0") : "").append(ms).append(' ');
            String level = e.getLevel().toString();
            b.append(level).append(" ".repeat(Math.max(1, 6 - level.length())));
            b.append(logger, logger.lastIndexOf('.') + 1, logger.length()).append(" - ").append(e.getFormattedMessage());
            b.append(CoreConstants.LINE_SEPARATOR);
            IThrowableProxy thrown = e.getThrowableProxy();
            if (thrown != null) {
                b.append(ThrowableProxyUtil.asString(thrown)).append(CoreConstants.LINE_SEPARATOR);
            }
            return b.toString();
        }

        private static StringBuilder pad2(StringBuilder b, int v) {
            return b.append(v < 10 ? "0" : "").append(v);
        }
    }
}
