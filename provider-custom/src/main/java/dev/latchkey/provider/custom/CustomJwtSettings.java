package dev.latchkey.provider.custom;

import com.google.gson.annotations.SerializedName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import okhttp3.HttpUrl;

/**
 * The {@code custom-token} section of the configuration ({@code docs/providers/custom-token.md}
 * lists every setting with its default). Bound by the engine; every check here fails start-up with
 * a CONFIGURATION error that names the setting, never its value.
 *
 * <p>Exactly one way of checking signatures is configured, and the key decides the algorithm:
 * {@code hs256Secrets} (HS256), {@code publicKeys} (RS256, ES256 or EdDSA, by the key's type), or
 * {@code jwkUri} (a JWK Set; each key's type decides).
 *
 * @param hs256Secrets 1-3 shared secrets of {@value #MIN_SECRET_LENGTH}-{@value #MAX_SECRET_LENGTH}
 *     characters (their UTF-8 bytes are the HMAC key); a token signed with any of them is accepted,
 *     so a secret can be rotated
 * @param publicKeys 1-{@value #MAX_PUBLIC_KEYS} PEM public keys ({@code -----BEGIN PUBLIC KEY-----}):
 *     RSA of 2048+ bits (RS256), EC P-256 (ES256) or Ed25519 (EdDSA)
 * @param jwkUri the issuer's JWK Set: https, or http to this machine only; tokens need a {@code kid}
 * @param audiences what {@code aud} must hold; default the app id
 * @param requireAllAudiences true: {@code aud} must hold every one of {@code audiences}; false
 *     (default): at least one
 * @param issuer the {@code iss} every token must carry; not checked when absent
 * @param clockSkew how far the clocks may disagree for {@code exp}, {@code nbf} and {@code iat}
 *     (default PT30S, at most PT5M)
 * @param metadataFields claims copied into the user's profile (at most {@value #MAX_METADATA_FIELDS})
 * @param timeout how long one fetch of the JWK Set may take (default PT10S, at most PT30S)
 * @param jwksCacheTime how long fetched keys are used before they are fetched again (default PT5M,
 *     PT1M to P1D)
 * @param jwksOutageTolerance how long after a good fetch its keys keep serving while the JWK Set
 *     cannot be had (default PT1H, more than {@code jwksCacheTime}, at most P7D); then log-ins fail closed
 * @param jwksRefetchInterval the least time between fetches made for unknown {@code kid}s (default
 *     PT30S, PT1S to PT1H, less than {@code jwksCacheTime}): a flood of made-up key ids costs at most
 *     two fetches per interval
 * @param signingAlgorithm optional, as App Services' {@code signingAlgorithm}: {@code HS256}, {@code RS256},
 *     {@code ES256} or {@code EdDSA}. The configured keys decide the algorithm whatever this says; when
 *     given, it must be the algorithm they imply (HS256 for secrets; a JWK Set URL is RS256 unless its
 *     keys say otherwise), or start-up fails
 */
