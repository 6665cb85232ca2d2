package io.trawl.job.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Cron evaluation on a zone's wall clock, including both daylight-saving transitions in two zones. */
class CronScheduleTest {

    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    static Instant at(String local, ZoneId zone) {
        return ZonedDateTime.of(java.time.LocalDateTime.parse(local), zone).toInstant();
    }

    @Test
    void dailyAtNine() {
        CronSchedule cron = CronSchedule.of("0 0 9 * * ?", BERLIN);
        assertThat(cron.nextAfter(at("2026-06-01T08:00", BERLIN))).contains(at("2026-06-01T09:00", BERLIN));
        assertThat(cron.nextAfter(at("2026-06-01T09:00", BERLIN))).contains(at("2026-06-02T09:00", BERLIN));
        assertThat(cron.next(3, at("2026-06-01T10:00", BERLIN))).containsExactly(
                at("2026-06-02T09:00", BERLIN), at("2026-06-03T09:00", BERLIN), at("2026-06-04T09:00", BERLIN));
    }

    @Test
    void springForwardInBerlinLosesNoFire() {
        // 2026-03-29: 02:00 CET jumps to 03:00 CEST; 02:30 does not exist that night
        CronSchedule cron = CronSchedule.of("0 30 2 * * ?", BERLIN);
        List<Instant> fires = cron.next(3, at("2026-03-27T12:00", BERLIN));
        assertThat(fires).containsExactly(
                Instant.parse("2026-03-28T01:30:00Z"),   // 02:30 CET
                Instant.parse("2026-03-29T01:00:00Z"),   // the gap ends: 03:00 CEST
                Instant.parse("2026-03-30T00:30:00Z"));  // 02:30 CEST
    }

    @Test
    void fallBackInBerlinFiresOnce() {
        // 2026-10-25: 03:00 CEST goes back to 02:00 CET; 02:30 happens twice
        CronSchedule cron = CronSchedule.of("0 30 2 * * ?", BERLIN);
        List<Instant> fires = cron.next(3, at("2026-10-23T12:00", BERLIN));
        assertThat(fires).containsExactly(
                Instant.parse("2026-10-24T00:30:00Z"),   // 02:30 CEST
                Instant.parse("2026-10-25T00:30:00Z"),   // first 02:30 (CEST) only
                Instant.parse("2026-10-26T01:30:00Z"));  // 02:30 CET
    }

    @Test
    void springForwardInNewYork() {
        // 2026-03-08: 02:00 EST jumps to 03:00 EDT
        CronSchedule cron = CronSchedule.of("0 15 2 * * ?", NEW_YORK);
        assertThat(cron.next(2, at("2026-03-06T12:00", NEW_YORK))).containsExactly(
                Instant.parse("2026-03-07T07:15:00Z"),   // 02:15 EST
                Instant.parse("2026-03-08T07:00:00Z"));  // gap ends: 03:00 EDT
    }

    @Test
    void fallBackInNewYorkFiresOnce() {
        // 2026-11-01: 02:00 EDT goes back to 01:00 EST; 01:30 happens twice
        CronSchedule cron = CronSchedule.of("0 30 1 * * ?", NEW_YORK);
        assertThat(cron.next(3, at("2026-10-30T12:00", NEW_YORK))).containsExactly(
                Instant.parse("2026-10-31T05:30:00Z"),
                Instant.parse("2026-11-01T05:30:00Z"),   // 01:30 EDT, the first occurrence
                Instant.parse("2026-11-02T06:30:00Z"));  // 01:30 EST
    }

    @Test
    void hourlyScheduleAcrossTheJumpHasNoDuplicate() {
        CronSchedule cron = CronSchedule.of("0 0 * * * ?", BERLIN);
        List<Instant> fires = cron.next(4, at("2026-03-29T00:30", BERLIN));
        assertThat(fires).doesNotHaveDuplicates();
        assertThat(fires).containsExactly(Instant.parse("2026-03-29T00:00:00Z"), Instant.parse("2026-03-29T01:00:00Z"),
                Instant.parse("2026-03-29T02:00:00Z"), Instant.parse("2026-03-29T03:00:00Z"));
    }

    @Test
    void rejectsInvalidExpressions() {
        assertThatThrownBy(() -> CronSchedule.of("every minute", BERLIN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CronSchedule.of("0 0 25 * * ?", BERLIN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CronSchedule.of("* * * * *", BERLIN)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void afterLongDowntimeOfAFrequentCronTheDueTimesWithinGraceStillRun() {
        CronSchedule everySecond = CronSchedule.of("* * * * * ?", ZoneId.of("UTC"));
        Instant first = Instant.parse("2026-01-01T00:00:00Z");
        Instant now = first.plus(Duration.ofHours(5)).plusMillis(500); // 18,000 due times since first
        FirePlan plan = FirePlan.of(everySecond, first, now, Duration.ofMinutes(5));
        Instant latest = first.plus(Duration.ofHours(5));
        assertThat(plan.run()).contains(new FirePlan.Occurrences(latest.minusSeconds(299), latest, 300));
        assertThat(plan.missed()).hasValueSatisfying(m -> {
            assertThat(m.first()).isEqualTo(first);
            assertThat(m.last()).isEqualTo(latest.minusSeconds(300));
            assertThat(m.count()).isEqualTo(FirePlan.MAX_DUE);
        });
        assertThat(plan.nextFire()).contains(latest.plusSeconds(1));

        // a grace wider than the enumeration bound still runs the latest due time
        FirePlan wide = FirePlan.of(everySecond, first, now, Duration.ofHours(10));
        assertThat(wide.missed()).isEmpty();
        assertThat(wide.run()).hasValueSatisfying(r -> {
            assertThat(r.first()).isEqualTo(first);
            assertThat(r.last()).isEqualTo(latest);
            assertThat(r.count()).isEqualTo(FirePlan.MAX_DUE);
        });
    }

    @Test
    void planCoalescesDueTimesWithinGraceAndSummarisesTheMissed() {
        CronSchedule everyMinute = CronSchedule.of("0 * * * * ?", ZoneId.of("UTC"));
        Instant first = Instant.parse("2026-01-01T10:00:00Z");
        FirePlan withinGrace = FirePlan.of(everyMinute, first, first.plusSeconds(4 * 60 + 30), Duration.ofMinutes(10));
        assertThat(withinGrace.run()).contains(new FirePlan.Occurrences(first, first.plusSeconds(240), 5));
        assertThat(withinGrace.missed()).isEmpty();
        assertThat(withinGrace.nextFire()).contains(first.plusSeconds(300));

        FirePlan mixed = FirePlan.of(everyMinute, first, first.plusSeconds(4 * 60 + 30), Duration.ofMinutes(2));
        assertThat(mixed.missed()).contains(new FirePlan.Occurrences(first, first.plusSeconds(120), 3));
        assertThat(mixed.run()).contains(new FirePlan.Occurrences(first.plusSeconds(180), first.plusSeconds(240), 2));

        FirePlan allLate = FirePlan.of(everyMinute, first, first.plusSeconds(3590), Duration.ofSeconds(30));
        assertThat(allLate.run()).isEmpty();
        assertThat(allLate.missed()).map(FirePlan.Occurrences::count).contains(60);

        FirePlan notDue = FirePlan.of(everyMinute, first, first.minusSeconds(1), Duration.ofMinutes(1));
        assertThat(notDue.run()).isEmpty();
        assertThat(notDue.missed()).isEmpty();
        assertThat(notDue.nextFire()).contains(first);
    }
}
