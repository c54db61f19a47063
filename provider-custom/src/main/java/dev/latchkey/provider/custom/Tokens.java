package dev.latchkey.provider.custom;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.nimbusds.jwt.SignedJWT;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The shape of a compact JWS, checked before any cryptography or key lookup (SECURITY.md 5, 11):
 * at most {@link #MAX_TOKEN_LENGTH} characters; exactly three segments; base64url and dots only
 * (Nimbus's decoder skips characters it cannot decode, so a valid token with a stray NUL or line
 * break added would otherwise still verify); header and claims strict UTF-8 and strict JSON objects
 * with no duplicate names, nested at most {@link #MAX_JSON_DEPTH} deep. Every failure is MALFORMED.
 */
final class Tokens {
    /** The longest token looked at. */
    static final int MAX_TOKEN_LENGTH = 1_000_000;
    /** How deeply header and claims may nest. */
    static final int MAX_JSON_DEPTH = 32;
    /** The message App Services gives, and the hint that usually fixes it. */
    static final String SEGMENTS_MESSAGE = "token contains an invalid number of segments; pass the JWT in its compact form:"
            + " one UTF-8 string of three base64url parts separated by dots (header.payload.signature)";
    private static final Pattern KID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    /**
     * A token whose shape is right.
     *
     * @param token the compact token
     * @param header the header as a JSON object
     */
    record Parsed(String token, JsonObject header) {
        /**
         * The token as Nimbus reads it; called once its algorithm was found to be the key's.
         *
         * @return the signed JWT
         */
        SignedJWT signed() {
            try {
                return SignedJWT.parse(token);
            } catch (ParseException | RuntimeException | StackOverflowError e) {
                // A header value of the wrong type, say: Nimbus refuses what it cannot read.
                throw new AuthException(ErrorCode.MALFORMED, "the token is not a well-formed signed JWT");
            }
        }

        @Override
        public String toString() {
            return "Parsed[" + token.length() + " chars]";
        }
    }

    private Tokens() {
    }

    static boolean isSaneKid(String kid) {
        return KID.matcher(kid).matches();
    }

    static Parsed parse(String token) {
        if (token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            throw malformed("a token is 1-" + MAX_TOKEN_LENGTH + " characters");
        }
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        if (first < 0 || second < 0 || token.indexOf('.', second + 1) >= 0) {
            throw malformed(SEGMENTS_MESSAGE);
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.')) {
                throw malformed("the token holds characters that are not base64url; pass the compact token exactly as issued");
            }
        }
        if (first == 0 || second == first + 1) {
            throw malformed("the token's header or claims segment is empty");
        }
        String headerJson = utf8(token.substring(0, first), "header");
        String claimsJson = utf8(token.substring(first + 1, second), "claims");
        checkJsonObject(headerJson, "header");
        checkJsonObject(claimsJson, "claims");
        return new Parsed(token, JsonParser.parseString(headerJson).getAsJsonObject());
    }

    private static String utf8(String segment, String what) {
        try {
            byte[] bytes = Base64.getUrlDecoder().decode(segment);
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (IllegalArgumentException e) {
            throw malformed("the token's " + what + " is not base64url");
        } catch (CharacterCodingException e) {
            throw malformed("the token's " + what + " is not UTF-8");
        }
    }

    /** Strict JSON, one object, no duplicate names at any level, bounded depth: fails fast on hostile nesting. */
    private static void checkJsonObject(String json, String what) {
        JsonReader reader = new JsonReader(new StringReader(json));
        reader.setStrictness(Strictness.STRICT);
        reader.setNestingLimit(MAX_JSON_DEPTH);
        try {
            if (reader.peek() != JsonToken.BEGIN_OBJECT) {
                throw malformed("the token's " + what + " is not a JSON object");
            }
            value(reader, what);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw malformed("the token's " + what + " has data after its JSON object");
            }
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            throw malformed("the token's " + what + " is not strict JSON, or nests deeper than " + MAX_JSON_DEPTH + " levels");
        }
    }

    private static void value(JsonReader reader, String what) throws IOException {
        switch (reader.peek()) {
            case BEGIN_OBJECT -> {
                reader.beginObject();
                Set<String> names = new HashSet<>();
                while (reader.hasNext()) {
                    if (!names.add(reader.nextName())) {
                        throw malformed("the token's " + what + " names a member twice");
                    }
                    value(reader, what);
                }
                reader.endObject();
            }
            case BEGIN_ARRAY -> {
                reader.beginArray();
                while (reader.hasNext()) {
                    value(reader, what);
                }
                reader.endArray();
            }
            default -> reader.skipValue();
        }
    }

    static AuthException malformed(String message) {
        return new AuthException(ErrorCode.MALFORMED, message);
    }

    static String string(JsonObject object, String name) {
        JsonElement e = object.get(name);
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString() ? e.getAsString() : null;
    }
}