public record CustomJwtSettings(List<String> hs256Secrets, List<String> publicKeys,
                                @SerializedName(value = "jwkUri", alternate = "jwkURI") String jwkUri, List<String> audiences,
                                Boolean requireAllAudiences, String issuer, Duration clockSkew,
                                List<MetadataField> metadataFields, Duration timeout, Duration jwksCacheTime,
                                Duration jwksOutageTolerance, Duration jwksRefetchInterval, String signingAlgorithm) {
    /** The algorithms a configured key can imply; {@code signingAlgorithm}, when given, must be the one its keys imply. */
    public static final List<String> ALGORITHMS = List.of("HS256", "RS256", "ES256", "EdDSA");
    /** The shortest HS256 secret: 32 characters, so at least the 256 bits HS256 needs. */
    public static final int MIN_SECRET_LENGTH = 32;
    /** The longest HS256 secret. */
    public static final int MAX_SECRET_LENGTH = 512;
    /** The most HS256 secrets. */
    public static final int MAX_SECRETS = 3;
    /** The most PEM public keys. */
    public static final int MAX_PUBLIC_KEYS = 10;
    /** The most audiences. */
    public static final int MAX_AUDIENCES = 20;
    /** The most metadata fields. */
    public static final int MAX_METADATA_FIELDS = 50;

    private static final Duration DEFAULT_SKEW = Duration.ofSeconds(30);
    private static final Duration MAX_SKEW = Duration.ofMinutes(5);
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration MAX_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration DEFAULT_CACHE = Duration.ofMinutes(5);
    private static final Duration DEFAULT_OUTAGE = Duration.ofHours(1);
    private static final Duration DEFAULT_REFETCH = Duration.ofSeconds(30);

    /**
     * A claim copied into the profile, as App Services' {@code metadata_fields}.
     *
     * @param required when true, a token without the claim is refused (default false)
     * @param name where the claim is: a dot path into the claims ({@code user.address.city}); a dot
     *     that is part of a claim name is written {@code \.}, a backslash {@code \\}
     * @param fieldName the profile field it becomes; default the path's last segment. {@code name},
     *     {@code email}, {@code picture}, {@code first_name}, {@code last_name}, {@code gender},
     *     {@code birthday}, {@code min_age} and {@code max_age} also fill the typed profile fields
     */
    public record MetadataField(Boolean required, String name, @SerializedName("field_name") String fieldName) {
        /** The longest path. */
        public static final int MAX_NAME_LENGTH = 256;
        /** The longest field name. */
        public static final int MAX_FIELD_NAME_LENGTH = 128;

        /**
         * Fills defaults and checks the field.
         *
         * @param required see the record description
         * @param name see the record description
         * @param fieldName see the record description
         */
        public MetadataField {
            required = Boolean.TRUE.equals(required);
            if (name == null || name.isEmpty() || name.length() > MAX_NAME_LENGTH || !printableAscii(name)) {
                throw new IllegalArgumentException("metadataFields: every name is a dot path of 1-" + MAX_NAME_LENGTH
                        + " printable ASCII characters");
            }
            List<String> path = parsePath(name);
            fieldName = fieldName == null ? path.get(path.size() - 1) : fieldName;
            if (fieldName.isEmpty() || fieldName.length() > MAX_FIELD_NAME_LENGTH || !printableAscii(fieldName)) {
                throw new IllegalArgumentException("metadataFields: every field_name is 1-" + MAX_FIELD_NAME_LENGTH
                        + " printable ASCII characters");
            }
        }

        /**
         * The path's segments, escapes resolved.
         *
         * @return the claim names from the top of the claims down
         */
        public List<String> path() {
            return parsePath(name);
        }

        /** Splits on unescaped dots; {@code \.} is a dot and {@code \\} a backslash inside a segment. */
        static List<String> parsePath(String name) {
            List<String> segments = new ArrayList<>();
            StringBuilder segment = new StringBuilder();
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                if (c == '\\') {
                    if (i + 1 >= name.length() || (name.charAt(i + 1) != '.' && name.charAt(i + 1) != '\\')) {
                        throw new IllegalArgumentException("metadataFields: in a name, a backslash is followed by '.' or '\\'");
                    }
                    segment.append(name.charAt(++i));
                } else if (c == '.') {
                    segments.add(segment.toString());
                    segment.setLength(0);
                } else {
                    segment.append(c);
                }
            }
            segments.add(segment.toString());
            if (segments.stream().anyMatch(String::isEmpty)) {
                throw new IllegalArgumentException("metadataFields: a name has an empty segment (two dots in a row, or a dot at an end)");
            }
            return List.copyOf(segments);
        }
    }

    /**
     * Fills defaults and checks every setting.
     *
     * @param hs256Secrets see the record description
     * @param publicKeys see the record description
     * @param jwkUri see the record description
     * @param audiences see the record description
     * @param requireAllAudiences see the record description
     * @param issuer see the record description
     * @param clockSkew see the record description
     * @param metadataFields see the record description
     * @param timeout see the record description
     * @param jwksCacheTime see the record description
     * @param jwksOutageTolerance see the record description
     * @param jwksRefetchInterval see the record description
     * @param signingAlgorithm see the record description
     */
    public CustomJwtSettings {
        int kinds = (hs256Secrets != null ? 1 : 0) + (publicKeys != null ? 1 : 0) + (jwkUri != null ? 1 : 0);
        if (kinds != 1) {
            throw new IllegalArgumentException("exactly one of hs256Secrets, publicKeys and jwkUri must be set: it decides the"
                    + " signing algorithm");
        }
        if (signingAlgorithm != null) {
            if (!ALGORITHMS.contains(signingAlgorithm)) {
                throw new IllegalArgumentException("signingAlgorithm must be one of " + ALGORITHMS);
            }
            if ((hs256Secrets != null) != signingAlgorithm.equals("HS256")) {
                throw new IllegalArgumentException("signingAlgorithm does not match the keys: HS256 goes with hs256Secrets,"
                        + " the others with publicKeys or jwkUri");
            }
        }
        if (hs256Secrets != null) {
            hs256Secrets = checkedSecrets(hs256Secrets);
        }
        if (publicKeys != null) {
            publicKeys = checkedPublicKeys(publicKeys);
        }
        if (jwkUri != null) {
            checkJwkUri(jwkUri);
        }
        audiences = audiences == null ? null : checkedList("audiences", audiences, MAX_AUDIENCES, 255);
        requireAllAudiences = Boolean.TRUE.equals(requireAllAudiences);
        if (issuer != null && (issuer.isEmpty() || issuer.length() > 255 || !printableAscii(issuer))) {
            throw new IllegalArgumentException("issuer must be 1-255 printable ASCII characters");
        }
        clockSkew = between("clockSkew", clockSkew == null ? DEFAULT_SKEW : clockSkew, Duration.ZERO, MAX_SKEW);
        metadataFields = checkedMetadata(metadataFields);
        timeout = between("timeout", timeout == null ? DEFAULT_TIMEOUT : timeout, Duration.ofMillis(1), MAX_TIMEOUT);
        jwksCacheTime = between("jwksCacheTime", jwksCacheTime == null ? DEFAULT_CACHE : jwksCacheTime,
                Duration.ofMinutes(1), Duration.ofDays(1));
        jwksOutageTolerance = between("jwksOutageTolerance", jwksOutageTolerance == null ? DEFAULT_OUTAGE : jwksOutageTolerance,
                jwksCacheTime.plusSeconds(1), Duration.ofDays(7));
        jwksRefetchInterval = between("jwksRefetchInterval", jwksRefetchInterval == null ? DEFAULT_REFETCH : jwksRefetchInterval,
                Duration.ofSeconds(1), Duration.ofHours(1));
        if (jwksRefetchInterval.compareTo(jwksCacheTime) >= 0) {
            throw new IllegalArgumentException("jwksRefetchInterval must be less than jwksCacheTime");
        }
    }

    /** Secrets stay out: only which kind of key is configured and how many. */
    @Override
    public String toString() {
        String keys = hs256Secrets != null ? "hs256Secrets=" + hs256Secrets.size() + " (hidden)"
                : publicKeys != null ? "publicKeys=" + publicKeys.size() : "jwkUri=" + shownUrl(jwkUri);
        return "CustomJwtSettings[" + keys + ", audiences=" + audiences + ", requireAllAudiences=" + requireAllAudiences
                + ", issuer=" + issuer + ", clockSkew=" + clockSkew + ", metadataFields=" + metadataFields.size() + "]";
    }

    private static List<String> checkedSecrets(List<String> secrets) {
        if (secrets.isEmpty() || secrets.size() > MAX_SECRETS) {
            throw new IllegalArgumentException("hs256Secrets holds 1-" + MAX_SECRETS + " secrets");
        }
        for (String s : secrets) {
            if (s == null || s.length() < MIN_SECRET_LENGTH || s.length() > MAX_SECRET_LENGTH) {
                throw new IllegalArgumentException("hs256Secrets: every secret is " + MIN_SECRET_LENGTH + "-" + MAX_SECRET_LENGTH
                        + " characters");
            }
        }
        return List.copyOf(secrets);
    }

    private static List<String> checkedPublicKeys(List<String> keys) {
        if (keys.isEmpty() || keys.size() > MAX_PUBLIC_KEYS) {
            throw new IllegalArgumentException("publicKeys holds 1-" + MAX_PUBLIC_KEYS + " PEM public keys");
        }
        for (int i = 0; i < keys.size(); i++) {
            PemPublicKeys.parse(keys.get(i), "publicKeys[" + i + "]");
        }
        return List.copyOf(keys);
    }

    /** Plain http would let anyone on the path swap the keys for theirs: only for this machine (fakes, tests). */
    private static void checkJwkUri(String uri) {
        HttpUrl url = HttpUrl.parse(uri);
        if (url == null) {
            throw new IllegalArgumentException("jwkUri must be an absolute https URL");
        }
        if (!url.isHttps() && !isLoopback(url.host())) {
            throw new IllegalArgumentException("jwkUri must use https (plain http only for localhost)");
        }
        if (!url.username().isEmpty() || !url.password().isEmpty() || url.fragment() != null) {
            throw new IllegalArgumentException("jwkUri must not carry a user, a password or a fragment");
        }
    }

    /** A URL as it may be shown: scheme, host, port and path; a query may hold a key. */
    static String shownUrl(String uri) {
        HttpUrl url = uri == null ? null : HttpUrl.parse(uri);
        if (url == null) {
            return String.valueOf(uri == null ? null : "(not a URL)");
        }
        return url.newBuilder().username("").password("").query(null).fragment(null).build()
                + (url.query() != null ? " (query hidden)" : "");
    }

    private static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.equals("127.0.0.1") || h.equals("::1");
    }

    private static List<String> checkedList(String name, List<String> values, int max, int maxLength) {
        if (values.isEmpty() || values.size() > max) {
            throw new IllegalArgumentException(name + " holds 1-" + max + " entries");
        }
        Set<String> unique = new LinkedHashSet<>();
        for (String v : values) {
            if (v == null || v.isEmpty() || v.length() > maxLength || !printableAscii(v)) {
                throw new IllegalArgumentException(name + ": every entry is 1-" + maxLength + " printable ASCII characters");
            }
            unique.add(v);
        }
        return List.copyOf(unique);
    }

    private static List<MetadataField> checkedMetadata(List<MetadataField> fields) {
        if (fields == null) {
            return List.of();
        }
        if (fields.size() > MAX_METADATA_FIELDS) {
            throw new IllegalArgumentException("metadataFields holds at most " + MAX_METADATA_FIELDS + " fields");
        }
        Set<String> names = new HashSet<>();
        for (MetadataField f : fields) {
            if (f == null) {
                throw new IllegalArgumentException("metadataFields: an entry is null");
            }
            if (!names.add(f.fieldName())) {
                throw new IllegalArgumentException("metadataFields: two fields have the same field_name");
            }
        }
        return List.copyOf(fields);
    }

    private static Duration between(String name, Duration value, Duration min, Duration max) {
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max);
        }
        return value;
    }

    static boolean printableAscii(String s) {
        return s.chars().allMatch(c -> c >= 0x20 && c <= 0x7e);
    }
}
