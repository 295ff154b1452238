package dev.pokepedia.live.schedule;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import dev.pokepedia.core.ConfigurationException;
import java.time.Instant;
import java.time.ZoneOffset;

/** Five-field Unix cron expressions (parsed by cron-utils), evaluated in UTC. */
public final class Cron {

    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    private final String expression;
    private final ExecutionTime times;

    private Cron(String expression, ExecutionTime times) {
        this.expression = expression;
        this.times = times;
    }

    /** @throws ConfigurationException with the parser's reason when the expression is not valid */
    public static Cron parse(String expression) {
        try {
            return new Cron(expression, ExecutionTime.forCron(PARSER.parse(expression.trim()).validate()));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("'" + expression + "' is not a cron expression: " + e.getMessage(),
                    "Use five fields: minute hour day-of-month month day-of-week, e.g. '0 3 * * *' for 03:00 UTC daily.");
        }
    }

    /** The first due time strictly after {@code after}. */
    public Instant next(Instant after) {
        return times.nextExecution(after.atZone(ZoneOffset.UTC))
                .orElseThrow(() -> new ConfigurationException("'" + expression + "' never fires again", "Pick an expression that repeats."))
                .toInstant();
    }

    @Override
    public String toString() {
        return expression;
    }
}
