package io.trawl.scrape.config;

import io.trawl.support.LegacyRetryKeys;

/** {@code trawl.worker.backoff-*} (deprecated) still feeds {@code trawl.retry.*} for one release, with a warning. */
public class LegacyWorkerRetryKeys extends LegacyRetryKeys {

    public LegacyWorkerRetryKeys() {
        super("trawl.worker.");
    }
}
