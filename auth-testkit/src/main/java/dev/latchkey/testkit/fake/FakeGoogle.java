package dev.latchkey.testkit.fake;

import dev.latchkey.testkit.log.TestSecrets;
import com.nimbusds.jwt.JWTClaimsSet;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A fake of Google's OAuth 2.0 / OpenID Connect endpoints on a real loopback socket, for the
 * {@code oauth2-google} provider's tests and for applications' CI. Built on
 * {@link JsonEndpointBackend} (so it records requests and fails on demand with
 * {@link #failWith(Failure)}) and {@link JwksHost} (its signing keys). Field names are Google's.
 *
 * <ul>
 *   <li>{@code POST /token} ({@link #tokenEndpoint()}): the authorization-code grant. Checks
 *       {@code grant_type}, {@code client_id}, {@code client_secret}, {@code redirect_uri} and the
 *       {@code code} (known, not used before, not older than {@link #AUTH_CODE_LIFETIME}, issued to
 *       that client); answers {@code access_token}, {@code expires_in}, {@code scope},
 *       {@code token_type: "Bearer"}, {@code id_token}, or Google's errors: 400
 *       {@code invalid_request} / {@code unsupported_grant_type} / {@code invalid_grant} /
 *       {@code redirect_uri_mismatch}, 401 {@code invalid_client}.</li>
 *   <li>{@code GET /oauth2/v3/certs} ({@link #jwksUri()}): the public keys, with
 *       {@code Cache-Control: public, max-age=...} ({@link #jwksMaxAge(Duration)}).</li>
 *   <li>{@code GET /v1/userinfo} ({@link #userinfoEndpoint()}): with {@code Authorization: Bearer}
 *       an access token from {@code /token}, the account's claims; otherwise 401.</li>
 * </ul>
 *
 * <pre>{@code
 * FakeGoogle google = new FakeGoogle(clock).client("web.apps.googleusercontent.com", "web-secret", "postmessage");
 * FakeGoogle.Account alice = google.addAccount("1001", "alice@example.com", true, "Alice Liddell");
 * String idToken = google.issueIdToken(alice, "web.apps.googleusercontent.com");
 * String code = google.issueAuthCode(alice);            // for the first client registered
 * settings: "tokenEndpoint": google.tokenEndpoint(), "jwksUri": google.jwksUri(), "userinfoEndpoint": google.userinfoEndpoint()
 * google.rotateKeys();                                  // a new signing key; the old one stays published
 * google.failWith(Failure.SERVER_ERROR);                // every endpoint fails
 * }</pre>
 *
 * <p>Hostile tokens: {@link #claimsFor(Account, String)} gives the claims a real token would carry,
 * to change (another issuer, expired, another audience) and sign with {@link #sign(JWTClaimsSet)}
 * or {@link #signWithUnknownKey(JWTClaimsSet)}; {@link #keys()} gives the keys themselves for
 * algorithm-confusion tokens. Thread-safe.
 */
public final class FakeGoogle extends JsonEndpointBackend {
    /** The issuer Google writes in ID tokens. */
    public static final String ISSUER = "https://accounts.google.com";
    /** The token endpoint's path. */
    public static final String TOKEN_PATH = "/token";
    /** The JWK Set's path, as at www.googleapis.com. */
    public static final String JWKS_PATH = "/oauth2/v3/certs";
    /** The userinfo endpoint's path, as at openidconnect.googleapis.com. */
    public static final String USERINFO_PATH = "/v1/userinfo";
    /** How long an ID token is valid: one hour, as Google's. */
    public static final Duration ID_TOKEN_LIFETIME = Duration.ofHours(1);
    /** How long an auth code may wait before it is exchanged. */
    public static final Duration AUTH_CODE_LIFETIME = Duration.ofMinutes(10);
    /** How long an access token is valid. */
    public static final Duration ACCESS_TOKEN_LIFETIME = Duration.ofSeconds(3599);
    /** The scope the token endpoint grants. */
    public static final String SCOPE = "openid https://www.googleapis.com/auth/userinfo.email"
            + " https://www.googleapis.com/auth/userinfo.profile";

    /**
     * A Google account of the fake.
     *
     * @param sub the account's id, Google's {@code sub}
     * @param email its address, or null
     * @param emailVerified whether Google vouches for the address
     * @param name the full name, or null
     * @param givenName the given name, or null
     * @param familyName the family name, or null
     * @param picture a picture URL, or null
     * @param hostedDomain the Google Workspace domain ({@code hd}), or null for a consumer account
     */
    public record Account(String sub, String email, boolean emailVerified, String name, String givenName,
                          String familyName, String picture, String hostedDomain) {
        /**
         * Checks the subject.
         *
         * @param sub see the record description
         * @param email see the record description
         * @param emailVerified see the record description
         * @param name see the record description
         * @param givenName see the record description
         * @param familyName see the record description
         * @param picture see the record description
         * @param hostedDomain see the record description
         */
        public Account {
            Objects.requireNonNull(sub, "sub");
        }
    }

    /** A client registered with the fake: its secret and the redirect URI its codes are issued for. */
    private record Client(String secret, String redirectUri) {
    }

    private record Code(Account account, String clientId, Instant issuedAt) {
    }

    private final Clock clock;
    private final JwksHost keys = new JwksHost();
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Client> clients = new ConcurrentHashMap<>();
    private final Map<String, Account> accounts = new ConcurrentHashMap<>();
    private final Map<String, Code> codes = new ConcurrentHashMap<>();
    /** Access token to the account's {@code sub}: userinfo answers what the account says now. */
    private final Map<String, String> accessTokens = new ConcurrentHashMap<>();
    private volatile String firstClientId;
    private volatile Duration jwksMaxAge = Duration.ofHours(6);
    private volatile boolean reusableCodes;
    private volatile boolean idTokensInTokenAnswer = true;

    /** A fake on the system clock. */
    public FakeGoogle() {
        this(Clock.systemUTC());
    }

    /**
     * A fake whose tokens and codes are timed by a clock: give it the engine's test clock.
     *
     * @param clock the clock
     */
    public FakeGoogle(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        route(TOKEN_PATH, this::token);
        route(JWKS_PATH, request -> JsonReply.ok(keys.jwks())
                .withHeader("Cache-Control", "public, max-age=" + jwksMaxAge.toSeconds() + ", must-revalidate, no-transform"));
        route(USERINFO_PATH, this::userinfo);
    }

    /**
     * Registers an OAuth client: the token endpoint accepts its id with this secret, for codes
     * issued to it, redirected to this URI.
     *
     * @param clientId the client id
     * @param clientSecret its secret
     * @param redirectUri the redirect URI its codes are issued for ({@code "postmessage"} for Google's JS flow)
     * @return this fake
     */
    public FakeGoogle client(String clientId, String clientSecret, String redirectUri) {
        TestSecrets.register("a client secret given to FakeGoogle", clientSecret);
        clients.put(Objects.requireNonNull(clientId, "clientId"),
                new Client(Objects.requireNonNull(clientSecret, "clientSecret"), Objects.requireNonNull(redirectUri, "redirectUri")));
        if (firstClientId == null) {
            firstClientId = clientId;
        }
        return this;
    }

    /**
     * Adds an account without a Workspace domain.
     *
     * @param sub Google's id of the account
     * @param email its address
     * @param emailVerified whether the address is verified
     * @param name the full name; its first word becomes the given name, the rest the family name
     * @return the account
     */
    public Account addAccount(String sub, String email, boolean emailVerified, String name) {
        String given = name == null ? null : name.split(" ", 2)[0];
        String family = name == null || !name.contains(" ") ? null : name.split(" ", 2)[1];
        return addAccount(new Account(sub, email, emailVerified, name, given, family,
                "https://lh3.googleusercontent.com/a/" + sub + "=s96-c", null));
    }

    /**
     * Adds (or replaces) an account with every field chosen.
     *
     * @param account the account
     * @return the account
     */
    public Account addAccount(Account account) {
        accounts.put(account.sub(), account);
        return account;
    }

    /**
     * The claims a real Google ID token of the account carries, issued now for an audience:
     * {@code iss}, {@code azp}, {@code aud}, {@code sub}, {@code hd}, {@code email},
     * {@code email_verified}, {@code name}, {@code picture}, {@code given_name},
     * {@code family_name}, {@code iat}, {@code exp}, {@code jti}. Change them to make hostile tokens.
     *
     * @param account the account
     * @param audience the client id
     * @return a builder with the claims
     */
    public JWTClaimsSet.Builder claimsFor(Account account, String audience) {
        Instant now = clock.instant();
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .claim("azp", audience)
                .audience(audience)
                .subject(account.sub())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ID_TOKEN_LIFETIME)))
                .jwtID(randomToken(16));
        if (account.hostedDomain() != null) {
            b.claim("hd", account.hostedDomain());
        }
        if (account.email() != null) {
            b.claim("email", account.email()).claim("email_verified", account.emailVerified());
        }
        putIfSet(b, "name", account.name());
        putIfSet(b, "picture", account.picture());
        putIfSet(b, "given_name", account.givenName());
        putIfSet(b, "family_name", account.familyName());
        return b;
    }

    /**
     * A valid ID token of the account for a client id, signed with the current key.
     *
     * @param account the account
     * @param audience the client id ({@code aud})
     * @return the compact JWT
     */
    public String issueIdToken(Account account, String audience) {
        return sign(claimsFor(account, audience).build());
    }

    /**
     * An ID token whose issuer is another than Google's.
     *
     * @param account the account
     * @param audience the client id
     * @param issuer the issuer to claim
     * @return the compact JWT
     */
    public String issueIdTokenFromIssuer(Account account, String audience, String issuer) {
        return sign(claimsFor(account, audience).issuer(issuer).build());
    }

    /**
     * An ID token that expired {@code ago} ago (issued an hour before that).
     *
     * @param account the account
     * @param audience the client id
     * @param ago how long ago it expired
     * @return the compact JWT
     */
    public String issueExpiredIdToken(Account account, String audience, Duration ago) {
        Instant exp = clock.instant().minus(ago);
        return sign(claimsFor(account, audience).issueTime(Date.from(exp.minus(ID_TOKEN_LIFETIME)))
                .expirationTime(Date.from(exp)).build());
    }

    /**
     * A well-formed ID token signed with a key the fake never publishes (an unknown {@code kid}).
     *
     * @param account the account
     * @param audience the client id
     * @return the compact JWT
     */
    public String issueIdTokenWithUnknownKey(Account account, String audience) {
        return signWithUnknownKey(claimsFor(account, audience).build());
    }

    /**
     * Signs any claims with the current key (RS256, {@code kid}, {@code typ: JWT}).
     *
     * @param claims the claims
     * @return the compact JWT
     */
    public String sign(JWTClaimsSet claims) {
        return keys.sign(claims);
    }

    /**
     * Signs claims with a key the fake never publishes.
     *
     * @param claims the claims
     * @return the compact JWT
     */
    public String signWithUnknownKey(JWTClaimsSet claims) {
        return keys.signWithUnpublishedKey(claims);
    }

    /**
     * An auth code of the account for the first client registered.
     *
     * @param account the account
     * @return the code, in Google's shape ({@code 4/0A...})
     * @throws IllegalStateException when no client is registered
     */
    public String issueAuthCode(Account account) {
        String clientId = firstClientId;
        if (clientId == null) {
            throw new IllegalStateException("register a client first: client(clientId, clientSecret, redirectUri)");
        }
        return issueAuthCode(account, clientId);
    }

    /**
     * An auth code of the account for a client id (registered or not: a code of another client).
     *
     * @param account the account
     * @param clientId the client the code is issued to
     * @return the code
     */
    public String issueAuthCode(Account account, String clientId) {
        String code = TestSecrets.register("an authorization code minted by FakeGoogle", "4/0A" + randomToken(48));
        codes.put(code, new Code(account, clientId, clock.instant()));
        return code;
    }

    /**
     * Whether codes may be exchanged more than once (off by default, as at Google). On for contract
     * tests that log in with one credential many times.
     *
     * @param reusable true to keep codes after their exchange
     * @return this fake
     */
    public FakeGoogle reusableCodes(boolean reusable) {
        this.reusableCodes = reusable;
        return this;
    }

    /**
     * Whether the token endpoint includes an {@code id_token} (on by default; off plays a code
     * granted without the {@code openid} scope).
     *
     * @param included true to include it
     * @return this fake
     */
    public FakeGoogle idTokensInTokenAnswer(boolean included) {
        this.idTokensInTokenAnswer = included;
        return this;
    }

    /**
     * The {@code max-age} the JWK Set is served with (default 6 hours, about Google's).
     *
     * @param maxAge the lifetime
     * @return this fake
     */
    public FakeGoogle jwksMaxAge(Duration maxAge) {
        this.jwksMaxAge = Objects.requireNonNull(maxAge, "maxAge");
        return this;
    }

    /**
     * Makes a new signing key current; the old ones stay published until {@link #retireOldKeys()}.
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
     * The signing keys, for tokens the helpers do not make (algorithm confusion, say).
     *
     * @return the key host
     */
    public JwksHost keys() {
        return keys;
    }

    /**
     * The token endpoint, for the provider's {@code tokenEndpoint} setting.
     *
     * @return the URL
     */
    public String tokenEndpoint() {
        return url(TOKEN_PATH);
    }

    /**
     * The JWK Set, for the provider's {@code jwksUri} setting.
     *
     * @return the URL
     */
    public String jwksUri() {
        return url(JWKS_PATH);
    }

    /**
     * The userinfo endpoint, for the provider's {@code userinfoEndpoint} setting.
     *
     * @return the URL
     */
    public String userinfoEndpoint() {
        return url(USERINFO_PATH);
    }

    /**
     * How many requests reached a path.
     *
     * @param path {@link #TOKEN_PATH}, {@link #JWKS_PATH} or {@link #USERINFO_PATH}
     * @return the count
     */
    public long requestsTo(String path) {
        return requests().stream().filter(r -> r.path().equals(path)).count();
    }

    private JsonReply token(BackendRequest request) {
        if (!request.method().equals("POST")) {
            return error(405, "invalid_request", "Method not allowed");
        }
        Map<String, String> form = request.formBody();
        if (!"authorization_code".equals(form.get("grant_type"))) {
            return form.containsKey("grant_type") ? error(400, "unsupported_grant_type", "Invalid grant_type: ")
                    : error(400, "invalid_request", "Missing required parameter: grant_type");
        }
        for (String required : new String[] {"code", "client_id", "redirect_uri"}) {
            if (form.getOrDefault(required, "").isEmpty()) {
                return error(400, "invalid_request", "Missing required parameter: " + required);
            }
        }
        Client client = clients.get(form.get("client_id"));
        if (client == null) {
            return error(401, "invalid_client", "The OAuth client was not found.");
        }
        if (!client.secret().equals(form.get("client_secret"))) {
            return error(401, "invalid_client", "Unauthorized");
        }
        String codeValue = form.get("code");
        Code code = reusableCodes ? codes.get(codeValue) : codes.remove(codeValue);
        if (code == null || !code.clientId().equals(form.get("client_id"))
                || !clock.instant().isBefore(code.issuedAt().plus(AUTH_CODE_LIFETIME))) {
            return error(400, "invalid_grant", "Bad Request");
        }
        if (!client.redirectUri().equals(form.get("redirect_uri"))) {
            return error(400, "redirect_uri_mismatch", "Bad Request");
        }
        String accessToken = TestSecrets.register("an access token minted by FakeGoogle", "ya29." + randomToken(64));
        Account account = accounts.getOrDefault(code.account().sub(), code.account());
        accessTokens.put(accessToken, account.sub());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("access_token", accessToken);
        answer.put("expires_in", ACCESS_TOKEN_LIFETIME.toSeconds());
        answer.put("scope", SCOPE);
        answer.put("token_type", "Bearer");
        if (idTokensInTokenAnswer) {
            answer.put("id_token", issueIdToken(account, code.clientId()));
        }
        return JsonReply.ok(answer).withHeader("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate");
    }

    private JsonReply userinfo(BackendRequest request) {
        Optional<String> auth = request.header("Authorization");
        Account account = auth.filter(a -> a.startsWith("Bearer ")).map(a -> accessTokens.get(a.substring(7)))
                .map(accounts::get).orElse(null);
        if (account == null) {
            return error(401, "invalid_request", "Invalid Credentials")
                    .withHeader("WWW-Authenticate", "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\"");
        }
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", account.sub());
        putIfSet(claims, "name", account.name());
        putIfSet(claims, "given_name", account.givenName());
        putIfSet(claims, "family_name", account.familyName());
        putIfSet(claims, "picture", account.picture());
        if (account.email() != null) {
            claims.put("email", account.email());
            claims.put("email_verified", account.emailVerified());
        }
        putIfSet(claims, "hd", account.hostedDomain());
        return JsonReply.ok(claims);
    }

    private static JsonReply error(int status, String error, String description) {
        return JsonReply.status(status, Map.of("error", error, "error_description", description));
    }

    private static void putIfSet(JWTClaimsSet.Builder b, String name, String value) {
        if (value != null) {
            b.claim(name, value);
        }
    }

    private static void putIfSet(Map<String, Object> m, String name, String value) {
        if (value != null) {
            m.put(name, value);
        }
    }

    private String randomToken(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    @Override
    public String toString() {
        return "FakeGoogle[" + super.toString() + ", clients=" + clients.keySet() + ", accounts=" + accounts.size() + "]";
    }
}
