package io.trawl.guard;

import java.net.InetAddress;

/** The address guard refused a host: it resolves to a network the fetcher must not reach. */
public class BlockedAddressException extends Exception {

    private final transient InetAddress address;
    private final AddressClass addressClass;

    public BlockedAddressException(String host, InetAddress address, AddressClass addressClass) {
        super(host + " resolves to " + address.getHostAddress() + " ("
                + addressClass.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + " address)");
        this.address = address;
        this.addressClass = addressClass;
    }

    public InetAddress address() {
        return address;
    }

    public AddressClass addressClass() {
        return addressClass;
    }
}
