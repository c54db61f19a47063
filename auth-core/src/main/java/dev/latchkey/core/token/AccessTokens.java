package dev.latchkey.core.token;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.VerifiedToken;
import dev.latchkey.core.LatchkeyOptions;
import dev.latchkey.core.config.TokenSettings;
import dev.latchkey.core.json.JsonTrees;
import dev.latchkey.core.json.MalformedJsonException;
import dev.latchkey.core.json.StrictJson;
import dev.latchkey.core.store.StoredSession;
import dev.latchkey.core.store.StoredUser;
import dev.latchkey.core.text.Printable;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Issues and checks the app's access tokens: RS256 JWTs of type {@code at+jwt} (RFC 9068) with
 * {@code iss}, {@code aud}, {@code sub}, {@code iat}, {@code exp}, {@code jti}, the session
 * ({@code sid}) and device ({@code device_id}) ids and the user's custom data
 * ({@code user_data}).
 *
 * <p>Checking follows RFC 8725: the shape is checked before any parsing, the algorithm is fixed
 * by us (never taken from the header), header and claims must be strict JSON without duplicate
 * keys, the key is found only by a well-formed {@code kid} among our own keys ({@code jwk},
 * {@code jku}, {@code x5u} headers are never read), and the times are checked against the
 * engine's clock with the configured skew.
 */
@Singleton
public final class AccessTokens {
    /**
     * The longest access token accepted. Ours stay below it: custom data is at most
     * {@code DefaultAuthService.MAX_CUSTOM_DATA_BYTES} (8 KiB) of JSON, which base64url makes
     * about 11 KiB; the other claims, the header and the signature add under 1 KiB.
     */
    public static final int MAX_TOKEN_LENGTH = 16_384;
    /** The {@code typ} header of our access tokens. */
    public static final JOSEObjectType TYPE = new JOSEObjectType("at+jwt");

    /** More distinct headers than keys in use; a full map is emptied, not grown. */
    private static final int MAX_KNOWN_HEADERS = 64;
    private static final Pattern KID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final String SESSION_CLAIM = "sid";
    /** App Services' name for it: realm-web reads {@code user.deviceId} from this claim. */
    private static final String DEVICE_CLAIM = "baas_device_id";
    private static final String USER_DATA_CLAIM = "user_data";

    private final String appId;
    private final String issuer;
    private final TokenSettings settings;
    private final SigningKeys keys;
    private final Secrets secrets;
    private final Clock clock;
    private final Map<String, String> knownHeaders = new ConcurrentHashMap<>();
    private final ThreadLocal<KeyedVerifier> verifiers = new ThreadLocal<>();

    /**
     * A freshly issued token.
     *
     * @param token the compact JWT
     * @param expiresAt its expiry
     */
    public record Issued(String token, Instant expiresAt) {
    }

    /**
     * Creates the token service.
     *
     * @param options the app's options (its id is the audience)
     * @param settings token settings
     * @param keys the signing keys
     * @param secrets id generator
     * @param clock the engine's clock
     */
    @Inject
    public AccessTokens(LatchkeyOptions options, TokenSettings settings, SigningKeys keys, Secrets secrets, Clock clock) {
        this.appId = options.appId();
        this.issuer = settings.issuerFor(options.appId());
        this.settings = settings;
        this.keys = keys;
        this.secrets = secrets;
        this.clock = clock;
    }

