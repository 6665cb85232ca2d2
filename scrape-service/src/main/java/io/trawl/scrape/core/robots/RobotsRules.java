package io.trawl.scrape.core.robots;

import crawlercommons.robots.BaseRobotRules;

/**
 * The robots.txt rules of one origin for our user agent.
 *
 * @param rules       parsed rules (crawler-commons)
 * @param unavailable true when robots.txt could not be fetched (5xx, network): visits are deferred
 */
public record RobotsRules(BaseRobotRules rules, boolean unavailable) {

    public boolean allows(String url) {
        return !unavailable && rules.isAllowed(url);
    }

    /** Crawl-delay in milliseconds, 0 when the file sets none. */
    public long crawlDelayMs() {
        long delay = rules.getCrawlDelay();
        return delay == BaseRobotRules.UNSET_CRAWL_DELAY || delay < 0 ? 0 : delay;
    }
}
