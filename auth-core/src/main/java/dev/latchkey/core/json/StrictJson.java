package dev.latchkey.core.json;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;

/**
 * Parses JSON that came from outside (config files, stored documents, cached sessions) without
 * surprises: strict RFC 8259 syntax, no duplicate keys, bounded nesting, one value per text.
 * Gson's own tree parser is lenient and lets a later duplicate key win silently.
 */
public final class StrictJson {
    /** Deepest nesting accepted. */
    public static final int MAX_DEPTH = 64;

    private StrictJson() {
    }

    /**
     * Parses a JSON text.
     *
     * @param text the text
     * @return the value
     * @throws MalformedJsonException with a message that says where the text is wrong
     */
    public static JsonElement parse(String text) {
        if (text == null) {
            throw new MalformedJsonException("no JSON text (null)");
        }
        try (JsonReader reader = new JsonReader(new StringReader(text))) {
            reader.setStrictness(Strictness.STRICT);
            JsonElement value = read(reader, 0);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new MalformedJsonException("unexpected content after the JSON value at " + reader.getPath());
            }
            return value;
        } catch (MalformedJsonException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // Gson's messages describe the syntax error and its position; they hold no secret
            // beyond a short excerpt of the path, never the value.
            throw new MalformedJsonException("invalid JSON: " + firstLine(e.getMessage()));
        }
    }

    /**
     * Parses a JSON text that must be an object.
     *
     * @param text the text
     * @return the object
     * @throws MalformedJsonException when it is not valid JSON or not an object
     */
    public static JsonObject parseObject(String text) {
        JsonElement value = parse(text);
        if (!value.isJsonObject()) {
            throw new MalformedJsonException("expected a JSON object");
        }
        return value.getAsJsonObject();
    }

    private static JsonElement read(JsonReader reader, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new MalformedJsonException("JSON nests deeper than " + MAX_DEPTH + " levels");
        }
        switch (reader.peek()) {
            case BEGIN_OBJECT -> {
                JsonObject object = new JsonObject();
                reader.beginObject();
                while (reader.hasNext()) {
                    String name = reader.nextName();
                    if (object.has(name)) {
                        throw new MalformedJsonException("duplicate key '" + name + "' at " + reader.getPath());
                    }
                    object.add(name, read(reader, depth + 1));
                }
                reader.endObject();
                return object;
            }
            case BEGIN_ARRAY -> {
                JsonArray array = new JsonArray();
                reader.beginArray();
                while (reader.hasNext()) {
                    array.add(read(reader, depth + 1));
                }
                reader.endArray();
                return array;
            }
            case STRING -> {
                return new JsonPrimitive(reader.nextString());
            }
            case NUMBER -> {
                return new JsonPrimitive(new BigDecimal(reader.nextString()));
            }
            case BOOLEAN -> {
                return new JsonPrimitive(reader.nextBoolean());
            }
            case NULL -> {
                reader.nextNull();
                return JsonNull.INSTANCE;
            }
            default -> throw new MalformedJsonException("unexpected " + reader.peek() + " at " + reader.getPath());
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "syntax error";
        }
        int newline = message.indexOf('\n');
        String line = newline < 0 ? message : message.substring(0, newline);
        // Gson appends a link to its troubleshooting guide; keep the part that says what is wrong.
        int see = line.indexOf("\nSee ");
        return see < 0 ? line : line.substring(0, see);
    }
}
