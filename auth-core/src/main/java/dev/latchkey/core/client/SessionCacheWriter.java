package dev.latchkey.core.client;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.latchkey.api.Identity;
import dev.latchkey.api.Profile;
import dev.latchkey.api.UserInfo;
import dev.latchkey.core.json.JsonTrees;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * Turns a {@link SessionCacheState} into the bytes of the cache file (format version
 * {@value #VERSION}, UTF-8 JSON). Every field is written, null or not, so that the reader can
 * demand each one: a missing field means a damaged file, never "the default".
 * {@link SessionCacheReader} reads exactly this.
 */
final class SessionCacheWriter {
    /** The format version; a file of any other version is not read. */
    static final int VERSION = 1;

    // Immutable and thread-safe once built.
    private static final Gson GSON = new GsonBuilder().serializeNulls().disableHtmlEscaping().setPrettyPrinting().create();

    private SessionCacheWriter() {
    }

    /**
     * Encodes a state.
     *
     * @param appId the app the state belongs to; the reader checks it
     * @param state the state
     * @return UTF-8 JSON
     */
    static byte[] write(String appId, SessionCacheState state) {
        JsonObject root = new JsonObject();
        root.addProperty("version", VERSION);
        root.addProperty("appId", appId);
        root.addProperty("deviceId", state.deviceId());
        root.add("currentUserId", string(state.currentUserId()));
        JsonArray users = new JsonArray();
        for (UserSnapshot user : state.users()) {
            users.add(user(user));
        }
        root.add("users", users);
        return GSON.toJson(root).getBytes(StandardCharsets.UTF_8);
    }

    private static JsonObject user(UserSnapshot s) {
        JsonObject o = new JsonObject();
        o.addProperty("id", s.info().id());
        o.addProperty("state", s.state().name());
        o.addProperty("providerType", s.providerType());
        o.addProperty("deviceId", s.deviceId());
        o.add("accessToken", string(s.accessToken()));
        o.add("accessTokenExpiresAt", instant(s.accessTokenExpiresAt()));
        o.add("refreshToken", string(s.refreshToken()));
        o.add("info", info(s.info()));
        return o;
    }

    private static JsonObject info(UserInfo info) {
        JsonObject o = new JsonObject();
        o.addProperty("type", info.type().name());
        o.addProperty("disabled", info.disabled());
        o.add("createdAt", instant(info.createdAt()));
        JsonArray identities = new JsonArray();
        for (Identity identity : info.identities()) {
            JsonObject i = new JsonObject();
            i.addProperty("providerType", identity.providerType());
            i.addProperty("subject", identity.subject());
            i.add("profile", profile(identity.profile()));
            identities.add(i);
        }
        o.add("identities", identities);
        o.add("profile", profile(info.profile()));
        o.add("customData", JsonTrees.toJson(info.customData()));
        return o;
    }

    private static JsonObject profile(Profile p) {
        JsonObject o = new JsonObject();
        o.add("name", string(p.name()));
        o.add("email", string(p.email()));
        o.add("pictureUrl", string(p.pictureUrl()));
        o.add("firstName", string(p.firstName()));
        o.add("lastName", string(p.lastName()));
        o.add("gender", string(p.gender()));
        o.add("birthday", string(p.birthday()));
        o.add("minAge", p.minAge() == null ? JsonNull.INSTANCE : new JsonPrimitive(p.minAge()));
        o.add("maxAge", p.maxAge() == null ? JsonNull.INSTANCE : new JsonPrimitive(p.maxAge()));
        JsonObject extras = new JsonObject();
        for (Map.Entry<String, String> e : p.extras().entrySet()) {
            extras.add(e.getKey(), string(e.getValue()));
        }
        o.add("extras", extras);
        return o;
    }

    private static JsonElement string(String value) {
        return value == null ? JsonNull.INSTANCE : new JsonPrimitive(value);
    }

    private static JsonElement instant(Instant value) {
        return value == null ? JsonNull.INSTANCE : new JsonPrimitive(value.toString());
    }
}
