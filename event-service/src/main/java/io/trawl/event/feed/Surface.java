package io.trawl.event.feed;

/** Where a subscriber is connected (a metrics tag). */
public enum Surface {
    WS_JOB("ws-job"),
    WS_TENANT("ws-tenant"),
    SSE("sse");

    private final String tag;

    Surface(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }
}
