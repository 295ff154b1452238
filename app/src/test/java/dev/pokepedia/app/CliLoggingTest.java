package dev.pokepedia.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.time.LocalTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class CliLoggingTest {

    private final LoggerContext context = new LoggerContext();

    private String layout(LoggingEvent e) {
        CliLogging.LineLayout layout = new CliLogging.LineLayout();
        layout.setContext(context);
        layout.start();
        return layout.doLayout(e);
    }

    @Test
    void a_line_has_the_local_time_the_level_the_logger_simple_name_and_the_message() {
        LoggingEvent e = new LoggingEvent("x", context.getLogger("dev.pokepedia.media.MirrorEngine"), Level.WARN, "Mirroring {} failed",
                null, new Object[] {"pokedex-sprites/a.png"});
        e.setTimeStamp(1_800_000_007_089L);
        LocalTime t = LocalTime.ofInstant(java.time.Instant.ofEpochMilli(1_800_000_007_089L), ZoneId.systemDefault());
        String expectedTime = String.format("%02d:%02d:%02d.089", t.getHour(), t.getMinute(), t.getSecond());
        assertThat(layout(e)).isEqualTo(expectedTime + " WARN  MirrorEngine - Mirroring pokedex-sprites/a.png failed" + System.lineSeparator());
    }

    @Test
    void an_exception_follows_its_line_with_its_stack_trace() {
        LoggingEvent e = new LoggingEvent("x", context.getLogger("dev.pokepedia.Thing"), Level.ERROR, "boom", new IllegalStateException("disk full"), null);
        String out = layout(e);
        assertThat(out).contains(" ERROR Thing - boom" + System.lineSeparator()).contains("java.lang.IllegalStateException: disk full")
                .contains("at dev.pokepedia.app.CliLoggingTest");
    }
}
