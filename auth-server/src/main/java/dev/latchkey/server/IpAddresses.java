package dev.latchkey.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/** IP address literals, parsed without ever asking DNS. */
final class IpAddresses {
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private IpAddresses() {
    }

    /**
     * Parses an IPv4 or IPv6 literal ({@code [::1]} brackets allowed).
     *
     * @param text the candidate, from outside
     * @return the address, or empty when the text is not a literal
     */
    static Optional<InetAddress> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String s = text.strip();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        var v4 = IPV4.matcher(s);
        if (v4.matches()) {
            for (int i = 1; i <= 4; i++) {
                if (Integer.parseInt(v4.group(i)) > 255) {
                    return Optional.empty();
                }
            }
        } else if (!(s.indexOf(':') >= 0 && IPV6.matcher(s).matches())) {
            // Anything else could be a host name, and InetAddress would resolve it: refuse it here.
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(s));
        } catch (UnknownHostException | SecurityException e) {
            return Optional.empty();
        }
    }

    /**
     * The address as it appears in logs and throttles: canonical text, without brackets.
     *
     * @param address the address
     * @return its text
     */
    static String text(InetAddress address) {
        return address.getHostAddress();
    }
}
