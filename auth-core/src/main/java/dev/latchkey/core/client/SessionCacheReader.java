package dev.latchkey.core.client;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.Identity;
import dev.latchkey.api.Profile;
import dev.latchkey.api.ProviderTypes;
import dev.latchkey.api.UserInfo;
import dev.latchkey.api.UserState;
import dev.latchkey.api.UserType;
import dev.latchkey.core.json.JsonTrees;
import dev.latchkey.core.json.MalformedJsonException;
import dev.latchkey.core.json.StrictJson;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads the bytes of a session cache file back into a {@link SessionCacheState}, trusting
 * nothing: strict UTF-8, {@link StrictJson} (no duplicate keys, bounded nesting), the exact set
 * of fields {@link SessionCacheWriter} writes (a missing or an unknown one is an error), the
 * right types, a known version, the expected app, and a state that makes sense (tokens exactly
 * when logged in, unique users, a current user that is one of them and logged in).
 *
 * <p>It does no I/O and its only failure is {@link CorruptSessionCacheException}: it is the
 * parser's fuzz target. Any other exception escaping it is a bug.
 */
final class SessionCacheReader {
    /** The largest file read; a session cache of a few users is a few KiB. */
    /**
     * The largest cache file read, and (see {@code SessionCacheFile.write}) written: about 30,000
     * users with typical tokens (a cached user takes about 2 KB), far beyond what one device holds,
     * yet bounded so a planted file cannot exhaust the heap. It was 4 MiB, which a client with about
     * 2,000 users outgrew: the writer wrote what the reader then refused, and the next start lost
     * every user (found by issue #10's memory benchmark).
     */
    static final int MAX_BYTES = 64 * 1024 * 1024;
    /** Ids and device ids are short; tokens are bounded as {@code AuthService.verify} bounds them. */
    private static final int MAX_ID_LENGTH = 256;
    private static final int MAX_TOKEN_LENGTH = 16 * 1024;
    /**
     * What the engine accepts as a device id ({@code DefaultAuthService}): a cached one it refuses
     * would fail every log-in of the app, run after run.
     */
    static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    /**
     * The longest number literal read. Parsing a number's digits takes time quadratic in their
     * count; no number the writer writes comes near this (a long is 20 characters, a double 24).
     */
    static final int MAX_NUMBER_LENGTH = 64;

    private static final Set<String> ROOT = Set.of("version", "appId", "deviceId", "currentUserId", "users");
    private static final Set<String> USER = Set.of("id", "state", "providerType", "deviceId", "accessToken",
            "accessTokenExpiresAt", "refreshToken", "info");
    private static final Set<String> INFO = Set.of("type", "disabled", "createdAt", "identities", "profile", "customData");
    private static final Set<String> IDENTITY = Set.of("providerType", "subject", "profile");
    private static final Set<String> PROFILE = Set.of("name", "email", "pictureUrl", "firstName", "lastName", "gender",
            "birthday", "minAge", "maxAge", "extras");

    private SessionCacheReader() {
    }

    /**
     * Reads a cache file's bytes.
     *
     * @param bytes the file's content
     * @param appId the app the file must belong to
     * @return the state it holds
     * @throws CorruptSessionCacheException when the bytes are not a valid cache of that app
     */
    static SessionCacheState read(byte[] bytes, String appId) throws CorruptSessionCacheException {
        if (bytes == null) {
            throw new CorruptSessionCacheException("no content");
        }
        if (bytes.length > MAX_BYTES) {
            throw new CorruptSessionCacheException("larger than " + MAX_BYTES + " bytes");
        }
        return read(utf8(bytes), appId);
    }

    /**
     * Reads a cache file's text.
     *
     * @param text the file's content
     * @param appId the app the file must belong to
     * @return the state it holds
     * @throws CorruptSessionCacheException when the text is not a valid cache of that app
     */
    static SessionCacheState read(String text, String appId) throws CorruptSessionCacheException {
        if (text == null) {
            throw new CorruptSessionCacheException("no content");
        }
        checkNumberLengths(text);
        JsonElement root;
        try {
            root = StrictJson.parse(text);
        } catch (MalformedJsonException e) {
            // StrictJson's message may quote a key of the file; the file may hold tokens.
            throw new CorruptSessionCacheException("not strict JSON (a syntax error, a duplicate key, or nesting deeper than "
                    + StrictJson.MAX_DEPTH + " levels)");
        }
        Fields file = new Fields(root, "the file", ROOT);
        int version = file.integer("version");
        if (version != SessionCacheWriter.VERSION) {
            throw new CorruptSessionCacheException("version " + version + " is not the supported version " + SessionCacheWriter.VERSION);
        }
        if (!file.token("appId", MAX_ID_LENGTH).equals(appId)) {
            throw new CorruptSessionCacheException("appId: the file belongs to another app");
        }
        String deviceId = file.deviceId("deviceId");
        String currentUserId = file.nullableToken("currentUserId", MAX_ID_LENGTH);
        List<UserSnapshot> users = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        List<JsonElement> elements = file.array("users");
        for (int i = 0; i < elements.size(); i++) {
            UserSnapshot user = user(elements.get(i), "users[" + i + "]");
            if (!ids.add(user.info().id())) {
                throw new CorruptSessionCacheException("users[" + i + "].id: a second user with the same id");
            }
            users.add(user);
        }
        if (currentUserId != null && users.stream().noneMatch(u -> u.info().id().equals(currentUserId) && u.state() == UserState.LOGGED_IN)) {
            throw new CorruptSessionCacheException("currentUserId: not a logged-in user of the file");
        }
        return new SessionCacheState(deviceId, currentUserId, users);
    }

