package io.trawl.job.rest;

import io.smallrye.mutiny.Uni;
import io.trawl.job.repository.CreatedAtKey;
import io.trawl.job.repository.CreatedAtRow;
import io.trawl.web.CurrentTenant;
import io.trawl.web.Page;
import io.trawl.web.PageRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * What a resource of one tenant's things (schedules, webhooks) reads of the request it serves: the tenant it acts
 * on, the time, the page its {@code ?cursor=&limit=} ask for, and the newest-first listing they make.
 */
@ApplicationScoped
public class TenantRequest {

    private final CurrentTenant tenant;
    private final ListingPages pages;
    private final Clock clock;

    public TenantRequest(CurrentTenant tenant, ListingPages pages, Clock clock) {
        this.tenant = tenant;
        this.pages = pages;
        this.clock = clock;
    }

    /** The tenant the request acts on (an admin names it with {@code ?tenant=}; without, a 400). */
    public String tenantId() {
        return tenant.id();
    }

    public Instant now() {
        return clock.instant();
    }

    /** The page asked for; a bad cursor or limit is a 400. */
    public PageRequest page(String cursor, String limit) {
        return pages.of(cursor, limit);
    }

    /** One page of the tenant's rows, newest first, each shown as {@code view} makes it. */
    public <R extends CreatedAtRow, V> Uni<Page<V>> newestFirst(String cursor, String limit, TenantRows<R> rows,
            Function<R, V> view) {
        PageRequest page = page(cursor, limit);
        CreatedAtKey after = CreatedAtCursor.after(page);
        return rows.list(tenantId(), after, page.limit() + 1)
                .map(list -> Page.of(list, page.limit(), view, CreatedAtCursor::of));
    }

    /** A newest-first query of one tenant's rows: at most {@code limit} after {@code after} (null: from the top). */
    @FunctionalInterface
    public interface TenantRows<R> {
        Uni<List<R>> list(String tenant, CreatedAtKey after, int limit);
    }
}
