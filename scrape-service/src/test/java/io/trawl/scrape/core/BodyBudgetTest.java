package io.trawl.scrape.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;
import io.trawl.scrape.service.BodyBudget;
import org.junit.jupiter.api.Test;

/** Hardening item 7: the per-pod memory budget for bodies in flight (no Quarkus). */
class BodyBudgetTest {

    @Test
    void bodiesBeyondTheBudgetWaitInOrderAndRunWhenBytesComeBack() {
        BodyBudget budget = new BodyBudget(100);
        var first = budget.acquire(60).subscribe().withSubscriber(UniAssertSubscriber.create());
        BodyBudget.Permit one = first.assertCompleted().getItem();
        var second = budget.acquire(60).subscribe().withSubscriber(UniAssertSubscriber.create());
        var huge = budget.acquire(100_000_000).subscribe().withSubscriber(UniAssertSubscriber.create());
        var small = budget.acquire(10).subscribe().withSubscriber(UniAssertSubscriber.create());
        second.assertNotTerminated();
        huge.assertNotTerminated();
        small.assertNotTerminated(); // first come, first served: no overtaking of the waiting 60
        assertThat(budget.available()).isEqualTo(40);
        assertThat(budget.waiting()).isEqualTo(3);

        one.release();
        one.release(); // idempotent
        BodyBudget.Permit two = second.assertCompleted().getItem();
        huge.assertNotTerminated();
        two.release();
        BodyBudget.Permit all = huge.assertCompleted().getItem();
        assertThat(all.bytes()).as("a body larger than the budget takes all of it, alone").isEqualTo(100);
        small.assertNotTerminated();
        all.release();
        small.assertCompleted().getItem().release();
        assertThat(budget.available()).isEqualTo(100);
    }

    @Test
    void aCancelledWaiterLeavesTheQueue() {
        BodyBudget budget = new BodyBudget(100);
        BodyBudget.Permit held = budget.acquire(100).subscribe().withSubscriber(UniAssertSubscriber.create())
                .assertCompleted().getItem();
        var waiting = budget.acquire(50).subscribe().withSubscriber(UniAssertSubscriber.create());
        var next = budget.acquire(50).subscribe().withSubscriber(UniAssertSubscriber.create());
        waiting.cancel();
        assertThat(budget.waiting()).isEqualTo(1);
        held.release();
        next.assertCompleted();
        assertThat(budget.available()).isEqualTo(50);
    }
}
