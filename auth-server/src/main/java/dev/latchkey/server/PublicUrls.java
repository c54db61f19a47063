package dev.latchkey.server;

import java.net.InetAddress;
import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * What the server tells clients its own URL is ({@code location}'s {@code hostname}, the
 * discovery document's {@code jwks_uri}), without trusting the {@code Host} header: a client
 * that sends {@code Host: evil.example} must not make the server hand other clients a URL of
 * the attacker's choosing (through a cache, or a client that follows it).
 *
 * <ul>
 *   <li>With {@code server.publicUrl} set, that URL, whatever the request says.</li>
 *   <li>Otherwise, on a loopback address, the request's {@code Host} when it names this server
 *       ({@code localhost}, {@code 127.0.0.1} or {@code [::1]} with the listening port), so a
 *       client that came in as {@code localhost} is sent back to {@code localhost}; any other
 *       {@code Host} gets the listening URL.</li>
 *   <li>Otherwise the listening URL. A wildcard address (0.0.0.0, ::) has none that clients can
 *       use, so the server refuses to start on one without {@code server.publicUrl}.</li>
 * </ul>
 */
final class PublicUrls {
    private final URI publicUrl;
    private final String listeningUrl;
    private final Set<String> loopbackHosts;

    PublicUrls(URI publicUrl, InetAddress bound, int port) {
        this.publicUrl = publicUrl;
        this.listeningUrl = "http://" + hostText(bound) + ":" + port;
        this.loopbackHosts = bound.isLoopbackAddress()
                ? Set.of("localhost:" + port, "127.0.0.1:" + port, "[::1]:" + port)
                : Set.of();
    }

    static String hostText(InetAddress address) {
        String text = IpAddresses.text(address);
        return text.indexOf(':') >= 0 ? "[" + text + "]" : text;
    }

    /** The URL the server listens on. */
    String listeningUrl() {
        return listeningUrl;
    }

    /**
     * The base URL to give a client.
     *
     * @param hostHeader the request's {@code Host}, or null
     * @return scheme, host and port, without a trailing slash
     */
    String baseFor(String hostHeader) {
        if (publicUrl != null) {
            return publicUrl.toString();
        }
        if (hostHeader != null && loopbackHosts.contains(hostHeader.strip().toLowerCase(Locale.ROOT))) {
            return "http://" + hostHeader.strip().toLowerCase(Locale.ROOT);
        }
        return listeningUrl;
    }

    /** The WebSocket form of a base URL: {@code ws://} for {@code http://}, {@code wss://} for {@code https://}. */
    static String websocket(String base) {
        return base.startsWith("https://") ? "wss://" + base.substring(8) : "ws://" + base.substring(base.indexOf("://") + 3);
    }
}
