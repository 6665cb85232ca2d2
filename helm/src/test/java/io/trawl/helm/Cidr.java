package io.trawl.helm;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** CIDR membership, to check what a NetworkPolicy ipBlock lets through. */
final class Cidr {

    private Cidr() {
    }

    static boolean contains(String cidr, String address) {
        String[] parts = cidr.split("/");
        byte[] network = bytes(parts[0]);
        byte[] host = bytes(address);
        if (network.length != host.length) {
            return false;
        }
        int prefix = Integer.parseInt(parts[1]);
        int bits = network.length * 8;
        BigInteger mask = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
                .shiftRight(prefix).xor(BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE));
        return new BigInteger(1, network).and(mask).equals(new BigInteger(1, host).and(mask));
    }

    private static byte[] bytes(String literal) {
        try {
            return InetAddress.getByName(literal).getAddress(); // a literal: no DNS look-up
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
