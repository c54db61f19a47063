package dev.latchkey.testkit.fake;

import com.nimbusds.jwt.JWTClaimsSet;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A stand-in for Sign in with Apple, on a real loopback socket: Apple's key set at
 * {@value #KEYS_PATH} (a JWK Set of RS256 keys, as {@code https://appleid.apple.com/auth/keys}
 * serves it), test users, and identity tokens signed with the published key carrying the claims
 * Apple documents: {@code iss}, {@code aud}, {@code exp}, {@code iat}, {@code sub}, {@code c_hash},
 * {@code email}, {@code email_verified}, {@code is_private_email}, {@code auth_time},
 * {@code nonce_supported}, and {@code nonce} when the client gave one.
 *
 * <pre>{@code
 * FakeApple apple = new FakeApple(engine.clock());
 * FakeApple.User alice = apple.addUser("001234.abcd.0001", "alice@example.com", true, false);
 * settings: "clientIds": ["com.example.app"], "jwksUri": apple.jwksUri(), "issuer": apple.issuer()
 * String idToken = apple.issueIdToken(alice, "com.example.app");
 * String withNonce = apple.issueIdToken(alice, "com.example.app", rawNonce); // nonce claim = SHA-256 hex of rawNonce
 * apple.rotateKeys();                      // a new signing key; the old one stays published
 * apple.failWith(Failure.SERVER_ERROR);    // the key set answers 500
 * }</pre>
 *
 * <p>The hostile tokens a provider must refuse: {@link #issueIdToken(User, String)} to another
 * audience, {@link #issueIdTokenFromOtherIssuer}, {@link #issueExpiredIdToken},
 * {@link #issueIdTokenWithUnknownKey}; {@link #claimsFor} and {@link #sign} build anything else.
 * Tokens are valid for {@link #TOKEN_LIFETIME} from the clock's present. Thread-safe.
 */
public final class FakeApple implements FakeBackend {
    /** The path of the key set, as on {@code appleid.apple.com}. */
    public static final String KEYS_PATH = "/auth/keys";
    /** The issuer of Apple's identity tokens, which the fake uses too: providers keep their default. */
    public static final String ISSUER = "https://appleid.apple.com";
    /** How long an identity token is valid: ten minutes, as Apple's. */
    public static final Duration TOKEN_LIFETIME = Duration.ofMinutes(10);

    /**
     * A test user of the fake Apple.
     *
     * @param sub Apple's stable user id, the identity's subject
     * @param email the address Apple shares, or null when the user shares none
     * @param emailVerified whether Apple vouches for the address
     * @param privateRelay whether the address is a private-relay address ({@code ...@privaterelay.appleid.com})
     */
    public record User(String sub, String email, boolean emailVerified, boolean privateRelay) {
        /**
         * Checks the subject.
         *
         * @param sub see the record description
         * @param email see the record description
         * @param emailVerified see the record description
         * @param privateRelay see the record description
         */
        public User {
            Objects.requireNonNull(sub, "sub");
        }
    }

    private final JsonEndpointBackend backend = new JsonEndpointBackend();
    private final JwksHost keys = new JwksHost();
    private final Map<String, User> users = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private volatile boolean flagsAsStrings;

    /** A fake Apple on the system clock. */
    public FakeApple() {
        this(Clock.systemUTC());
    }

    /**
     * A fake Apple whose tokens are issued at the present of a clock: pass the engine's
     * {@code TestClock}, so tokens are fresh for the provider under test.
     *
     * @param clock the clock
     */
    public FakeApple(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        backend.route(KEYS_PATH, request -> JsonReply.ok(keys.jwks()));
    }

    /**
     * Adds a user.
     *
     * @param sub Apple's user id
     * @param email the shared address, or null
     * @param verified whether Apple vouches for it
     * @param privateRelay whether it is a private-relay address
     * @return the user, to issue tokens for
     */
    public User addUser(String sub, String email, boolean verified, boolean privateRelay) {
        User user = new User(sub, email, verified, privateRelay);
        users.put(sub, user);
        return user;
    }

    /**
     * A user added before.
     *
     * @param sub the user id
     * @return the user, or empty
     */
    public Optional<User> user(String sub) {
        return Optional.ofNullable(users.get(sub));
    }

    /**
     * Whether {@code email_verified} and {@code is_private_email} are sent as the strings
     * {@code "true"}/{@code "false"} (as Apple has done) instead of JSON booleans (the default).
     *
     * @param asStrings true for strings
     * @return this fake
     */
    public FakeApple flagsAsStrings(boolean asStrings) {
        this.flagsAsStrings = asStrings;
        return this;
    }

    /**
     * The key set's address, for the provider's {@code jwksUri} setting. Starts the fake.
     *
     * @return for example {@code http://127.0.0.1:54321/auth/keys}
     */
    public String jwksUri() {
        return backend.url(KEYS_PATH);
    }

    /**
     * The issuer, for the provider's {@code issuer} setting.
     *
     * @return {@value #ISSUER}
     */
    public String issuer() {
        return ISSUER;
    }

    /**
     * An identity token for a user, issued to a client id, without a nonce.
     *
     * @param user the user
     * @param audience the client id (bundle id or Services ID) the token is for
     * @return the signed token
     */
    public String issueIdToken(User user, String audience) {
        return sign(claimsFor(user, audience, null).build());
    }

    /**
     * An identity token for a user whose client gave Apple a nonce: the {@code nonce} claim is the
     * lowercase hex SHA-256 of {@code rawNonce}, as a client following Apple's advice sends it.
     *
     * @param user the user
     * @param audience the client id
     * @param rawNonce the nonce the client made and keeps
     * @return the signed token
     */
    public String issueIdToken(User user, String audience, String rawNonce) {
        return sign(claimsFor(user, audience, Objects.requireNonNull(rawNonce, "rawNonce")).build());
    }

    /**
     * A token like {@link #issueIdToken(User, String)} but issued by someone else than Apple.
     *
     * @param user the user
     * @param audience the client id
     * @return the signed token, with {@code iss} {@code https://appleid.apple.com.evil.example}
     */
    public String issueIdTokenFromOtherIssuer(User user, String audience) {
        return sign(claimsFor(user, audience, null).issuer(ISSUER + ".evil.example").build());
    }

    /**
     * A token that expired an hour ago (issued an hour and ten minutes ago).
     *
     * @param user the user
     * @param audience the client id
     * @return the signed token
     */
    public String issueExpiredIdToken(User user, String audience) {
        Instant issued = clock.instant().minus(Duration.ofHours(1)).minus(TOKEN_LIFETIME);
        return sign(claimsFor(user, audience, null).issueTime(Date.from(issued))
                .expirationTime(Date.from(issued.plus(TOKEN_LIFETIME))).claim("auth_time", issued.getEpochSecond()).build());
    }

    /**
     * A token signed with a key the fake never publishes: its {@code kid} is unknown.
     *
     * @param user the user
     * @param audience the client id
     * @return the signed token
     */
    public String issueIdTokenWithUnknownKey(User user, String audience) {
        return keys.signWithUnpublishedKey(claimsFor(user, audience, null).build());
    }

    /**
     * The claims Apple would put in a token, to change before {@link #sign}ing.
     *
     * @param user the user
     * @param audience the client id
     * @param rawNonce the client's raw nonce, or null for none
     * @return a builder with every claim set
     */
    public JWTClaimsSet.Builder claimsFor(User user, String audience, String rawNonce) {
        Instant now = clock.instant();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(audience)
                .expirationTime(Date.from(now.plus(TOKEN_LIFETIME)))
                .issueTime(Date.from(now))
                .subject(user.sub())
                .claim("c_hash", cHash())
                .claim("auth_time", now.getEpochSecond())
                .claim("nonce_supported", true);
        if (user.email() != null) {
            claims.claim("email", user.email())
                    .claim("email_verified", flag(user.emailVerified()))
                    .claim("is_private_email", flag(user.privateRelay()));
        }
        if (rawNonce != null) {
            claims.claim("nonce", sha256Hex(rawNonce));
        }
        return claims;
    }

    /**
     * Signs claims with the current published key (RS256, with {@code kid}).
     *
     * @param claims the claims
     * @return the compact token
     */
    public String sign(JWTClaimsSet claims) {
        return keys.sign(claims);
    }

    /**
     * Starts signing with a new key, published beside the old ones (as Apple rotates).
     *
     * @return the new key's id
     */
    public String rotateKeys() {
        return keys.rotate();
    }

    /** Stops publishing every key but the current one. */
    public void retireOldKeys() {
        keys.retireOldKeys();
    }

    /**
     * The key set, for tests that build hostile tokens from it.
     *
     * @return the keys
     */
    public JwksHost keys() {
        return keys;
    }

    /**
     * How many times the key set was asked for (including requests answered with a failure).
     *
     * @return the count
     */
    public int jwksRequestCount() {
        return (int) backend.requests().stream().filter(r -> r.path().equals(KEYS_PATH)).count();
    }

    /**
     * The requests received so far.
     *
     * @return a copy, oldest first
     */
    public List<BackendRequest> requests() {
        return backend.requests();
    }

    /**
     * The lowercase hex SHA-256 of a nonce: what a client sends Apple, and what the token carries.
     *
     * @param rawNonce the raw nonce
     * @return 64 hex digits
     */
    public static String sha256Hex(String rawNonce) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(rawNonce.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    @Override
    public void failWith(Failure failure) {
        backend.failWith(failure);
    }

    @Override
    public void reset() {
        backend.reset();
    }

    @Override
    public void close() {
        backend.close();
    }

    @Override
    public String toString() {
        return "FakeApple[" + backend + ", users=" + users.size() + "]";
    }

    private Object flag(boolean value) {
        return flagsAsStrings ? Boolean.toString(value) : value;
    }

    /** The left half of the SHA-256 of an authorization code, base64url: the code here is random, as the test never redeems it. */
    private String cHash() {
        byte[] code = new byte[32];
        random.nextBytes(code);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(code);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, digest.length / 2));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
