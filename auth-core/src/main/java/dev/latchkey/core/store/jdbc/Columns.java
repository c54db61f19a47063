package dev.latchkey.core.store.jdbc;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.latchkey.api.Profile;
import dev.latchkey.core.json.JsonTrees;
import dev.latchkey.core.json.StrictJson;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** How values that are not plain columns are kept: times as epoch microseconds, profiles and custom data as JSON. */
final class Columns {
    private Columns() {
    }

    static long micros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000L);
    }

    static Instant instant(long micros) {
        long seconds = Math.floorDiv(micros, 1_000_000L);
        long rest = Math.floorMod(micros, 1_000_000L);
        return Instant.ofEpochSecond(seconds, TimeUnit.MICROSECONDS.toNanos(rest));
    }

    static String customData(Map<String, Object> data) {
        return JsonTrees.toJson(data).toString();
    }

    static Map<String, Object> customData(String json) {
        return JsonTrees.toMap(StrictJson.parseObject(json));
    }

    static String profile(Profile p) {
        JsonObject o = new JsonObject();
        put(o, "name", p.name());
        put(o, "email", p.email());
        put(o, "pictureUrl", p.pictureUrl());
        put(o, "firstName", p.firstName());
        put(o, "lastName", p.lastName());
        put(o, "gender", p.gender());
        put(o, "birthday", p.birthday());
        if (p.minAge() != null) {
            o.addProperty("minAge", p.minAge());
        }
        if (p.maxAge() != null) {
            o.addProperty("maxAge", p.maxAge());
        }
        JsonObject extras = new JsonObject();
        p.extras().forEach(extras::addProperty);
        o.add("extras", extras);
        return o.toString();
    }

    static Profile profile(String json) {
        JsonObject o = StrictJson.parseObject(json);
        Map<String, String> extras = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : o.getAsJsonObject("extras").entrySet()) {
            extras.put(e.getKey(), e.getValue().getAsString());
        }
        return new Profile(string(o, "name"), string(o, "email"), string(o, "pictureUrl"), string(o, "firstName"),
                string(o, "lastName"), string(o, "gender"), string(o, "birthday"), integer(o, "minAge"), integer(o, "maxAge"),
                extras);
    }

    private static void put(JsonObject o, String name, String value) {
        if (value != null) {
            o.addProperty(name, value);
        }
    }

    private static String string(JsonObject o, String name) {
        return o.has(name) ? o.get(name).getAsString() : null;
    }

    private static Integer integer(JsonObject o, String name) {
        return o.has(name) ? o.get(name).getAsInt() : null;
    }
}
