package io.trawl.guard;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** Name resolution (blocking). The default asks the operating system; tests substitute a fixed table. */
@FunctionalInterface
public interface HostResolver {

    HostResolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));

    List<InetAddress> resolve(String host) throws UnknownHostException;
}
