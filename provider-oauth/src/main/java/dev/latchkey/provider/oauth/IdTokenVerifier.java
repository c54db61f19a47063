package dev.latchkey.provider.oauth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Identity;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Verifies an identity provider's ID token (SECURITY.md 1-5, 8-11): three segments; RS256 only,
 * whatever the header says (the key decides: an RSA key from the provider's JWK Set, so {@code none}
 * and HS256 with the public key as secret fail); a {@code kid} of a sane shape, looked up only in
 * the provider's own key set ({@code jku}, {@code jwk}, {@code x5u} headers are never used); the
 * signature; {@code iss} among the expected issuers; {@code aud} containing one of our client ids;
 * {@code exp} present and not past, {@code iat} present and not in the future, {@code nbf} if
 * present not in the future, each with a small skew; {@code typ}, when present, {@code JWT}.
 */
final class IdTokenVerifier {
    /** An ID token is a few kilobytes; anything far larger is refused before parsing. */
    static final int MAX_TOKEN_LENGTH = 16_384;
    private static final Pattern KID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    private final JwksCache keys;
    private final Set<String> issuers;
    private final Set<String> audiences;
    private final Duration skew;
    private final Clock clock;
    private final String provider;

    IdTokenVerifier(JwksCache keys, Set<String> issuers, Set<String> audiences, Duration skew, Clock clock, String provider) {
        this.keys = keys;
        this.issuers = Set.copyOf(issuers);
        this.audiences = Set.copyOf(audiences);
        this.skew = skew;
        this.clock = clock;
        this.provider = provider;
    }

    /**
     * Verifies a token.
     *
     * @param token the compact JWT
     * @return its claims
     * @throws AuthException {@link ErrorCode#MALFORMED} when it is not a JWT at all,
     *     {@link ErrorCode#INVALID_CREDENTIALS} when it is not a valid token of this provider for us,
     *     {@link ErrorCode#NETWORK} / {@link ErrorCode#PROVIDER_BACKEND} when its keys cannot be had
     */
    JWTClaimsSet verify(String token) {
        SignedJWT jwt = parse(token);
        JWSHeader header = jwt.getHeader();
        if (!JWSAlgorithm.RS256.equals(header.getAlgorithm())) {
            throw invalid("the " + provider + " ID token is not signed with RS256");
        }
        if (header.getType() != null && !JOSEObjectType.JWT.equals(header.getType())) {
            throw invalid("the " + provider + " ID token has an unexpected type");
        }
        String kid = header.getKeyID();
        if (kid == null || !KID.matcher(kid).matches()) {
            throw invalid("the " + provider + " ID token names no usable key id");
        }
        RSAKey key = keys.key(kid);
        try {
            if (!jwt.verify(new RSASSAVerifier(key.toRSAPublicKey()))) {
                throw invalid("the " + provider + " ID token's signature is not valid");
            }
        } catch (JOSEException e) {
            throw invalid("the " + provider + " ID token's signature cannot be checked");
        }
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new AuthException(ErrorCode.MALFORMED, "the " + provider + " ID token's claims are not a JSON object");
        }
        checkClaims(claims);
        return claims;
    }

    private SignedJWT parse(String token) {
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            throw new AuthException(ErrorCode.MALFORMED, "an ID token is 1-" + MAX_TOKEN_LENGTH + " characters");
        }
        int dots = 0;
        boolean base64url = true;
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c == '.') {
                dots++;
            } else if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                base64url = false;
            }
        }
        if (dots != 2) {
            throw new AuthException(ErrorCode.MALFORMED, "token contains an invalid number of segments");
        }
        if (!base64url) {
            // Nimbus's decoder skips characters it cannot decode: a valid token with a stray line break
            // or NUL added would still verify. A compact JWS is base64url and dots, nothing else.
            throw new AuthException(ErrorCode.MALFORMED, "the " + provider + " ID token has characters that are not base64url;"
                    + " pass the compact token exactly as issued");
        }
        try {
            int firstDot = token.indexOf('.');
            int secondDot = token.indexOf('.', firstDot + 1);
            requireUtf8(token.substring(0, firstDot));
            requireUtf8(token.substring(firstDot + 1, secondDot));
            return SignedJWT.parse(token);
        } catch (ParseException | CharacterCodingException | RuntimeException | StackOverflowError e) {
            throw new AuthException(ErrorCode.MALFORMED, "the " + provider + " ID token is not a well-formed signed JWT");
        }
    }

    /**
     * Nimbus decodes header and claims leniently (a byte that is not UTF-8 becomes U+FFFD), so a
     * header or claim that is not UTF-8 would otherwise be read as some other text.
     */
    private static void requireUtf8(String segment) throws CharacterCodingException {
        byte[] bytes = Base64.getUrlDecoder().decode(segment);
        StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
    }

    private void checkClaims(JWTClaimsSet claims) {
        if (claims.getIssuer() == null || !issuers.contains(claims.getIssuer())) {
            throw invalid("the " + provider + " ID token was issued by someone else");
        }
        List<String> aud = claims.getAudience();
        if (aud == null || aud.isEmpty() || aud.stream().anyMatch(a -> a == null) || aud.stream().noneMatch(audiences::contains)) {
            throw invalid("the " + provider + " ID token was issued to another client id");
        }
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        if (exp == null || !now.minus(skew).isBefore(exp.toInstant())) {
            throw invalid("the " + provider + " ID token has expired");
        }
        Date iat = claims.getIssueTime();
        if (iat == null || iat.toInstant().isAfter(now.plus(skew))) {
            throw invalid("the " + provider + " ID token is issued in the future or not at all");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && nbf.toInstant().isAfter(now.plus(skew))) {
            throw invalid("the " + provider + " ID token is not valid yet");
        }
        if (claims.getSubject() == null || claims.getSubject().isBlank() || claims.getSubject().length() > 255
                || claims.getSubject().chars().anyMatch(Character::isISOControl) || !Identity.isStorableText(claims.getSubject())) {
            throw invalid("the " + provider + " ID token has no usable subject");
        }
    }

    private static AuthException invalid(String message) {
        return new AuthException(ErrorCode.INVALID_CREDENTIALS, message);
    }
}
