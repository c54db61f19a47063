package dev.latchkey.core.remote;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.core.json.JsonTrees;
import dev.latchkey.core.json.MalformedJsonException;
import dev.latchkey.core.json.StrictJson;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

/**
 * The server's tokens as the client handles them: opaque strings it checks for shape only, and,
 * for an access token, the few claims it reads to know when to refresh ({@code exp}), whose token
 * it is ({@code sub}) and the custom data ({@code user_data}), as the Realm SDKs read them. The
 * client does not verify the signature: the token is the server's to judge, and the client got
 * it from the server it trusts over TLS. Services that accept the tokens verify them with the
 * server's JWK Set.
 */
final class Tokens {
    /** As the session cache bounds tokens. */
    static final int MAX_TOKEN_LENGTH = 16 * 1024;

    private Tokens() {
    }

    /** What an access token says, as far as the client cares. */
    record Claims(Instant expiresAt, String subject, String sessionId, Map<String, Object> userData) {
    }

    static boolean isVisibleAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** A token from the server: visible ASCII, at most 16 KiB, so the session cache will take it. */
    static String checked(String token, String what, Route route) {
        if (token.length() > MAX_TOKEN_LENGTH || !isVisibleAscii(token)) {
            throw Answers.bad(route, "the " + what + " is not visible ASCII of at most " + MAX_TOKEN_LENGTH + " characters");
        }
        return token;
    }

    /** A token about to go into a header; it came from a checked answer, so this is a guard, not a filter. */
    static String checkedForHeader(String token) {
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH || !isVisibleAscii(token)) {
            throw new AuthException(ErrorCode.INVALID_SESSION, "the session's token is not usable: log in again");
        }
        return token;
    }

    /**
     * Reads an access token's claims without verifying it.
     *
     * @throws AuthException {@code PROVIDER_BACKEND} when it is not a JWT with a numeric {@code exp}
     */
    static Claims claims(String accessToken, Route route) {
        String[] parts = accessToken.split("\\.", -1);
        if (parts.length != 3) {
            throw Answers.bad(route, "the access token is not a JWT (it has " + parts.length + " segments, not 3)");
        }
        JsonObject claims;
        try {
            byte[] json = Base64.getUrlDecoder().decode(parts[1]);
            claims = StrictJson.parseObject(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(json)).toString());
        } catch (IllegalArgumentException | MalformedJsonException | CharacterCodingException e) {
            throw Answers.bad(route, "the access token's claims are not base64url JSON");
        }
        JsonElement exp = claims.get("exp");
        if (exp == null || !exp.isJsonPrimitive() || !exp.getAsJsonPrimitive().isNumber()) {
            throw Answers.bad(route, "the access token has no numeric 'exp'");
        }
        long seconds;
        try {
            seconds = exp.getAsJsonPrimitive().getAsBigDecimal().setScale(0, java.math.RoundingMode.FLOOR).longValueExact();
        } catch (ArithmeticException | NumberFormatException e) {
            throw Answers.bad(route, "the access token's 'exp' is out of range");
        }
        if (seconds <= 0 || seconds > Instant.parse("9999-12-31T23:59:59Z").getEpochSecond()) {
            throw Answers.bad(route, "the access token's 'exp' is out of range");
        }
        String subject = Answers.optionalString(claims, "sub", route, 256);
        String sessionId = Answers.optionalString(claims, "sid", route, 256);
        JsonElement data = claims.get("user_data");
        Map<String, Object> userData = Map.of();
        if (data != null && !data.isJsonNull()) {
            if (!data.isJsonObject()) {
                throw Answers.bad(route, "the access token's 'user_data' is not an object");
            }
            userData = JsonTrees.toMap(data.getAsJsonObject());
        }
        return new Claims(Instant.ofEpochSecond(seconds), subject, sessionId, userData);
    }
}
