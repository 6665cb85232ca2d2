package io.trawl.guard;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Classifies an IP address (pure, no I/O). IPv6 forms that embed an IPv4 address (IPv4-mapped
 * {@code ::ffff:a.b.c.d}, IPv4-compatible {@code ::a.b.c.d}, NAT64 {@code 64:ff9b::/96}, 6to4 {@code 2002::/16})
 * are classified by the IPv4 address they carry, so {@code ::ffff:127.0.0.1} is loopback.
 */
public final class AddressClassifier {

    private AddressClassifier() {
    }

    public static AddressClass classify(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return classifyV4(b);
        }
        if (address instanceof Inet6Address) {
            return classifyV6(b);
        }
        return AddressClass.RESERVED;
    }

    static AddressClass classifyV4(byte[] b) {
        int a0 = b[0] & 0xFF;
        int a1 = b[1] & 0xFF;
        int a2 = b[2] & 0xFF;
        if (a0 == 0) {
            return (a1 | a2 | (b[3] & 0xFF)) == 0 ? AddressClass.UNSPECIFIED : AddressClass.RESERVED;
        }
        if (a0 == 127) {
            return AddressClass.LOOPBACK;
        }
        if (a0 == 10 || a0 == 172 && (a1 & 0xF0) == 16 || a0 == 192 && a1 == 168) {
            return AddressClass.PRIVATE;
        }
        if (a0 == 169 && a1 == 254) {
            return AddressClass.LINK_LOCAL;
        }
        if (a0 == 100 && (a1 & 0xC0) == 64) {
            return AddressClass.SHARED_CGNAT;
        }
        if (a0 >= 224 && a0 <= 239) {
            return AddressClass.MULTICAST;
        }
        if (a0 >= 240 // 240/4 reserved and 255.255.255.255 broadcast
                || a0 == 192 && a1 == 0 && (a2 == 0 || a2 == 2) // IETF protocol assignments, TEST-NET-1
                || a0 == 198 && (a1 & 0xFE) == 18 // benchmarking 198.18/15
                || a0 == 198 && a1 == 51 && a2 == 100 // TEST-NET-2
                || a0 == 203 && a1 == 0 && a2 == 113 // TEST-NET-3
                || a0 == 192 && a1 == 88 && a2 == 99) { // 6to4 relay anycast
            return AddressClass.RESERVED;
        }
        return AddressClass.PUBLIC;
    }

    static AddressClass classifyV6(byte[] b) {
        boolean zero10 = allZero(b, 0, 10);
        if (zero10 && (b[10] & 0xFF) == 0xFF && (b[11] & 0xFF) == 0xFF) {
            return classifyV4(slice(b, 12)); // IPv4-mapped
        }
        if (zero10 && b[10] == 0 && b[11] == 0) {
            if (allZero(b, 12, 16)) {
                return AddressClass.UNSPECIFIED; // ::
            }
            if (allZero(b, 12, 15) && b[15] == 1) {
                return AddressClass.LOOPBACK; // ::1
            }
            return classifyV4(slice(b, 12)); // IPv4-compatible (deprecated)
        }
        int b0 = b[0] & 0xFF;
        int b1 = b[1] & 0xFF;
        if (b0 == 0x00 && b1 == 0x64 && (b[2] & 0xFF) == 0xFF && (b[3] & 0xFF) == 0x9B && allZero(b, 4, 12)) {
            return classifyV4(slice(b, 12)); // NAT64 64:ff9b::/96
        }
        if (b0 == 0x20 && b1 == 0x02) {
            return classifyV4(slice(b, 2)); // 6to4 2002:aabb:ccdd::/48
        }
        if ((b0 & 0xFE) == 0xFC) {
            return AddressClass.PRIVATE; // fc00::/7 unique local
        }
        if (b0 == 0xFE && (b1 & 0xC0) == 0x80) {
            return AddressClass.LINK_LOCAL; // fe80::/10
        }
        if (b0 == 0xFE && (b1 & 0xC0) == 0xC0) {
            return AddressClass.PRIVATE; // fec0::/10 site-local (deprecated)
        }
        if (b0 == 0xFF) {
            return AddressClass.MULTICAST;
        }
        if (b0 == 0x20 && b1 == 0x01 && b[2] == 0 && b[3] == 0 // Teredo 2001::/32
                || b0 == 0x20 && b1 == 0x01 && (b[2] & 0xFF) == 0x0D && (b[3] & 0xFF) == 0xB8 // documentation
                || b0 == 0x01 && b1 == 0x00 && allZero(b, 2, 8) // discard-only 100::/64
                || (b0 & 0xE0) != 0x20) { // outside global unicast 2000::/3
            return AddressClass.RESERVED;
        }
        return AddressClass.PUBLIC;
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static byte[] slice(byte[] b, int from) {
        return new byte[] {b[from], b[from + 1], b[from + 2], b[from + 3]};
    }
}
