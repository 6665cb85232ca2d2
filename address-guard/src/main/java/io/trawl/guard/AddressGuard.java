package io.trawl.guard;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The fetcher's SSRF guard. {@link #resolve} looks the host up once and returns the one address the caller
 * must connect to (never a name, so a second lookup cannot be rebound to another address). A host is refused
 * when ANY of its addresses is not public (loopback, private, link-local incl. 169.254.169.254, CGNAT,
 * multicast, unspecified, reserved, or an IPv6 form embedding one of those), unless that address lies in an
 * operator allow-listed network. A mixed answer (public and private) is refused as a whole: it is either a
 * misconfiguration or a rebinding attempt.
 */
public final class AddressGuard {

    private final List<Cidr> allowed;
    private final HostResolver resolver;

    public AddressGuard(List<Cidr> allowed, HostResolver resolver) {
        this.allowed = List.copyOf(allowed);
        this.resolver = resolver;
    }

    /** A guard with the system resolver and the allow-list given as comma-separated CIDRs (may be blank). */
    public static AddressGuard of(String allowNetworks) {
        return new AddressGuard(parseAllowList(allowNetworks), HostResolver.SYSTEM);
    }

    public static List<Cidr> parseAllowList(String allowNetworks) {
        List<Cidr> list = new ArrayList<>();
        if (allowNetworks != null) {
            for (String part : allowNetworks.split(",")) {
                if (!part.isBlank()) {
                    list.add(Cidr.parse(part));
                }
            }
        }
        return list;
    }

    public List<Cidr> allowed() {
        return allowed;
    }

    /**
     * Resolves {@code host} (a name or an address literal, IPv6 without brackets) and checks every address.
     * Blocking: call it off the event loop.
     *
     * @return the checked address to connect to, without a host name attached
     * @throws BlockedAddressException when an address is not allowed
     * @throws UnknownHostException when the name does not resolve
     */
    public InetAddress resolve(String host) throws BlockedAddressException, UnknownHostException {
        List<InetAddress> addresses = resolver.resolve(host);
        if (addresses.isEmpty()) {
            throw new UnknownHostException(host);
        }
        for (InetAddress address : addresses) {
            check(host, address);
        }
        InetAddress first = addresses.get(0);
        return InetAddress.getByAddress(first.getAddress());
    }

    /** Throws when {@code address} may not be fetched. */
    public void check(String host, InetAddress address) throws BlockedAddressException {
        AddressClass cls = AddressClassifier.classify(address);
        if (cls.blocked() && !isAllowListed(address)) {
            throw new BlockedAddressException(host, address, cls);
        }
    }

    private boolean isAllowListed(InetAddress address) {
        for (Cidr cidr : allowed) {
            if (cidr.contains(address)) {
                return true;
            }
        }
        return false;
    }
}
