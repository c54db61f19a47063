package dev.latchkey.provider.oauth;

import com.google.auto.service.AutoService;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Identity;
import dev.latchkey.api.Profile;
import dev.latchkey.api.ProviderTypes;
import dev.latchkey.api.spi.CredentialProvider;
import dev.latchkey.api.spi.ProviderContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * The {@code oauth2-apple} provider: Sign in with Apple. The client sends the identity token
 * Apple gave it ({@code Credentials.apple(idToken)}), and optionally the raw nonce it made
 * ({@code Credentials.of("oauth2-apple", Map.of("id_token", t, "nonce", raw))}).
 *
 * <p>What is checked: the token with {@link IdTokenVerifier} against Apple's published keys
 * (RS256, {@code kid}, signature, {@code iss} equal to the configured issuer, {@code aud} exactly
 * one of the configured client ids, {@code exp}/{@code iat} with the configured skew); then the
 * nonce: when the credentials carry one, or the settings require one, the token's {@code nonce}
 * claim must equal the lowercase hex SHA-256 of it, compared in constant time (SECURITY.md 13).
 *
 * <p>The identity's subject is Apple's {@code sub}. The profile carries the email only when
 * Apple says it is verified ({@code email_verified} as a boolean or the string {@code "true"}),
 * and then the extra {@code is_private_email} ({@code "true"}/{@code "false"}) when Apple sends
 * it, so an app can tell a private-relay address. Messages never hold the token or the nonce.
 */
@AutoService(CredentialProvider.class)
public final class AppleProvider implements CredentialProvider {
    /** The profile extra that says whether the email is an Apple private-relay address. */
    public static final String PRIVATE_EMAIL_EXTRA = "is_private_email";
    /** The longest nonce accepted. */
    public static final int MAX_NONCE_LENGTH = 256;

    private static final String ID_TOKEN = "id_token";
    private static final String NONCE = "nonce";
    private static final Set<String> FIELDS = Set.of(ID_TOKEN, NONCE);
    private static final int MAX_EMAIL_LENGTH = 254;

    private volatile Started started;

    /** What start() makes, published at once so a half-started provider is never seen. */
    private record Started(IdTokenVerifier verifier, boolean requireNonce) {
    }

    /** Made by ServiceLoader. */
    public AppleProvider() {
    }

    @Override
    public String type() {
        return ProviderTypes.APPLE;
    }

    @Override
    public void start(ProviderContext context) {
        AppleSettings settings = context.settings(AppleSettings.class);
        BackendCalls calls = new BackendCalls(context.service(OkHttpClient.class), "Apple", settings.timeout());
        JwksCache keys = new JwksCache(calls, HttpUrl.get(settings.jwksUri()), context.clock(), settings.jwksRefetchInterval());
        IdTokenVerifier verifier = new IdTokenVerifier(keys, Set.of(settings.issuer()), Set.copyOf(settings.clientIds()),
                settings.clockSkew(), context.clock(), "Apple");
        started = new Started(verifier, settings.requireNonce());
    }

    @Override
    public Identity authenticate(Credentials credentials) {
        Started s = started;
        if (s == null) {
            throw new AuthException(ErrorCode.INTERNAL, "the " + type() + " provider has not been started");
        }
        if (!type().equals(credentials.providerType())) {
            throw new AuthException(ErrorCode.MALFORMED, "these are " + credentials.providerType() + " credentials; this provider"
                    + " takes " + type() + " credentials: Credentials.apple(idToken)");
        }
        Map<String, Object> payload = credentials.payload();
        if (!FIELDS.containsAll(payload.keySet())) {
            // The unexpected names are not repeated: they are input, and may be long or hostile.
            throw malformed("Apple credentials take only the fields 'id_token' and 'nonce'");
        }
        String token = idToken(payload.get(ID_TOKEN));
        String nonce = payload.containsKey(NONCE) ? nonce(payload.get(NONCE)) : null;

        JWTClaimsSet claims = s.verifier().verify(token);
        List<String> audience = claims.getAudience();
        if (audience.size() != 1) {
            // Apple issues a token to one client; one naming several is not Apple's.
            throw invalid("the Apple ID token names more than one audience");
        }
        // A token Apple issued with a nonce is checked against one always: otherwise a stolen token would
        // pass simply by leaving the nonce out of the credentials.
        if (nonce != null || s.requireNonce() || claims.getClaim(NONCE) != null) {
            checkNonce(claims, nonce);
        }
        String subject = claims.getSubject();
        if (!Identity.isStorableText(subject) || subject.chars().anyMatch(Character::isISOControl)) {
            throw invalid("the Apple ID token has no usable subject");
        }
        return new Identity(type(), subject, profile(claims));
    }

