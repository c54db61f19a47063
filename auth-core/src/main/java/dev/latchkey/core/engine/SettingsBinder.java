package dev.latchkey.core.engine;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.TypeAdapter;
import com.google.gson.annotations.SerializedName;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Binds a provider's configuration section to its settings class with Gson, and turns every
 * problem into a {@link ErrorCode#CONFIGURATION} error that names the provider and the setting
 * but never repeats a value (a misplaced secret must not end up in a log).
 */
final class SettingsBinder {
    private static final Pattern GSON_PATH = Pattern.compile("\\$\\.([A-Za-z0-9_.\\[\\]]+)");

    private final Gson gson = new GsonBuilder()
            .registerTypeAdapter(Duration.class, new DurationAdapter().nullSafe())
            .disableJdkUnsafe()
            .create();

    <T> T bind(String providerType, JsonObject section, Class<T> type) {
        String path = "providers." + providerType;
        checkNames(path, section, type);
        try {
            T settings = gson.fromJson(section, type);
            if (settings == null) {
                throw configError(path + ": the settings could not be read");
            }
            return settings;
        } catch (JsonParseException e) {
            Matcher m = GSON_PATH.matcher(String.valueOf(e.getMessage()));
            String where = m.find() ? path + "." + m.group(1) : path;
            throw configError(where + ": the value has the wrong type or format for this setting");
        } catch (AuthException e) {
            throw e;
        } catch (RuntimeException e) {
            IllegalArgumentException invalid = findInvalidArgument(e);
            if (invalid != null) {
                throw configError(path + ": " + invalid.getMessage());
            }
            throw configError(path + ": the settings cannot be bound to " + type.getSimpleName()
                    + " (" + e.getClass().getSimpleName() + "); give it a canonical or no-argument constructor");
        }
    }

    /**
     * Refuses keys the settings class does not have, at every level: a record component whose
     * type is itself a record (a nested section such as {@code "smtp": {...}}) is checked too,
     * so a typo deep in a section is named as surely as one at the top.
     */
    private static void checkNames(String path, JsonObject section, Class<?> type) {
        Set<String> known = settingNames(type);
        Set<String> unknown = new TreeSet<>(section.keySet());
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            throw configError(path + ": unknown setting" + (unknown.size() > 1 ? "s " : " ") + unknown + " (known: " + new TreeSet<>(known) + ")");
        }
        if (!type.isRecord()) {
            return;
        }
        for (RecordComponent c : type.getRecordComponents()) {
            Class<?> elementType = listElementRecord(c);
            if (!c.getType().isRecord() && elementType == null) {
                continue;
            }
            Set<String> names = new TreeSet<>();
            addNames(names, c.getName(), serializedName(type, c));
            for (String name : names) {
                JsonElement value = section.get(name);
                if (value != null && value.isJsonObject() && c.getType().isRecord()) {
                    checkNames(path + "." + name, value.getAsJsonObject(), c.getType());
                } else if (value != null && value.isJsonArray() && elementType != null) {
                    // A list of records (a provider's metadata fields, say): each entry is checked too.
                    for (int i = 0; i < value.getAsJsonArray().size(); i++) {
                        JsonElement entry = value.getAsJsonArray().get(i);
                        if (entry.isJsonObject()) {
                            checkNames(path + "." + name + "[" + i + "]", entry.getAsJsonObject(), elementType);
                        }
                    }
                }
            }
        }
    }

    /**
     * A component's {@code @SerializedName}: Gson's annotation may not target record components, so
     * Java puts it on the record's field (and accessor), where Gson reads it too.
     */
    private static SerializedName serializedName(Class<?> record, RecordComponent c) {
        SerializedName onComponent = c.getAnnotation(SerializedName.class);
        if (onComponent != null) {
            return onComponent;
        }
        try {
            return record.getDeclaredField(c.getName()).getAnnotation(SerializedName.class);
        } catch (NoSuchFieldException e) {
            return null;
        }
    }

    /** The record type of a {@code List<SomeRecord>} component, or null for any other component. */
    private static Class<?> listElementRecord(RecordComponent c) {
        if (!List.class.isAssignableFrom(c.getType()) || !(c.getGenericType() instanceof ParameterizedType generic)) {
            return null;
        }
        Type argument = generic.getActualTypeArguments()[0];
        return argument instanceof Class<?> element && element.isRecord() ? element : null;
    }

    /** The JSON names a settings class accepts: record components or instance fields, honouring @SerializedName. */
    private static Set<String> settingNames(Class<?> type) {
        Set<String> names = new TreeSet<>();
        if (type.isRecord()) {
            for (RecordComponent c : type.getRecordComponents()) {
                addNames(names, c.getName(), serializedName(type, c));
            }
            return names;
        }
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                int mod = f.getModifiers();
                if (!Modifier.isStatic(mod) && !Modifier.isTransient(mod) && !f.isSynthetic()) {
                    addNames(names, f.getName(), f.getAnnotation(SerializedName.class));
                }
            }
        }
        return names;
    }

    private static void addNames(Set<String> names, String javaName, SerializedName serialized) {
        if (serialized == null) {
            names.add(javaName);
            return;
        }
        names.add(serialized.value());
        names.addAll(Set.of(serialized.alternate()));
    }

    private static IllegalArgumentException findInvalidArgument(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException iae && iae.getMessage() != null) {
                return iae;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    private static AuthException configError(String message) {
        return new AuthException(ErrorCode.CONFIGURATION, message);
    }

    /** ISO-8601 durations, as everywhere in the configuration. */
    private static final class DurationAdapter extends TypeAdapter<Duration> {
        @Override
        public void write(JsonWriter out, Duration value) throws IOException {
            out.value(value.toString());
        }

        @Override
        public Duration read(JsonReader in) throws IOException {
            if (in.peek() != JsonToken.STRING) {
                throw new JsonParseException("expected an ISO-8601 duration string at path " + in.getPath());
            }
            String path = in.getPath();
            try {
                return Duration.parse(in.nextString());
            } catch (DateTimeParseException e) {
                throw new JsonParseException("not an ISO-8601 duration at path " + path);
            }
        }
    }
}
