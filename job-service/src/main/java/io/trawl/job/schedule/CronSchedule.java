package io.trawl.job.schedule;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Quartz-syntax cron expression evaluated on the wall clock of an IANA time zone. Pure.
 *
 * <p>Daylight saving, the rule: the expression matches local wall-clock times, and each matching local
 * time fires once. A local time skipped when clocks go forward fires at the moment the gap ends (02:30
 * on a spring-forward night fires at 03:00, the first instant after the jump). A local time that occurs
 * twice when clocks go back fires at its first occurrence only. cron-utils does the field matching on the
 * naked wall-clock values; this class applies the zone.
 */
public final class CronSchedule {

    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ));
    private static final int SEARCH_LIMIT = 10_000;

    private final String expression;
    private final ZoneId zone;
    private final ExecutionTime wallClock;

    private CronSchedule(String expression, ZoneId zone, Cron cron) {
        this.expression = expression;
        this.zone = zone;
        this.wallClock = ExecutionTime.forCron(cron);
    }

    /** Parses and validates; throws {@link IllegalArgumentException} with a readable reason. */
    public static CronSchedule of(String expression, ZoneId zone) {
        try {
            Cron cron = PARSER.parse(expression.strip()).validate();
            return new CronSchedule(expression.strip(), zone, cron);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() == null ? "invalid cron expression" : e.getMessage(), e);
        }
    }

    /** The schedule of a stored (already validated) expression in the zone named {@code zoneId}. */
    public static CronSchedule of(String expression, String zoneId) {
        return of(expression, ZoneId.of(zoneId));
    }

    public String expression() {
        return expression;
    }

    public ZoneId zone() {
        return zone;
    }

    /**
     * The first fire time strictly after {@code after}; empty if the expression never fires again. Fire times
     * are whole seconds (the search starts from {@code after} truncated to its second), so the answer does not
     * depend on the fraction of a second a caller's instant carries.
     */
    public Optional<Instant> nextAfter(Instant after) {
        LocalDateTime local = LocalDateTime.ofInstant(after, zone).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        for (int i = 0; i < SEARCH_LIMIT; i++) {
            Optional<ZonedDateTime> next = wallClock.nextExecution(local.atZone(ZoneOffset.UTC));
            if (next.isEmpty()) {
                return Optional.empty();
            }
            local = next.get().toLocalDateTime();
            Instant instant = resolve(local);
            if (instant.isAfter(after)) {
                return Optional.of(instant);
            }
        }
        return Optional.empty();
    }

    /** The next {@code n} fire times after {@code after}. */
    public List<Instant> next(int n, Instant after) {
        List<Instant> times = new ArrayList<>(n);
        Instant cursor = after;
        while (times.size() < n) {
            Optional<Instant> next = nextAfter(cursor);
            if (next.isEmpty()) {
                break;
            }
            times.add(next.get());
            cursor = next.get();
        }
        return times;
    }

    /** Whether the expression fires at {@code instant} (the instant is one of its fire times). */
    public boolean firesAt(Instant instant) {
        return nextAfter(instant.minusMillis(1)).filter(instant::equals).isPresent();
    }

    /** The instant of a local wall-clock time under this class's daylight-saving rule. */
    private Instant resolve(LocalDateTime local) {
        ZoneRules rules = zone.getRules();
        List<ZoneOffset> offsets = rules.getValidOffsets(local);
        if (offsets.isEmpty()) {
            ZoneOffsetTransition gap = rules.getTransition(local);
            return gap.getInstant();
        }
        // one offset, or two in an overlap: the earlier offset is the first occurrence
        return local.toInstant(offsets.get(0));
    }
}
