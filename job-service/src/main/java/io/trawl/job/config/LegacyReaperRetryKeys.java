package io.trawl.job.config;

import io.trawl.support.LegacyRetryKeys;

/** {@code trawl.reaper.backoff-*} (deprecated) still feeds {@code trawl.retry.*} for one release, with a warning. */
public class LegacyReaperRetryKeys extends LegacyRetryKeys {

    public LegacyReaperRetryKeys() {
        super("trawl.reaper.");
    }
}
