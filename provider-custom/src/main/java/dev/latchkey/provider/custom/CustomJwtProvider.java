package dev.latchkey.provider.custom;

import com.google.auto.service.AutoService;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Identity;
import dev.latchkey.api.Profile;
import dev.latchkey.api.ProviderTypes;
import dev.latchkey.api.spi.CredentialProvider;
import dev.latchkey.api.spi.ProviderContext;
import dev.latchkey.provider.custom.CustomJwtSettings.MetadataField;
import dev.latchkey.provider.custom.PemPublicKeys.VerificationKey;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import okhttp3.OkHttpClient;

/**
 * The {@code custom-token} provider: a JWT from the application's own authentication system
 * ({@code Credentials.jwt(token)}), as App Services' Custom JWT authentication.
 *
 * <p>What is checked, in this order, each failure an {@link AuthException} whose message never holds
 * the token or a key:
 * <ol>
 *   <li>shape (MALFORMED): at most 1,000,000 characters, three segments ("token contains an invalid
 *       number of segments"), base64url only, header and claims strict UTF-8 JSON objects without
 *       duplicate names, nested at most 32 deep;</li>
 *   <li>header (INVALID_CREDENTIALS): {@code alg} exactly the one the configured key implies
 *       ({@code none}, in any case, never); {@code typ}, if present, {@code JWT}; {@code kid}, if
 *       present, at most 128 of {@code [A-Za-z0-9._-]} - required with a JWK Set, and looked up only
 *       there. {@code jku}, {@code jwk}, {@code x5u} and {@code x5c} are ignored: nothing is fetched
 *       because of a token;</li>
 *   <li>the signature, with Nimbus (Ed25519 through Tink);</li>
 *   <li>claims (INVALID_CREDENTIALS): {@code sub} (1-255 characters, no control characters),
 *       {@code exp} required and not past, {@code nbf} and {@code iat} if present not in the future,
 *       each with {@code clockSkew}; {@code aud} holding the app id, or any / all of
 *       {@code audiences}; {@code iss} equal to {@code issuer} when configured;</li>
 *   <li>metadata fields: each copied into the profile's extras (a string as it is, anything else as
 *       JSON text of at most {@value #MAX_METADATA_LENGTH} characters); the App Services profile
 *       names also fill the typed profile fields; a required one missing is INVALID_CREDENTIALS.</li>
 * </ol>
 * The identity's subject is {@code sub}.
 */
@AutoService(CredentialProvider.class)
public final class CustomJwtProvider implements CredentialProvider {
    /** The longest metadata value, as JSON text. */
    public static final int MAX_METADATA_LENGTH = 4_096;
    /** The longest subject. */
    public static final int MAX_SUBJECT_LENGTH = 255;

    private static final String TOKEN = "token";
    private static final Set<String> JWKS_ALGORITHMS = Set.of("RS256", "ES256", "EdDSA");
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

    private volatile Started started;

    /** What start() makes, published at once so a half-started provider is never seen. */
    private record Started(List<VerificationKey> staticKeys, JwkSetKeys jwks, List<String> audiences, boolean requireAll,
                           String issuer, Duration skew, Clock clock, List<MetadataField> metadata) {
    }

    /** Made by ServiceLoader. */
    public CustomJwtProvider() {
    }

    @Override
    public String type() {
        return ProviderTypes.CUSTOM_TOKEN;
    }

    @Override
    public void start(ProviderContext context) {
        CustomJwtSettings settings = context.settings(CustomJwtSettings.class);
        List<VerificationKey> keys = new ArrayList<>();
        JwkSetKeys jwks = null;
        try {
            if (settings.hs256Secrets() != null) {
                for (String secret : settings.hs256Secrets()) {
                    keys.add(new VerificationKey(JWSAlgorithm.HS256, new MACVerifier(secret.getBytes(StandardCharsets.UTF_8))));
                }
            } else if (settings.publicKeys() != null) {
                for (int i = 0; i < settings.publicKeys().size(); i++) {
                    VerificationKey key = PemPublicKeys.parse(settings.publicKeys().get(i), "publicKeys[" + i + "]");
                    if (settings.signingAlgorithm() != null && !key.algorithm().getName().equals(settings.signingAlgorithm())) {
                        throw new IllegalArgumentException("publicKeys[" + i + "] is a " + key.algorithm().getName()
                                + " key, but signingAlgorithm says " + settings.signingAlgorithm());
                    }
                    keys.add(key);
                }
            } else {
                OkHttpResourceRetriever retriever = new OkHttpResourceRetriever(context.service(OkHttpClient.class), settings.timeout());
                jwks = new JwkSetKeys(settings.jwkUri(), retriever, context.clock(), settings);
            }
        } catch (JOSEException | IllegalArgumentException e) {
            throw new AuthException(ErrorCode.CONFIGURATION, "providers." + type() + ": a signing key cannot be used"
                    + (e instanceof IllegalArgumentException ? " (" + e.getMessage() + ")" : ""));
        }
        List<String> audiences = settings.audiences() != null ? settings.audiences() : List.of(context.appId());
        started = new Started(List.copyOf(keys), jwks, audiences, settings.requireAllAudiences(), settings.issuer(),
                settings.clockSkew(), context.clock(), settings.metadataFields());
    }

