package dev.latchkey.benchmarks.http;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/** Whether an answer holds what a successful one must, and a failed answer's body made safe to print. */
final class AnswerCheck {
    /**
     * Runs of token, key or hash alphabet long enough to be a secret (JWTs, refresh tokens, API keys, client
     * secrets): a failed answer is printed with each replaced, so a report never carries a credential. A run
     * without a digit is left alone, so that error codes ({@code "unauthorized_client_credentials"}) stay readable.
     */
    private static final Pattern SECRET_LIKE = Pattern.compile("(?=[A-Za-z_\\-+/=.]*[0-9])[A-Za-z0-9_\\-+/=.]{20,}");
    private static final int MAX_SHOWN = 300;

    private AnswerCheck() {
    }

    /** True when {@code body} is a JSON object whose {@code field} is a non-empty string. */
    static boolean hasField(byte[] body, String field) {
        try {
            JsonElement json = JsonParser.parseString(new String(body, StandardCharsets.UTF_8));
            if (!json.isJsonObject()) {
                return false;
            }
            JsonObject o = json.getAsJsonObject();
            return o.has(field) && o.get(field).isJsonPrimitive() && !o.get(field).getAsString().isEmpty();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The body as text, secret-like runs replaced by {@code <redacted>}, cut to 300 characters. */
    static String redacted(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8).replaceAll("\\s+", " ").strip();
        text = SECRET_LIKE.matcher(text).replaceAll("<redacted>");
        if (text.isEmpty()) {
            return "(empty body)";
        }
        return text.length() > MAX_SHOWN ? text.substring(0, MAX_SHOWN) + "…" : text;
    }
}