    private static UserSnapshot user(JsonElement element, String path) throws CorruptSessionCacheException {
        Fields user = new Fields(element, path, USER);
        String id = user.token("id", MAX_ID_LENGTH);
        UserState state = user.enumValue("state", UserState.class);
        String providerType = user.string("providerType");
        if (!ProviderTypes.isWellFormed(providerType)) {
            throw user.invalid("providerType", "not a well-formed provider type");
        }
        String deviceId = user.deviceId("deviceId");
        String accessToken = user.nullableToken("accessToken", MAX_TOKEN_LENGTH);
        Instant expiresAt = user.nullableInstant("accessTokenExpiresAt");
        String refreshToken = user.nullableToken("refreshToken", MAX_TOKEN_LENGTH);
        switch (state) {
            case LOGGED_IN -> {
                if (accessToken == null || expiresAt == null || refreshToken == null) {
                    throw user.invalid("state", "a logged-in user needs an access token, its expiry and a refresh token");
                }
            }
            case LOGGED_OUT -> {
                if (accessToken != null || expiresAt != null || refreshToken != null) {
                    throw user.invalid("state", "a logged-out user has no tokens");
                }
            }
            default -> throw user.invalid("state", "a removed user is never cached");
        }
        UserInfo info = info(id, user.get("info"), path + ".info");
        return new UserSnapshot(state, info, providerType, deviceId, accessToken, expiresAt, refreshToken);
    }

    private static UserInfo info(String id, JsonElement element, String path) throws CorruptSessionCacheException {
        Fields info = new Fields(element, path, INFO);
        UserType type = info.enumValue("type", UserType.class);
        boolean disabled = info.bool("disabled");
        // Null when unknown: a remote server's profile (App Services') does not say when a user was created.
        Instant createdAt = info.nullableInstant("createdAt");
        List<Identity> identities = new ArrayList<>();
        List<JsonElement> elements = info.array("identities");
        for (int i = 0; i < elements.size(); i++) {
            identities.add(identity(elements.get(i), path + ".identities[" + i + "]"));
        }
        Profile profile = profile(info.get("profile"), path + ".profile");
        JsonObject customData = info.object("customData");
        try {
            return new UserInfo(id, type, identities, profile, JsonTrees.toMap(customData), disabled, createdAt);
        } catch (AuthException e) {
            // UserInfo bounds custom data (nesting, value types); its messages quote no values.
            throw info.invalid("customData", "not acceptable custom data");
        }
    }

    private static Identity identity(JsonElement element, String path) throws CorruptSessionCacheException {
        Fields identity = new Fields(element, path, IDENTITY);
        String providerType = identity.string("providerType");
        String subject = identity.string("subject");
        Profile profile = profile(identity.get("profile"), path + ".profile");
        try {
            return new Identity(providerType, subject, profile);
        } catch (AuthException e) {
            throw identity.invalid("providerType", "not a valid identity (provider type or subject)");
        }
    }

