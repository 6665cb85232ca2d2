package io.trawl.scrape.service;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.trawl.common.spec.JobSpec;
import io.trawl.scrape.core.extract.ExtractionCaps;
import io.trawl.scrape.core.extract.PageParser;
import io.trawl.scrape.core.fetch.FetchException;
import io.trawl.scrape.core.fetch.FetchFailure;
import io.trawl.scrape.core.fetch.FetchRequest;
import io.trawl.scrape.core.fetch.FetchResponse;
import io.trawl.scrape.core.fetch.FetcherUnavailableException;
import io.trawl.scrape.core.fetch.HopFilter;
import io.trawl.scrape.core.fetch.PageFetcher;
import io.trawl.scrape.core.fetch.StatusPolicy;
import io.trawl.scrape.core.robots.RobotsCache;
import io.trawl.scrape.repository.ClaimedTask;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Optional;

/**
 * Fetches and parses one claimed task's page with the scraper core, racing a cancellation: whichever comes
 * first wins, and a cancellation resets the connection. Parsing runs on the worker pool, never on the event
 * loop.
 */
@ApplicationScoped
public class PageWork {

    private final PageFetcher fetcher;
    private final RobotsCache robots;
    private final BrowserRendering browser;
    private final BodyBudget budget;

    public PageWork(PageFetcher fetcher, RobotsCache robots, BrowserRendering browser, BodyBudget budget) {
        this.fetcher = fetcher;
        this.robots = robots;
        this.browser = browser;
        this.budget = budget;
    }

    public Uni<Attempt> run(ClaimedTask task, JobRules rules, InFlightTasks.Ticket ticket) {
        JobSpec spec = rules.spec();
        long started = System.nanoTime();
        HopFilter filter = spec.respectRobots() ? robots.filter() : HopFilter.NONE;
        // the body's bytes are reserved from the pod's budget until it is parsed (released on cancellation too)
        Uni<Attempt> work = budget.acquire(spec.limits().maxBytes()).onItem().transformToUni(permit -> fetcherFor(spec)
                        .fetch(new FetchRequest(task.url(), Duration.ofMillis(spec.limits().timeoutMs()),
                                spec.limits().maxBytes(), rules.render()), filter)
                        .onItem().transformToUni(response -> interpret(task, rules, response))
                        .eventually(permit::release))
                .onFailure().recoverWithItem(failure -> failed(failure, started));
        return Uni.combine().any().of(work, ticket.whenCancelled().onItem().transform(Attempt.Cancelled::new));
    }

    /** The same robots, extraction and links whichever fetcher: the browser for a browser job, HTTP otherwise. */
    private PageFetcher fetcherFor(JobSpec spec) {
        if (!spec.rendersInBrowser()) {
            return fetcher;
        }
        return browser.fetcher().orElseGet(() -> (request, filter) -> Uni.createFrom().failure(new FetchException(
                FetchFailure.CONNECTION, "this worker has no browser (trawl.browser.enabled is false)")));
    }

    private Uni<Attempt> interpret(ClaimedTask task, JobRules rules, FetchResponse response) {
        StatusPolicy policy = StatusPolicy.of(response.status());
        if (policy != StatusPolicy.SUCCESS) {
            return Uni.createFrom().item(new Attempt.Failed("http " + response.status(), response.status(), null,
                    policy == StatusPolicy.RETRYABLE, response.retryAfter(), response.elapsed(), response.wireBytes()));
        }
        if (!response.isHtml()) {
            return Uni.createFrom().item(new Attempt.Failed(FetchFailure.NOT_HTML.slug() + ": content type '"
                    + (response.contentType() == null ? "" : response.contentType()) + "' is not HTML",
                    response.status(), FetchFailure.NOT_HTML, false, Optional.empty(), response.elapsed(),
                    response.wireBytes()));
        }
        return Uni.createFrom().<Attempt>item(() -> new Attempt.Fetched(response, PageParser.parse(response.body(),
                        response.charset().orElse(null), response.url(), task.host(), task.depth(), rules.page(),
                        ExtractionCaps.of(rules.spec().limits()))))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private static Attempt failed(Throwable failure, long started) {
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        if (failure instanceof FetcherUnavailableException unavailable) {
            // the worker's browser, not the page: nothing was fetched
            return new Attempt.Unavailable(unavailable.getMessage());
        }
        if (failure instanceof FetchException fe) {
            return new Attempt.Failed(fe.describe(), null, fe.failure(), fe.failure().retryable(), Optional.empty(),
                    elapsed, 0);
        }
        // A bug or a parser failure on this page: retrying will not help.
        return new Attempt.Failed("parse: " + failure, null, null, false, Optional.empty(), elapsed, 0);
    }
}
