package dev.latchkey.provider.custom;

import java.time.Duration;
import okhttp3.HttpUrl;

/**
 * The {@code custom-function} section of the configuration ({@code docs/providers/custom-function.md}
 * lists every setting with its default). Bound by the engine; every check here fails start-up with
 * a CONFIGURATION error that names the setting, never its value. {@link #toString()} never shows
 * the webhook secret.
 *
 * <p>Without {@code webhookUrl} the function runs in this process: the {@link AuthFunction} the
 * application registered, or else the one {@link java.util.ServiceLoader} finds. With it, every
 * log-in is a signed POST to that URL.
 *
 * @param webhookUrl where the function runs as a webhook; https, or http to this machine only.
 *     Absent (the default): the function runs in this process
 * @param webhookSecret the key of the requests' HMAC-SHA256 signatures, {@value #MIN_SECRET_LENGTH}-{@value #MAX_SECRET_LENGTH}
 *     printable ASCII characters; required with {@code webhookUrl}, refused without it
 * @param timeout how long one run of the function (in process or webhook) may take; default PT10S,
 *     more than zero and at most PT60S
 * @param maxPayloadBytes the largest credential payload, as UTF-8 JSON, that is passed on; default
 *     {@value #DEFAULT_MAX_PAYLOAD_BYTES}, 1 to {@value #MAX_MAX_PAYLOAD_BYTES}
 */
public record CustomFunctionSettings(String webhookUrl, String webhookSecret, Duration timeout, Integer maxPayloadBytes) {
    /** The timeout unless configured. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** The longest timeout accepted. */
    public static final Duration MAX_TIMEOUT = Duration.ofSeconds(60);
    /** The payload limit unless configured: 16 KiB. */
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 16_384;
    /** The largest payload limit accepted: 1 MiB. */
    public static final int MAX_MAX_PAYLOAD_BYTES = 1_048_576;
    /** The shortest webhook secret: 32 characters, enough for 128 random bits in any encoding. */
    public static final int MIN_SECRET_LENGTH = 32;
    /** The longest webhook secret. */
    public static final int MAX_SECRET_LENGTH = 512;

    /**
     * Checks the settings and fills defaults.
     *
     * @param webhookUrl see the record description
     * @param webhookSecret see the record description
     * @param timeout see the record description
     * @param maxPayloadBytes see the record description
     */
    public CustomFunctionSettings {
        if (webhookUrl != null) {
            webhookUrl = checkedUrl(webhookUrl);
            if (webhookSecret == null) {
                throw new IllegalArgumentException("webhookSecret is required with webhookUrl: the webhook checks each"
                        + " request's signature with it");
            }
        } else if (webhookSecret != null) {
            throw new IllegalArgumentException("webhookSecret is set but webhookUrl is not: set both, or neither for an"
                    + " in-process function");
        }
        if (webhookSecret != null && (webhookSecret.length() < MIN_SECRET_LENGTH || webhookSecret.length() > MAX_SECRET_LENGTH
                || !printableAscii(webhookSecret))) {
            throw new IllegalArgumentException("webhookSecret must be " + MIN_SECRET_LENGTH + "-" + MAX_SECRET_LENGTH
                    + " printable ASCII characters (for example 32 random bytes in hex)");
        }
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("timeout must be more than zero and at most " + MAX_TIMEOUT);
        }
        maxPayloadBytes = maxPayloadBytes == null ? DEFAULT_MAX_PAYLOAD_BYTES : maxPayloadBytes;
        if (maxPayloadBytes < 1 || maxPayloadBytes > MAX_MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("maxPayloadBytes must be 1-" + MAX_MAX_PAYLOAD_BYTES);
        }
    }

    /**
     * Whether the function is a webhook.
     *
     * @return true when {@code webhookUrl} is set
     */
    boolean webhook() {
        return webhookUrl != null;
    }

    /** Every setting but the webhook secret. */
    @Override
    public String toString() {
        return "CustomFunctionSettings[webhookUrl=" + (webhookUrl == null ? "null" : CustomJwtSettings.shownUrl(webhookUrl)) + ", webhookSecret=" + (webhookSecret == null ? "null" : "(hidden)")
                + ", timeout=" + timeout + ", maxPayloadBytes=" + maxPayloadBytes + "]";
    }

    private static String checkedUrl(String url) {
        HttpUrl parsed = HttpUrl.parse(url);
        if (parsed == null) {
            throw new IllegalArgumentException("webhookUrl must be an absolute https URL");
        }
        if (parsed.fragment() != null || !parsed.username().isEmpty() || !parsed.password().isEmpty()) {
            throw new IllegalArgumentException("webhookUrl must have no fragment or user info");
        }
        if (parsed.scheme().equals("http") && !isLoopback(parsed.host())) {
            throw new IllegalArgumentException("webhookUrl must use https: the requests carry users' credentials"
                    + " (http only for localhost)");
        }
        return parsed.toString();
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.equals("::1") || host.matches("127\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}");
    }

    private static boolean printableAscii(String s) {
        return s.chars().allMatch(c -> c > 0x20 && c < 0x7f);
    }
}