    /**
     * Signs an access token for a user's session.
     *
     * @param user the user (its custom data goes in the token)
     * @param session the session
     * @return the token and its expiry
     */
    public Issued issue(StoredUser user, StoredSession session) {
        Instant now = clock.instant();
        // JWT times have second precision; truncating keeps exp exact for callers that compare.
        Instant issuedAt = Instant.ofEpochSecond(now.getEpochSecond());
        Instant expiresAt = issuedAt.plus(settings.accessTokenTtl());
        SigningKeys.ActiveKey key = keys.current();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(appId)
                .subject(user.id())
                .issueTime(Date.from(issuedAt))
                .expirationTime(Date.from(expiresAt))
                .jwtID(secrets.newId(16))
                .claim(SESSION_CLAIM, session.id())
                .claim(DEVICE_CLAIM, session.deviceId())
                .claim(USER_DATA_CLAIM, user.customData())
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(TYPE).keyID(key.kid()).build(), claims);
        try {
            jwt.sign(key.signer());
        } catch (JOSEException e) {
            throw new AuthException(ErrorCode.INTERNAL, "could not sign an access token", e);
        }
        return new Issued(jwt.serialize(), expiresAt);
    }

    /**
     * Checks a token's form, signature and claims. Does not check that its session is still
     * open: the caller does that against the store.
     *
     * @param token the compact JWT
     * @return the verified claims
     * @throws AuthException {@link ErrorCode#MALFORMED} for something that is not a JWT,
     *     {@link ErrorCode#INVALID_SESSION} for a JWT we do not accept
     */
    public VerifiedToken verify(String token) {
        return check(token).token();
    }

    /**
     * A token that passed {@link #check}, with the id of the key that signed it: a cache of
     * verified tokens must drop the token when that key is retired.
     *
     * @param token the verified claims
     * @param kid the signing key's id
     */
    public record Checked(VerifiedToken token, String kid) {
    }

    /**
     * Checks a token's form, signature and claims, as {@link #verify} does, and tells which key
     * signed it.
     *
     * @param token the compact JWT
     * @return the verified claims and the key id
     * @throws AuthException as {@link #verify} does
     */
    public Checked check(String token) {
        Segments segments = split(token);
        String known = knownHeaders.get(segments.header());
        String kid = known != null ? known : checkHeader(jsonSegment(segments.header(), "header"));
        JsonObject payload = jsonSegment(segments.bytes(), segments.claimsStart(), segments.claimsEnd(), "claims");
        RSAPublicKey key = keys.publicKey(kid).orElseThrow(() -> invalid("the access token is signed by an unknown key"));
        byte[] signature = base64Url(segments.bytes(), segments.signatureStart(), segments.bytes().length);
        if (!rs256(key, segments.bytes(), segments.signingInputLength(), signature)) {
            throw invalid("the access token's signature is not valid");
        }
        VerifiedToken verified = checkClaims(payload);
        rememberHeader(segments.header(), kid);
        return new Checked(verified, kid);
    }

    /**
     * RS256 (RSASSA-PKCS1-v1_5 with SHA-256, RFC 7518 §3.3) through the JCA, which is what Nimbus's
     * {@code RSASSAVerifier} calls too. Called directly because the verifier takes the signature as
     * a Nimbus {@code Base64URL}, whose decoder cost a tenth of a whole verification in issue #10's
     * profile; the JDK's decoder is strict and fast.
     */
    private boolean rs256(RSAPublicKey key, byte[] token, int signingInputLength, byte[] signature) {
        KeyedVerifier verifier = verifiers.get();
        boolean completed = false;
        try {
            if (verifier == null || verifier.key() != key) {
                // Looking up the algorithm and initialising it for a key cost more than a tenth of the
                // RSA operation itself; each thread keeps one, set up for the key it last checked.
                Signature rsa = Signature.getInstance("SHA256withRSA");
                rsa.initVerify(key);
                verifier = new KeyedVerifier(key, rsa);
                verifiers.set(verifier);
            }
            verifier.rsa().update(token, 0, signingInputLength);
            // verify() leaves the object initialised for the same key, ready for the next token.
            boolean valid = verifier.rsa().verify(signature);
            completed = true;
            return valid;
        } catch (SignatureException | InvalidKeyException e) {
            // A signature of the wrong length, or a key the JDK will not use: not a token we accept.
            return false;
        } catch (NoSuchAlgorithmException e) {
            throw new AuthException(ErrorCode.INTERNAL, "this Java platform has no SHA256withRSA", e);
        } finally {
            if (!completed) {
                // After any exception (or Error) the object may hold half a digest: this thread makes a
                // new one next time rather than feed a token after someone else's bytes.
                verifiers.remove();
            }
        }
    }

    /** A JCA verifier initialised for one public key, used by one thread only. */
    private record KeyedVerifier(RSAPublicKey key, Signature rsa) {
    }

    /**
     * A header segment that has passed {@link #checkHeader} and signed a valid token, with its
     * key id: our headers are the same for every token a key signs, so they are parsed once per
     * key rather than once per token. Only headers of verified tokens get in, so strangers cannot
     * fill it; and it is bounded all the same.
     */
    private void rememberHeader(String header, String kid) {
        if (knownHeaders.size() >= MAX_KNOWN_HEADERS) {
            knownHeaders.clear();
        }
        knownHeaders.putIfAbsent(header, kid);
    }

    /**
     * The three segments of a compact JWS. {@code bytes} is the whole token, one byte per
     * character (ISO-8859-1, a plain copy for the JDK's compact strings): the signing input is its first
     * {@code signingInputLength} bytes, so it is neither cut out nor encoded again. (Any character
     * beyond ISO-8859-1 becomes {@code '?'}, which the base64url decoder refuses.)
     */
    private record Segments(String header, byte[] bytes, int claimsStart, int claimsEnd, int signatureStart) {
        int signingInputLength() {
            return claimsEnd;
        }
    }

    private static Segments split(String token) {
        if (token == null || token.isEmpty()) {
            throw malformed("no access token given");
        }
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw malformed("the access token is longer than " + MAX_TOKEN_LENGTH + " characters");
        }
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        if (second < 0 || token.indexOf('.', second + 1) >= 0) {
            throw malformed("token contains an invalid number of segments: an access token is a compact JWS,"
                    + " three base64url segments separated by dots");
        }
        // Empty segments and padding are refused here; any other character outside the base64url
        // alphabet by the JDK's decoder, which is strict (and, unlike a character loop, not a
        // measurable cost).
        if (first == 0 || second == first + 1 || second == token.length() - 1 || token.indexOf('=') >= 0) {
            throw notBase64Url();
        }
        return new Segments(token.substring(0, first), token.getBytes(StandardCharsets.ISO_8859_1), first + 1, second,
                second + 1);
    }

    /**
     * Decodes a segment, which must be canonical base64url: the JDK's decoder ignores the unused
     * low bits of the last character, so without the comparison 4 to 16 spellings of a token would
     * verify, and an app that keys anything by the token's text would see them as different tokens.
     */
    private static byte[] base64Url(byte[] token, int from, int to) {
        byte[] segment = Arrays.copyOfRange(token, from, to);
        byte[] decoded;
        try {
            decoded = Base64.getUrlDecoder().decode(segment);
        } catch (IllegalArgumentException e) {
            throw notBase64Url();
        }
        if (!Arrays.equals(Base64.getUrlEncoder().withoutPadding().encode(decoded), segment)) {
            throw notBase64Url();
        }
        return decoded;
    }

    private static AuthException notBase64Url() {
        return malformed("the access token has a segment that is empty or not base64url");
    }

    private static JsonObject jsonSegment(String segment, String what) {
        return jsonSegment(segment.getBytes(StandardCharsets.ISO_8859_1), 0, segment.length(), what);
    }

    private static JsonObject jsonSegment(byte[] token, int from, int to, String what) {
        byte[] bytes = base64Url(token, from, to);
        String text;
        if (isAscii(bytes)) {
            // ASCII is UTF-8 as it stands: the common case skips the decoder and its buffers.
            text = new String(bytes, StandardCharsets.ISO_8859_1);
        } else {
            try {
                text = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                throw malformed("the access token's " + what + " is not UTF-8");
            }
        }
        try {
            return StrictJson.parseObject(text);
        } catch (MalformedJsonException e) {
            throw malformed("the access token's " + what + " is not a valid JSON object: " + e.getMessage());
        }
    }

    private static boolean isAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    private static String checkHeader(JsonObject header) {
        String alg = stringOrNull(header, "alg");
        if (!JWSAlgorithm.RS256.getName().equals(alg)) {
            // The key decides the algorithm: ours are RS256 keys, whatever the header claims.
            throw invalid("access tokens are signed with RS256, not " + describe(alg));
        }
        String typ = stringOrNull(header, "typ");
        if (typ == null || !typ.equalsIgnoreCase(TYPE.getType())) {
            throw invalid("not an access token (typ must be at+jwt, not " + describe(typ) + ")");
        }
        if (header.has("crit")) {
            throw invalid("the access token has critical header parameters we do not understand");
        }
        String kid = stringOrNull(header, "kid");
        if (kid == null || !KID.matcher(kid).matches()) {
            throw invalid("the access token's key id is missing or not well formed");
        }
        return kid;
    }

    private VerifiedToken checkClaims(JsonObject claims) {
        Instant now = clock.instant();
        String iss = requiredString(claims, "iss");
        if (!issuer.equals(iss)) {
            throw invalid("the access token was issued by someone else");
        }
        if (!audienceIsUs(claims.get("aud"))) {
            throw invalid("the access token is for another app");
        }
        String sub = requiredString(claims, "sub");
        Instant exp = requiredTime(claims, "exp");
        Instant iat = requiredTime(claims, "iat");
        // The skew moves our clock, never the token's times: a signed exp or iat at the end of
        // Instant's range would overflow (found by AccessTokenFuzzTest).
        Instant earliest = now.minus(settings.clockSkew());
        Instant latest = now.plus(settings.clockSkew());
        if (exp.isBefore(earliest)) {
            throw invalid("the access token has expired");
        }
        if (iat.isAfter(latest)) {
            throw invalid("the access token was issued in the future");
        }
        Optional<Instant> nbf = optionalTime(claims, "nbf");
        if (nbf.isPresent() && nbf.get().isAfter(latest)) {
            throw invalid("the access token is not valid yet");
        }
        String jti = requiredString(claims, "jti");
        String sid = requiredString(claims, SESSION_CLAIM);
        String deviceId = requiredString(claims, DEVICE_CLAIM);
        Map<String, Object> userData = Map.of();
        JsonElement data = claims.get(USER_DATA_CLAIM);
        if (data != null && !data.isJsonNull()) {
            if (!data.isJsonObject()) {
                throw invalid("the access token's user_data is not an object");
            }
            userData = JsonTrees.toMap(data.getAsJsonObject());
        }
        return new VerifiedToken(sub, sid, deviceId, jti, iss, appId, iat, exp, userData);
    }

    private boolean audienceIsUs(JsonElement aud) {
        if (aud == null) {
            return false;
        }
        if (aud.isJsonPrimitive() && aud.getAsJsonPrimitive().isString()) {
            return appId.equals(aud.getAsString());
        }
        // RFC 7519 allows an array; we issue a single audience, so accept only [appId].
        if (aud.isJsonArray() && aud.getAsJsonArray().size() == 1) {
            return audienceIsUs(aud.getAsJsonArray().get(0));
        }
        return false;
    }

    private static String requiredString(JsonObject claims, String name) {
        String value = stringOrNull(claims, name);
        if (value == null || value.isBlank()) {
            throw invalid("the access token has no " + name + " claim");
        }
        return value;
    }

    private static Instant requiredTime(JsonObject claims, String name) {
        return optionalTime(claims, name).orElseThrow(() -> invalid("the access token has no " + name + " claim"));
    }

    private static Optional<Instant> optionalTime(JsonObject claims, String name) {
        JsonElement value = claims.get(name);
        if (value == null || value.isJsonNull()) {
            return Optional.empty();
        }
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isNumber()) {
            throw invalid("the access token's " + name + " claim is not a number of seconds");
        }
        try {
            return Optional.of(Instant.ofEpochSecond(value.getAsBigDecimal().longValueExact()));
        } catch (ArithmeticException | java.time.DateTimeException e) {
            throw invalid("the access token's " + name + " claim is not a whole number of seconds in range");
        }
    }

    private static String stringOrNull(JsonObject object, String name) {
        JsonElement value = object.get(name);
        return value != null && value.isJsonPrimitive() && value.getAsJsonPrimitive().isString() ? value.getAsString() : null;
    }

    private static String describe(String headerValue) {
        if (headerValue == null) {
            return "nothing";
        }
        return "'" + Printable.cut(headerValue, 16) + "'";
    }

    private static AuthException malformed(String message) {
        return new AuthException(ErrorCode.MALFORMED, message);
    }

    private static AuthException invalid(String message) {
        return new AuthException(ErrorCode.INVALID_SESSION, message);
    }
}
