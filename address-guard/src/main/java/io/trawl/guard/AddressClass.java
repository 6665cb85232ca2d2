package io.trawl.guard;

/** What kind of network an address belongs to; only {@link #PUBLIC} is fetched unless allow-listed. */
public enum AddressClass {
    PUBLIC,
    LOOPBACK,
    PRIVATE,
    LINK_LOCAL,
    SHARED_CGNAT,
    MULTICAST,
    UNSPECIFIED,
    /** Broadcast, documentation, benchmarking, "this network", IETF-reserved and tunnelling ranges. */
    RESERVED;

    public boolean blocked() {
        return this != PUBLIC;
    }
}
