package dev.latchkey.provider.email;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.time.Duration;
import java.util.Locale;

/**
 * How the provider reaches its mail server, bound from the configuration by Gson. Every component
 * may be left out (null); the canonical constructor fills in the defaults and checks the bounds,
 * throwing {@link IllegalArgumentException} with a message that names the setting but never its
 * value (the engine reports it as a {@code CONFIGURATION} error; a value might be a password).
 *
 * <pre>{@code
 * "smtp": { "host": "smtp.example.com", "username": "latchkey", "password": "...",
 *           "from": "My App <no-reply@example.com>" }
 * }</pre>
 *
 * <p>Security modes: {@code "starttls"} (the default) connects in the clear and must upgrade with
 * STARTTLS before anything else is sent; a server that does not offer it fails the send instead of
 * getting the mail in the clear. {@code "tls"} is SMTPS: TLS from the first byte (usually port 465).
 * Both check the server's certificate and host name. {@code "none"} sends everything, including
 * the confirmation and reset links, in the clear: it is for tests and for a relay on the same host or
 * a private network only. With a {@code username} and {@code password} it is refused unless the
 * host is this machine ({@code localhost}, {@code 127.x.y.z}, {@code ::1} or {@code [::1]}): the
 * password would otherwise cross the network in clear text.
 *
 * @param host the SMTP server's host name or address; null when mail is not configured
 * @param port the server's port: 1 to 65535; by default 587 for starttls, 465 for tls, 25 for none
 * @param security {@code "starttls"} (default), {@code "tls"} or {@code "none"}
 * @param username the log-in name; with {@code password}, or neither (then no SMTP authentication)
 * @param password the log-in password; never shown by {@link #toString()}
 * @param from the sender, e.g. {@code "My App <no-reply@example.com>"}; required when {@code host} is set
 * @param timeout the limit for connecting and for each read and write: 1 second to 2 minutes, default 10 s
 * @param maxAttempts how often one mail is tried before it is reported as failed: 1 to 10, default 3
 * @param retryDelay the wait before the first retry, doubled before each further one: 100 ms to
 *     10 minutes, default 2 s
 */
