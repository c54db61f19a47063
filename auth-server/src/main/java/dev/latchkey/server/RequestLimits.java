package dev.latchkey.server;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The server's per-client rate limits ({@link RateLimits}), checked before a request's body is
 * read: one bucket per client over every request, and a smaller one over the {@code local-userpass}
 * routes that send mail or run the application's functions. A refusal is 429
 * {@code TooManyRequests} with {@code Retry-After}.
 *
 * <p>Why a mail limit on top of the engine's: the engine keeps a mail budget per email address
 * (its throttle's account limit, 10 per 15 minutes by default), but its extension API has no
 * source, so without this anyone could spend a victim's budget and stop their reset mails. Here one
 * client gets {@code mailBurst} (5) such requests and then one every three minutes, less than the
 * engine's budget drains, so one client alone can never empty an address's budget.
 *
 * <p>A client is its address as {@link ApiHandler} computes it (trusted proxies aware), with IPv6
 * addresses grouped by /64: one host commonly holds a whole /64 and could otherwise take a fresh
 * bucket per request.
 */
final class RequestLimits {
    /** The {@code local-userpass} actions that can send mail or run a function. */
    static final Set<String> MAIL_ACTIONS = Set.of("register", "confirm/send", "confirm/call", "reset/send", "reset/call");

    private final TokenBuckets requests;
    private final TokenBuckets mail;

    RequestLimits(RateLimits limits, Clock clock) {
        if (limits.enabled()) {
            this.requests = new TokenBuckets("request rate limit", limits.burst(),
                    Duration.ofMinutes(1).dividedBy(limits.requestsPerMinute()), limits.maxTrackedAddresses(), clock);
            this.mail = new TokenBuckets("mail rate limit", limits.mailBurst(),
                    Duration.ofHours(1).dividedBy(limits.mailRequestsPerHour()), limits.maxTrackedAddresses(), clock);
        } else {
            this.requests = null;
            this.mail = null;
        }
    }

    /**
     * Counts a request against its client's limits.
     *
     * @param method the method, upper case
     * @param path the decoded path
     * @param client the client's address
     * @throws ApiError 429 {@code TooManyRequests} with {@code Retry-After} when a limit is spent
     */
    void admit(String method, String path, String client) {
        if (requests == null) {
            return;
        }
        String key = clientKey(client);
        refuseIfWaiting(requests.take(key), "too many requests from this address");
        if (method.equals("POST") && isMailRoute(path)) {
            refuseIfWaiting(mail.take(key), "too many account mails asked for from this address");
        }
    }

    private static void refuseIfWaiting(Duration wait, String what) {
        if (wait.isZero()) {
            return;
        }
        long seconds = retryAfterSeconds(wait);
        throw new ApiError(429, "TooManyRequests", what + ": try again in " + seconds + " s",
                Map.of("Retry-After", Long.toString(seconds)));
    }

    /** Whole seconds, rounded up: a client told 0 would come straight back. */
    static long retryAfterSeconds(Duration wait) {
        return Math.max(1, wait.getSeconds() + (wait.getNano() > 0 ? 1 : 0));
    }

    /** {@code /api/client/v2.0/app/{any app}/auth/providers/local-userpass/{mail action}}, trailing slash or not. */
    static boolean isMailRoute(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        List<String> s = List.of(p.split("/", -1));
        if (s.size() < 8 || !s.subList(0, 3).equals(List.of("api", "client", "v2.0")) || !s.get(3).equals("app")
                || !s.subList(5, 8).equals(List.of("auth", "providers", "local-userpass"))) {
            return false;
        }
        return MAIL_ACTIONS.contains(String.join("/", s.subList(8, s.size())));
    }

    /**
     * What one client is: an IPv4 address, or the /64 network of an IPv6 address.
     *
     * @param client the address as text
     * @return the key of its buckets
     */
    static String clientKey(String client) {
        Optional<InetAddress> parsed = IpAddresses.parse(client);
        if (parsed.isEmpty() || !(parsed.get() instanceof Inet6Address)) {
            return client;
        }
        byte[] bytes = parsed.get().getAddress();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i += 2) {
            sb.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
        }
        return sb.append(":/64").toString();
    }
}
