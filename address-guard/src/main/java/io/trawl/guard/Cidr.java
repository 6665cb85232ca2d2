package io.trawl.guard;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** A network in CIDR notation ({@code 10.0.0.0/8}, {@code fc00::/7}); a bare address is a single host. */
public final class Cidr {

    private final byte[] network;
    private final int prefix;
    private final String text;

    private Cidr(byte[] network, int prefix, String text) {
        this.network = network;
        this.prefix = prefix;
        this.text = text;
    }

    /**
     * Parses {@code address[/prefix]}. Only numeric addresses are accepted (no DNS lookup).
     *
     * @throws IllegalArgumentException when the text is not a CIDR
     */
    public static Cidr parse(String cidr) {
        String s = cidr.strip();
        int slash = s.indexOf('/');
        String address = slash < 0 ? s : s.substring(0, slash);
        if (!isNumeric(address)) {
            throw new IllegalArgumentException("not a numeric address: " + cidr);
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address: " + cidr, e);
        }
        int bits = bytes.length * 8;
        int prefix;
        try {
            prefix = slash < 0 ? bits : Integer.parseInt(s.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad prefix length: " + cidr, e);
        }
        if (prefix < 0 || prefix > bits) {
            throw new IllegalArgumentException("prefix length out of range: " + cidr);
        }
        return new Cidr(mask(bytes, prefix), prefix, s);
    }

    /** True when {@code address} (of the same family) lies in this network. */
    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        return bytes.length == network.length && Arrays.equals(mask(bytes, prefix), network);
    }

    private static byte[] mask(byte[] bytes, int prefix) {
        byte[] out = bytes.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] = (byte) (out[i] & (0xFF << (8 - keep)));
        }
        return out;
    }

    private static boolean isNumeric(String address) {
        return !address.isEmpty() && (address.indexOf(':') >= 0 || address.chars().allMatch(c -> c == '.' || Character.isDigit(c)));
    }

    @Override
    public String toString() {
        return text;
    }
}