    private static String idToken(Object value) {
        if (value == null) {
            throw malformed("Apple credentials need an 'id_token': the identity token from Sign in with Apple");
        }
        if (!(value instanceof String token)) {
            throw malformed("the 'id_token' field must be a string");
        }
        // A compact JWS is three base64url segments. Checked here because a decoder that skips
        // stray characters (NUL, CR, LF) would otherwise let a tampered copy of a token through.
        for (int i = 0; i < token.length() && i <= IdTokenVerifier.MAX_TOKEN_LENGTH; i++) {
            char c = token.charAt(i);
            boolean base64url = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.';
            if (!base64url) {
                throw malformed("the 'id_token' field holds characters a JWT never has");
            }
        }
        return token;
    }

    private static String nonce(Object value) {
        if (!(value instanceof String nonce)) {
            throw malformed("the 'nonce' field must be a string");
        }
        if (nonce.isEmpty() || nonce.length() > MAX_NONCE_LENGTH || !nonce.chars().allMatch(c -> c >= 0x20 && c <= 0x7e)) {
            throw malformed("the 'nonce' field must be 1-" + MAX_NONCE_LENGTH + " printable ASCII characters");
        }
        return nonce;
    }

    /**
     * The client sends Apple the SHA-256 of its raw nonce, and Apple puts that in the token; the raw
     * nonce never left the client until now, so only its holder can present a matching pair.
     */
    private static void checkNonce(JWTClaimsSet claims, String rawNonce) {
        if (rawNonce == null) {
            throw invalid("a nonce is required: send the raw nonce whose SHA-256 was given to Apple");
        }
        Object claim = claims.getClaim(NONCE);
        if (!(claim instanceof String tokenNonce)) {
            throw invalid("the Apple ID token carries no nonce, but the credentials do");
        }
        byte[] expected = sha256Hex(rawNonce).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, tokenNonce.getBytes(StandardCharsets.UTF_8))) {
            throw invalid("the Apple ID token's nonce does not match the SHA-256 of the credentials' nonce");
        }
    }

    private static Profile profile(JWTClaimsSet claims) {
        Profile.Builder profile = Profile.builder();
        Object email = claims.getClaim("email");
        if (email instanceof String address && isTrue(claims.getClaim("email_verified")) && isSaneEmail(address)) {
            profile.email(address);
            Object relay = claims.getClaim(PRIVATE_EMAIL_EXTRA);
            if (isTrue(relay) || isFalse(relay)) {
                profile.extra(PRIVATE_EMAIL_EXTRA, Boolean.toString(isTrue(relay)));
            }
        }
        return profile.build();
    }

    /** Apple has sent these flags both as JSON booleans and as the strings "true" / "false". */
    private static boolean isTrue(Object flag) {
        return Boolean.TRUE.equals(flag) || "true".equals(flag);
    }

    private static boolean isFalse(Object flag) {
        return Boolean.FALSE.equals(flag) || "false".equals(flag);
    }

    private static boolean isSaneEmail(String address) {
        return address.length() <= MAX_EMAIL_LENGTH && address.indexOf('@') > 0
                && address.chars().allMatch(c -> c > 0x20 && c <= 0x7e);
    }

    static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static AuthException malformed(String message) {
        return new AuthException(ErrorCode.MALFORMED, message);
    }

    private static AuthException invalid(String message) {
        return new AuthException(ErrorCode.INVALID_CREDENTIALS, message);
    }
}