    @Override
    public Identity authenticate(Credentials credentials) {
        Started s = started;
        if (s == null) {
            throw new AuthException(ErrorCode.INTERNAL, "the " + type() + " provider has not been started");
        }
        if (!type().equals(credentials.providerType())) {
            throw Tokens.malformed("these are " + credentials.providerType() + " credentials; this provider takes "
                    + type() + " credentials: Credentials.jwt(token)");
        }
        Map<String, Object> payload = credentials.payload();
        if (!Set.of(TOKEN).containsAll(payload.keySet())) {
            // The unexpected names are not repeated: they are input, and may be long or hostile.
            throw Tokens.malformed("custom-token credentials take only the field 'token'");
        }
        Object value = payload.get(TOKEN);
        if (value == null) {
            throw Tokens.malformed("custom-token credentials need a 'token': the JWT, Credentials.jwt(token)");
        }
        if (!(value instanceof String token)) {
            throw Tokens.malformed("the 'token' field must be a string: the compact JWT");
        }
        Tokens.Parsed parsed = Tokens.parse(token);
        List<VerificationKey> candidates = candidates(s, parsed);
        SignedJWT jwt = parsed.signed();
        if (!verifies(jwt, candidates)) {
            throw invalid("the token's signature is not valid for the configured key");
        }
        JWTClaimsSet claims;
        Map<String, Object> json;
        try {
            claims = jwt.getJWTClaimsSet();
            json = jwt.getPayload().toJSONObject();
        } catch (ParseException | RuntimeException e) {
            throw Tokens.malformed("the token's claims are not valid JWT claims (a registered claim has the wrong type)");
        }
        if (!(json.get("sub") instanceof String)) {
            // Nimbus turns a numeric sub into text; RFC 7519 makes it a string, and so do we.
            throw invalid("the token has no sub string: it must name the user");
        }
        String subject = checkClaims(s, claims);
        return new Identity(type(), subject, profile(s.metadata(), json));
    }

    /** The keys that may have signed the token: those whose algorithm is the header's (SECURITY.md 1-5). */
    private static List<VerificationKey> candidates(Started s, Tokens.Parsed parsed) {
        String alg = Tokens.string(parsed.header(), "alg");
        if (alg == null) {
            throw Tokens.malformed("the token's header has no 'alg' string");
        }
        if (alg.toLowerCase(Locale.ROOT).equals("none")) {
            throw invalid("unsigned tokens (alg none) are refused");
        }
        if (parsed.header().has("typ")) {
            String typ = Tokens.string(parsed.header(), "typ");
            if (typ == null || !(typ.equalsIgnoreCase("JWT") || typ.equalsIgnoreCase("application/jwt"))) {
                throw invalid("the token's typ says it is not a plain JWT (a refresh or other kind of token is refused)");
            }
        }
        String kid = null;
        if (parsed.header().has("kid")) {
            kid = Tokens.string(parsed.header(), "kid");
            if (kid == null || !Tokens.isSaneKid(kid)) {
                throw invalid("the token's kid is not a usable key id (at most 128 of A-Z a-z 0-9 . _ -)");
            }
        }
        if (s.jwks() == null) {
            List<VerificationKey> fit = s.staticKeys().stream().filter(k -> k.algorithm().getName().equals(alg)).toList();
            if (fit.isEmpty()) {
                throw invalid("the token's alg is not the one the configured key takes ("
                        + s.staticKeys().stream().map(k -> k.algorithm().getName()).distinct().sorted().toList() + ")");
            }
            return fit;
        }
        if (!JWKS_ALGORITHMS.contains(alg)) {
            throw invalid("the token's alg is not one the issuer's JWK Set keys take (RS256, ES256, EdDSA)");
        }
        if (kid == null) {
            throw invalid("the token has no kid: with a JWK Set, the header must name its key");
        }
        VerificationKey key = s.jwks().key(kid);
        if (!key.algorithm().getName().equals(alg)) {
            throw invalid("the token's alg is not the one its key takes (" + key.algorithm().getName() + ")");
        }
        return List.of(key);
    }

