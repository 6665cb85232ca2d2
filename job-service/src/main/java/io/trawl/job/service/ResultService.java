package io.trawl.job.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.trawl.common.json.WireJson;
import io.trawl.common.spec.JobSpec;
import io.trawl.common.spec.JobSpecParser;
import io.trawl.job.repository.ItemRecord;
import io.trawl.job.repository.ItemRepository;
import io.trawl.job.repository.JobRecord;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A job's extracted items: pages for the JSON listing, and the whole set as NDJSON or CSV lines, read in
 * keyset-paged batches so an export of any size holds one batch in memory.
 */
@ApplicationScoped
public class ResultService {

    static final int EXPORT_BATCH = 1000;

    private final JobService jobs;
    private final ItemRepository items;

    public ResultService(JobService jobs, ItemRepository items) {
        this.jobs = jobs;
        this.items = items;
    }

    /** One page of items after item id {@code afterId}; the job must belong to the tenant. */
    public Uni<List<ItemRecord>> page(String tenant, UUID jobId, long afterId, int limit) {
        return jobs.get(tenant, jobId).chain(job -> items.page(job.id(), afterId, limit));
    }

    /** Checks access, then streams every item (one NDJSON line each). */
    public Uni<Multi<ExportedItem>> export(String tenant, UUID jobId) {
        return jobs.get(tenant, jobId).onItem().transform(job -> all(job.id())
                .onItem().transform(item -> new ExportedItem(item.url(), item.taskId(), item.ordinal(),
                        WireJson.tree(item.data()))));
    }

    /** Checks access, then streams a header line and one CSV line per item (url + the spec's fields). */
    public Uni<Multi<String>> csv(String tenant, UUID jobId) {
        return jobs.get(tenant, jobId).onItem().transform(job -> {
            List<String> columns = columns(job);
            Multi<String> rows = all(job.id()).onItem().transform(item -> {
                JsonNode data = WireJson.tree(item.data());
                List<String> values = new ArrayList<>(columns.size() + 1);
                values.add(item.url());
                for (String column : columns) {
                    JsonNode value = data.get(column);
                    values.add(value == null || value.isNull() ? "" : value.isTextual() ? value.asText() : value.toString());
                }
                return CsvFormat.line(values);
            });
            List<String> header = new ArrayList<>();
            header.add("url");
            header.addAll(columns);
            return Multi.createBy().concatenating().streams(Multi.createFrom().item(CsvFormat.line(header)), rows);
        });
    }

    private Multi<ItemRecord> all(UUID jobId) {
        AtomicLong last = new AtomicLong();
        return Multi.createBy().repeating()
                .uni(() -> items.page(jobId, last.get(), EXPORT_BATCH).invoke(batch -> {
                    if (!batch.isEmpty()) {
                        last.set(batch.get(batch.size() - 1).id());
                    }
                }))
                .whilst(batch -> batch.size() == EXPORT_BATCH)
                .onItem().disjoint();
    }

    private static List<String> columns(JobRecord job) {
        JobSpec spec = JobSpecParser.parseStored(job.spec());
        return spec.extract() == null ? List.of() : List.copyOf(spec.extract().fields().keySet());
    }

    /** One item of an export: where it came from and its fields. */
    @io.quarkus.runtime.annotations.RegisterForReflection
    public record ExportedItem(String url, long taskId, int ordinal, JsonNode data) {
    }
}