public record SmtpSettings(String host, Integer port, String security, String username, String password, String from,
                           Duration timeout, Integer maxAttempts, Duration retryDelay) {
    /** The default {@code security}. */
    public static final String STARTTLS = "starttls";
    /** SMTPS, implicit TLS. */
    public static final String TLS = "tls";
    /** No encryption at all; see the record description. */
    public static final String NONE = "none";

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration MIN_TIMEOUT = Duration.ofSeconds(1);
    static final Duration MAX_TIMEOUT = Duration.ofMinutes(2);
    static final int DEFAULT_MAX_ATTEMPTS = 3;
    static final int MAX_MAX_ATTEMPTS = 10;
    static final Duration DEFAULT_RETRY_DELAY = Duration.ofSeconds(2);
    static final Duration MIN_RETRY_DELAY = Duration.ofMillis(100);
    static final Duration MAX_RETRY_DELAY = Duration.ofMinutes(10);
    /** RFC 1035's limit on a domain name. */
    private static final int MAX_HOST_LENGTH = 253;

    /**
     * Fills in the defaults and checks every setting.
     *
     * @throws IllegalArgumentException naming the first setting that is wrong
     */
    public SmtpSettings {
        if (host != null) {
            host = host.strip();
            if (host.isEmpty() || host.length() > MAX_HOST_LENGTH || !host.chars().allMatch(SmtpSettings::hostCharacter)) {
                throw invalid("host", "must be a host name or an IP address");
            }
        }
        security = security == null ? STARTTLS : security.strip().toLowerCase(Locale.ROOT);
        if (!security.equals(STARTTLS) && !security.equals(TLS) && !security.equals(NONE)) {
            throw invalid("security", "must be \"starttls\", \"tls\" or \"none\"");
        }
        if (port == null) {
            port = switch (security) {
                case TLS -> 465;
                case NONE -> 25;
                default -> 587;
            };
        } else if (port < 1 || port > 65_535) {
            throw invalid("port", "must be from 1 to 65535");
        }
        if ((username == null) != (password == null)) {
            throw invalid(username == null ? "username" : "password", "must be set together with "
                    + (username == null ? "password" : "username") + ", or neither");
        }
        if (username != null && (username.isBlank() || hasLineBreakOrNul(username))) {
            throw invalid("username", "must not be blank or contain CR, LF or NUL");
        }
        if (password != null && (password.isEmpty() || hasLineBreakOrNul(password))) {
            throw invalid("password", "must not be empty or contain CR, LF or NUL");
        }
        if (username != null && security.equals(NONE) && host != null && !loopback(host)) {
            throw new IllegalArgumentException("SMTP settings 'username'/'password' need 'security' starttls or tls"
                    + " unless 'host' is this machine: the password would travel in clear text");
        }
        if (from == null) {
            if (host != null) {
                throw invalid("from", "is required when host is set");
            }
        } else {
            from = from.strip();
            checkSender(from);
        }
        timeout = within("timeout", timeout, DEFAULT_TIMEOUT, MIN_TIMEOUT, MAX_TIMEOUT);
        if (maxAttempts == null) {
            maxAttempts = DEFAULT_MAX_ATTEMPTS;
        } else if (maxAttempts < 1 || maxAttempts > MAX_MAX_ATTEMPTS) {
            throw invalid("maxAttempts", "must be from 1 to " + MAX_MAX_ATTEMPTS);
        }
        retryDelay = within("retryDelay", retryDelay, DEFAULT_RETRY_DELAY, MIN_RETRY_DELAY, MAX_RETRY_DELAY);
    }

    /**
     * Settings for a server that needs no log-in, with every other default.
     *
     * @param host the server
     * @param from the sender address
     * @return the settings
     */
    public static SmtpSettings of(String host, String from) {
        return new SmtpSettings(host, null, null, null, null, from, null, null, null);
    }

    /**
     * Whether a mail server is configured at all.
     *
     * @return true when {@code host} is set
     */
    public boolean configured() {
        return host != null;
    }

    /**
     * Whether the sender logs in to the server.
     *
     * @return true when {@code username} and {@code password} are set
     */
    public boolean authenticates() {
        return username != null;
    }

    /** Every setting but the password, which shows only whether it is set. */
    @Override
    public String toString() {
        return "SmtpSettings[host=" + host + ", port=" + port + ", security=" + security
                + ", username=" + username + ", password=" + (password == null ? "(none)" : "(set)")
                + ", from=" + from + ", timeout=" + timeout + ", maxAttempts=" + maxAttempts
                + ", retryDelay=" + retryDelay + "]";
    }

    private static void checkSender(String from) {
        if (from.isEmpty() || hasLineBreakOrNul(from)) {
            // A CR or LF in the sender would let the configuration forge headers in every mail.
            throw invalid("from", "must be an email address without CR, LF or NUL");
        }
        try {
            InternetAddress parsed = new InternetAddress(from, true);
            parsed.validate();
            if (parsed.getAddress() == null || parsed.getAddress().indexOf('@') < 1) {
                throw invalid("from", "must be an address with a domain, such as no-reply@example.com");
            }
        } catch (AddressException e) {
            // The library's message quotes the text it could not parse: it stays out of ours.
            throw invalid("from", "is not a valid email address (RFC 822)");
        }
    }

    private static Duration within(String name, Duration value, Duration fallback, Duration min, Duration max) {
        if (value == null) {
            return fallback;
        }
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw invalid(name, "must be from " + min + " to " + max);
        }
        return value;
    }

    private static boolean hostCharacter(int c) {
        // Letters, digits, '-' and '.' for names (IDNs in their ASCII form); ':' and brackets for IPv6 literals.
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || c == '-' || c == '.' || c == ':' || c == '[' || c == ']';
    }

    /**
     * Whether the host names this machine, decided from the text alone: no name is looked up, so a
     * name that merely resolves to a loopback address does not count.
     */
    static boolean loopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.equals("localhost") || h.equals("::1") || h.equals("[::1]")) {
            return true;
        }
        String[] parts = h.split("\\.", -1);
        if (parts.length != 4 || !parts[0].equals("127")) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')
                    || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    static boolean hasLineBreakOrNul(String s) {
        return s.indexOf('\r') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\0') >= 0;
    }

    private static IllegalArgumentException invalid(String setting, String rule) {
        return new IllegalArgumentException("SMTP setting '" + setting + "' " + rule);
    }
}