    private static Profile profile(JsonElement element, String path) throws CorruptSessionCacheException {
        Fields p = new Fields(element, path, PROFILE);
        Map<String, String> extras = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : p.object("extras").entrySet()) {
            JsonElement value = e.getValue();
            if (!isString(value)) {
                throw p.invalid("extras", "every value must be a string");
            }
            extras.put(e.getKey(), value.getAsString());
        }
        return new Profile(p.nullableString("name"), p.nullableString("email"), p.nullableString("pictureUrl"),
                p.nullableString("firstName"), p.nullableString("lastName"), p.nullableString("gender"),
                p.nullableString("birthday"), p.nullableInteger("minAge"), p.nullableInteger("maxAge"), extras);
    }

    /**
     * Refuses a number literal longer than {@link #MAX_NUMBER_LENGTH} before anything parses it:
     * one pass over the text, outside strings, counting the characters a number is made of.
     */
    private static void checkNumberLengths(String text) throws CorruptSessionCacheException {
        boolean inString = false;
        int run = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
                run = 0;
            } else if (c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E') {
                if (++run > MAX_NUMBER_LENGTH) {
                    throw new CorruptSessionCacheException("a number longer than " + MAX_NUMBER_LENGTH + " characters");
                }
            } else {
                run = 0;
            }
        }
    }

    private static String utf8(byte[] bytes) throws CorruptSessionCacheException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new CorruptSessionCacheException("not UTF-8");
        }
    }

    private static boolean isString(JsonElement e) {
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString();
    }

    /** One JSON object of the format: exactly the expected fields, read with types checked. */
    private static final class Fields {
        private final JsonObject object;
        private final String path;

        Fields(JsonElement element, String path, Set<String> expected) throws CorruptSessionCacheException {
            this.path = path;
            if (element == null || !element.isJsonObject()) {
                throw new CorruptSessionCacheException(path + ": not an object");
            }
            this.object = element.getAsJsonObject();
            for (String key : new TreeSet<>(expected)) {
                if (!object.has(key)) {
                    throw invalid(key, "missing");
                }
            }
            if (object.size() != expected.size()) {
                // Not named: an unknown key is the file's content, not ours.
                throw new CorruptSessionCacheException(path + ": a field that is not part of version " + SessionCacheWriter.VERSION);
            }
        }

        JsonElement get(String key) {
            return object.get(key);
        }

        CorruptSessionCacheException invalid(String key, String why) {
            return new CorruptSessionCacheException(path + "." + key + ": " + why);
        }

        String string(String key) throws CorruptSessionCacheException {
            JsonElement e = object.get(key);
            if (!isString(e)) {
                throw invalid(key, "not a string");
            }
            return e.getAsString();
        }

        String nullableString(String key) throws CorruptSessionCacheException {
            return object.get(key).isJsonNull() ? null : string(key);
        }

        /** A non-empty string of visible ASCII: ids and tokens are sent back to the server as they are. */
        String token(String key, int maxLength) throws CorruptSessionCacheException {
            String value = string(key);
            if (value.isEmpty() || value.length() > maxLength) {
                throw invalid(key, "empty or longer than " + maxLength + " characters");
            }
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c <= 0x20 || c >= 0x7f) {
                    throw invalid(key, "not visible ASCII");
                }
            }
            return value;
        }

        String deviceId(String key) throws CorruptSessionCacheException {
            String value = string(key);
            if (!DEVICE_ID.matcher(value).matches()) {
                throw invalid(key, "not a device id (1-64 letters, digits, '_' or '-')");
            }
            return value;
        }

        String nullableToken(String key, int maxLength) throws CorruptSessionCacheException {
            return object.get(key).isJsonNull() ? null : token(key, maxLength);
        }

        boolean bool(String key) throws CorruptSessionCacheException {
            JsonElement e = object.get(key);
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
                throw invalid(key, "not a boolean");
            }
            return e.getAsBoolean();
        }

        int integer(String key) throws CorruptSessionCacheException {
            JsonElement e = object.get(key);
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
                throw invalid(key, "not a number");
            }
            try {
                return e.getAsJsonPrimitive().getAsBigDecimal().intValueExact();
            } catch (ArithmeticException | NumberFormatException notAnInt) {
                throw invalid(key, "not a 32-bit integer");
            }
        }

        Integer nullableInteger(String key) throws CorruptSessionCacheException {
            return object.get(key).isJsonNull() ? null : integer(key);
        }

        Instant instant(String key) throws CorruptSessionCacheException {
            String value = string(key);
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException e) {
                throw invalid(key, "not an ISO-8601 instant");
            }
        }

        Instant nullableInstant(String key) throws CorruptSessionCacheException {
            return object.get(key).isJsonNull() ? null : instant(key);
        }

        <E extends Enum<E>> E enumValue(String key, Class<E> type) throws CorruptSessionCacheException {
            String value = string(key);
            for (E constant : type.getEnumConstants()) {
                if (constant.name().equals(value)) {
                    return constant;
                }
            }
            throw invalid(key, "not one of the " + type.getSimpleName() + " values");
        }

        List<JsonElement> array(String key) throws CorruptSessionCacheException {
            JsonElement e = object.get(key);
            if (!e.isJsonArray()) {
                throw invalid(key, "not an array");
            }
            return e.getAsJsonArray().asList();
        }

        JsonObject object(String key) throws CorruptSessionCacheException {
            JsonElement e = object.get(key);
            if (!e.isJsonObject()) {
                throw invalid(key, "not an object");
            }
            return e.getAsJsonObject();
        }
    }
}
