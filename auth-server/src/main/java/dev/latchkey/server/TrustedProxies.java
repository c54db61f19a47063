package dev.latchkey.server;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The reverse proxies whose {@code X-Forwarded-For} header the server believes: addresses and
 * CIDR ranges. With none (the default) the client address is always the socket's peer, so a
 * client cannot choose the address the log-in throttle counts it under.
 */
public final class TrustedProxies {
    /** No proxy is trusted. */
    public static final TrustedProxies NONE = new TrustedProxies(List.of(), List.of());

    /** The most forwarded hops looked at: a longer header is a client padding it. */
    static final int MAX_HOPS = 20;

    private final List<Range> ranges;
    private final List<String> texts;

    private TrustedProxies(List<Range> ranges, List<String> texts) {
        this.ranges = List.copyOf(ranges);
        this.texts = List.copyOf(texts);
    }

    /**
     * Parses addresses ({@code 10.0.0.5}, {@code ::1}) and ranges ({@code 10.0.0.0/8}, {@code fd00::/8}).
     *
     * @param entries the configured entries
     * @return the trusted proxies
     * @throws IllegalArgumentException naming an entry that is neither
     */
    static TrustedProxies parse(List<String> entries) {
        List<Range> ranges = new ArrayList<>();
        for (String entry : entries) {
            int slash = entry.indexOf('/');
            String host = slash < 0 ? entry : entry.substring(0, slash);
            InetAddress address = IpAddresses.parse(host)
                    .orElseThrow(() -> new IllegalArgumentException("not an IP address or CIDR range: " + safe(entry)));
            int bits = address.getAddress().length * 8;
            int prefix = bits;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(entry.substring(slash + 1));
                } catch (NumberFormatException e) {
                    prefix = -1;
                }
                if (prefix < 0 || prefix > bits) {
                    throw new IllegalArgumentException("bad prefix length in " + safe(entry));
                }
            }
            ranges.add(new Range(address.getAddress(), prefix));
        }
        return new TrustedProxies(ranges, entries);
    }

    boolean isEmpty() {
        return ranges.isEmpty();
    }

    boolean trusts(InetAddress address) {
        byte[] bytes = address.getAddress();
        for (Range r : ranges) {
            if (r.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The client's address: the socket peer, unless the peer is a trusted proxy; then the
     * right-most address of {@code X-Forwarded-For} that is not a trusted proxy. An entry that
     * is not an IP literal ends the walk at the hop that sent it.
     *
     * @param peer the socket's remote address
     * @param forwardedFor every {@code X-Forwarded-For} header value, in order (may be empty)
     * @return the client's address
     */
    InetAddress clientAddress(InetAddress peer, List<String> forwardedFor) {
        if (ranges.isEmpty() || !trusts(peer) || forwardedFor.isEmpty()) {
            return peer;
        }
        List<String> hops = new ArrayList<>();
        for (String header : forwardedFor) {
            for (String hop : header.split(",", -1)) {
                hops.add(hop);
            }
        }
        InetAddress client = peer;
        int looked = 0;
        for (int i = hops.size() - 1; i >= 0 && looked < MAX_HOPS; i--, looked++) {
            Optional<InetAddress> hop = IpAddresses.parse(hops.get(i));
            if (hop.isEmpty()) {
                return client;
            }
            client = hop.get();
            if (!trusts(client)) {
                return client;
            }
        }
        return client;
    }

    private static String safe(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }

    @Override
    public String toString() {
        return texts.toString();
    }

    private record Range(byte[] network, int prefix) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[full] & mask) == (network[full] & mask);
        }
    }
}