    private static boolean verifies(SignedJWT jwt, List<VerificationKey> candidates) {
        for (VerificationKey key : candidates) {
            try {
                if (jwt.verify(key.verifier())) {
                    return true;
                }
            } catch (JOSEException | RuntimeException e) {
                // Not this key (or a header Nimbus refuses, such as an unknown crit): try the next.
            }
        }
        return false;
    }

    /** SECURITY.md 8-10. */
    private static String checkClaims(Started s, JWTClaimsSet claims) {
        Instant now = s.clock().instant();
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw invalid("the token has no exp: it must say when it expires");
        }
        if (!now.minus(s.skew()).isBefore(exp.toInstant())) {
            throw invalid("the token has expired");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && nbf.toInstant().isAfter(now.plus(s.skew()))) {
            throw invalid("the token is not valid yet (nbf)");
        }
        Date iat = claims.getIssueTime();
        if (iat != null && iat.toInstant().isAfter(now.plus(s.skew()))) {
            throw invalid("the token is issued in the future (iat)");
        }
        if (s.issuer() != null && !s.issuer().equals(claims.getIssuer())) {
            throw invalid("the token was issued by someone else (iss)");
        }
        List<String> aud = claims.getAudience();
        if (aud == null || aud.isEmpty() || aud.contains(null)) {
            throw invalid("the token has no aud: it must name its audience");
        }
        boolean audOk = s.requireAll() ? aud.containsAll(s.audiences()) : s.audiences().stream().anyMatch(aud::contains);
        if (!audOk) {
            throw invalid("the token was issued to another audience (aud)");
        }
        String sub = claims.getSubject();
        if (sub == null || sub.isBlank() || sub.length() > MAX_SUBJECT_LENGTH || sub.chars().anyMatch(Character::isISOControl)
                || !Identity.isStorableText(sub)) {
            throw invalid("the token has no usable sub (1-" + MAX_SUBJECT_LENGTH + " characters, no control characters)");
        }
        return sub;
    }

    private static Profile profile(List<MetadataField> fields, Map<String, Object> claims) {
        Profile.Builder profile = Profile.builder();
        for (MetadataField field : fields) {
            Object value = find(claims, field.path());
            if (value == null) {
                if (field.required()) {
                    throw invalid("the token lacks the required metadata field '" + field.fieldName() + "'");
                }
                continue;
            }
            String jsonText = GSON.toJson(value);
            if (jsonText.length() > MAX_METADATA_LENGTH) {
                throw invalid("the metadata field '" + field.fieldName() + "' is longer than " + MAX_METADATA_LENGTH + " characters");
            }
            String text = value instanceof String str ? str : jsonText;
            if (!Identity.isStorableText(text)) {
                throw invalid("the metadata field '" + field.fieldName() + "' holds NUL or a lone surrogate");
            }
            profile.extra(field.fieldName(), text);
            typed(profile, field.fieldName(), value, text);
        }
        return profile.build();
    }

    private static Object find(Map<String, Object> claims, List<String> path) {
        Object at = claims;
        for (String segment : path) {
            if (!(at instanceof Map<?, ?> map)) {
                return null;
            }
            at = map.get(segment);
        }
        return at;
    }

    /** App Services' user-profile names fill the typed fields too. */
    private static void typed(Profile.Builder profile, String fieldName, Object value, String text) {
        switch (fieldName) {
            case "name" -> profile.name(text);
            case "email" -> profile.email(text);
            case "picture" -> profile.pictureUrl(text);
            case "first_name" -> profile.firstName(text);
            case "last_name" -> profile.lastName(text);
            case "gender" -> profile.gender(text);
            case "birthday" -> profile.birthday(text);
            case "min_age" -> profile.minAge(age(value));
            case "max_age" -> profile.maxAge(age(value));
            default -> {
            }
        }
    }

    private static Integer age(Object value) {
        try {
            long n = value instanceof Number num && num.doubleValue() == Math.rint(num.doubleValue()) ? num.longValue()
                    : value instanceof String str ? Long.parseLong(str.strip()) : -1;
            return n >= 0 && n <= 1000 ? (int) n : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static AuthException invalid(String message) {
        return new AuthException(ErrorCode.INVALID_CREDENTIALS, message);
    }
}
