package io.trawl.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressGuardTest {

    /** A resolver with a fixed table (no DNS), falling back to literals. */
    private static final Map<String, List<String>> TABLE = Map.of(
            "intranet.example", List.of("10.1.2.3"),
            "metadata.example", List.of("169.254.169.254"),
            "mixed.example", List.of("93.184.216.34", "192.168.1.10"),
            "public.example", List.of("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"),
            "mapped.example", List.of("::ffff:10.0.0.1"));

    private static final HostResolver FAKE = host -> {
        List<String> addresses = TABLE.get(host);
        if (addresses == null) {
            return List.of(InetAddress.getAllByName(host));
        }
        return addresses.stream().map(a -> {
            try {
                return InetAddress.getByName(a);
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    };

    private final AddressGuard guard = new AddressGuard(List.of(), FAKE);

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
            "127.0.0.1, LOOPBACK", "127.255.0.9, LOOPBACK", "::1, LOOPBACK",
            "10.0.0.1, PRIVATE", "172.16.0.1, PRIVATE", "172.31.255.255, PRIVATE", "192.168.0.1, PRIVATE",
            "fc00::1, PRIVATE", "fd12:3456::1, PRIVATE",
            "169.254.169.254, LINK_LOCAL", "169.254.0.1, LINK_LOCAL", "fe80::1, LINK_LOCAL", "febf::1, LINK_LOCAL",
            "100.64.0.1, SHARED_CGNAT", "100.127.255.254, SHARED_CGNAT",
            "224.0.0.1, MULTICAST", "239.255.255.250, MULTICAST", "ff02::1, MULTICAST",
            "0.0.0.0, UNSPECIFIED", "::, UNSPECIFIED",
            "255.255.255.255, RESERVED", "240.0.0.1, RESERVED", "192.0.2.1, RESERVED", "0.1.2.3, RESERVED",
            "::ffff:127.0.0.1, LOOPBACK", "::ffff:169.254.169.254, LINK_LOCAL", "::ffff:10.0.0.1, PRIVATE",
            "::127.0.0.1, LOOPBACK", "64:ff9b::a00:1, PRIVATE", "2002:7f00:1::, LOOPBACK", "2002:c0a8:101::, PRIVATE",
            "93.184.216.34, PUBLIC", "8.8.8.8, PUBLIC", "172.32.0.1, PUBLIC", "100.128.0.1, PUBLIC",
            "2606:2800:220:1:248:1893:25c8:1946, PUBLIC", "::ffff:8.8.8.8, PUBLIC"})
    void classifiesAddresses(String address, AddressClass expected) throws Exception {
        assertThat(AddressClassifier.classify(InetAddress.getByName(address))).isEqualTo(expected);
    }

    @Test
    void ipv4MappedIpv6IsCheckedByItsIpv4AddressEvenAsRawBytes() throws Exception {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xFF;
        mapped[11] = (byte) 0xFF;
        mapped[12] = (byte) 169;
        mapped[13] = (byte) 254;
        mapped[14] = (byte) 169;
        mapped[15] = (byte) 254;
        InetAddress address = java.net.Inet6Address.getByAddress(null, mapped, -1);
        assertThat(AddressClassifier.classify(address)).isEqualTo(AddressClass.LINK_LOCAL);
    }

    @ParameterizedTest
    @CsvSource({"127.0.0.1", "localhost", "0.0.0.0", "169.254.169.254", "::1", "2130706433", "intranet.example",
            "metadata.example", "mixed.example", "mapped.example"})
    void refusesNonPublicHostsAfterResolution(String host) {
        assertThatThrownBy(() -> guard.resolve(host)).isInstanceOf(BlockedAddressException.class);
    }

    @Test
    void aHostnameResolvingToAPrivateAddressIsRefusedWithItsAddress() {
        assertThatThrownBy(() -> guard.resolve("intranet.example"))
                .isInstanceOf(BlockedAddressException.class)
                .hasMessageContaining("10.1.2.3").hasMessageContaining("private");
    }

    @Test
    void returnsTheCheckedAddressWithoutItsName() throws Exception {
        InetAddress address = guard.resolve("public.example");
        assertThat(address.getHostAddress()).isEqualTo("93.184.216.34");
        assertThat(address.toString()).startsWith("/"); // no host name attached: nothing to look up again
    }

    @Test
    void theAllowListLetsOperatorNetworksThrough() throws Exception {
        AddressGuard allowing = new AddressGuard(AddressGuard.parseAllowList("127.0.0.1/32, 10.0.0.0/8"), FAKE);
        assertThat(allowing.resolve("127.0.0.1").getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(allowing.resolve("intranet.example").getHostAddress()).isEqualTo("10.1.2.3");
        assertThatThrownBy(() -> allowing.resolve("127.0.0.2")).isInstanceOf(BlockedAddressException.class);
        assertThatThrownBy(() -> allowing.resolve("metadata.example")).isInstanceOf(BlockedAddressException.class);
    }

    @Test
    void theDefaultAllowsNone() {
        assertThat(AddressGuard.of("").allowed()).isEmpty();
        assertThat(AddressGuard.of(null).allowed()).isEmpty();
    }

    @Test
    void cidrsMatchTheirNetworkOnly() throws Exception {
        Cidr net = Cidr.parse("172.16.0.0/12");
        assertThat(net.contains(InetAddress.getByName("172.20.1.1"))).isTrue();
        assertThat(net.contains(InetAddress.getByName("172.32.0.1"))).isFalse();
        assertThat(Cidr.parse("fd00::/8").contains(InetAddress.getByName("fd12::1"))).isTrue();
        assertThat(Cidr.parse("fd00::/8").contains(InetAddress.getByName("10.0.0.1"))).isFalse();
        assertThatThrownBy(() -> Cidr.parse("example.com/8")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
    }
}
