package io.trawl.event.feed;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Which tenant a job belongs to, for routing events to firehoses without a Postgres read per event: a bounded
 * LRU cache (a job never changes tenant, so entries never go stale). Thread-safe.
 */
public final class TenantDirectory {

    private final Map<UUID, String> tenants;

    public TenantDirectory(int capacity) {
        this.tenants = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<UUID, String> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The job's tenant, or null when not known. */
    public synchronized String get(UUID jobId) {
        return tenants.get(jobId);
    }

    public synchronized void put(UUID jobId, String tenant) {
        tenants.put(jobId, tenant);
    }

    public synchronized int size() {
        return tenants.size();
    }
}
