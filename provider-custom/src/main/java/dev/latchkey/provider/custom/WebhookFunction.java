package dev.latchkey.provider.custom;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * The function as a webhook: one signed POST per log-in through the engine's shared
 * {@link OkHttpClient}, bounded by the provider's timeout, reading at most
 * {@value #MAX_ANSWER_BYTES} bytes of the answer.
 *
 * <p>Signing: {@code X-Latchkey-Timestamp} is the engine clock's Unix time in seconds;
 * {@code X-Latchkey-Signature} is {@code sha256=} and the lower-case hex HMAC-SHA256, keyed with
 * the UTF-8 bytes of {@code webhookSecret}, of the timestamp's ASCII digits, a {@code '.'}, and
 * the exact body bytes. A receiver recomputes it over the body it read, compares in constant time,
 * and refuses timestamps far from its own clock (replays).
 *
 * <p>Outcomes: a 2xx JSON object with a string {@code id} (and optionally {@code name}) is the
 * answer; a non-2xx answer (its {@code {"error": "..."}} as the message), an answer that is not a
 * JSON object or is too large, and no answer within the timeout are INVALID_CREDENTIALS, as the
 * issue asks; a webhook that cannot be reached at all (refused connection, unknown host) is
 * NETWORK: the function never ran, so there is no verdict on the credentials, and the engine's
 * throttle must not count it as a wrong guess. Messages never hold the URL, the secret or the body.
 */
final class WebhookFunction {
    /** The largest answer read: an id and a name need far less. */
    static final int MAX_ANSWER_BYTES = 65_536;
    /** The signature header: {@code sha256=<hex>}. */
    static final String SIGNATURE_HEADER = "X-Latchkey-Signature";
    /** The timestamp header: Unix seconds. */
    static final String TIMESTAMP_HEADER = "X-Latchkey-Timestamp";
    private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

    private final OkHttpClient http;
    private final String url;
    private final byte[] key;
    private final Clock clock;
    private final Duration timeout;

    WebhookFunction(OkHttpClient shared, CustomFunctionSettings settings, Clock clock) {
        this.timeout = settings.timeout();
        this.http = shared.newBuilder().callTimeout(timeout).readTimeout(timeout).writeTimeout(timeout)
                .connectTimeout(timeout.compareTo(Duration.ofSeconds(5)) < 0 ? timeout : Duration.ofSeconds(5)).build();
        this.url = settings.webhookUrl();
        this.key = settings.webhookSecret().getBytes(StandardCharsets.UTF_8);
        this.clock = clock;
    }

    /**
     * Asks the webhook.
     *
     * @param body the payload as UTF-8 JSON, exactly as sent and signed
     * @param payload the payload, for blanking its strings out of messages
     * @return the webhook's answer, not yet checked
     */
    FunctionIdentity call(byte[] body, Map<String, Object> payload) {
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        Request request = new Request.Builder().url(url)
                .post(RequestBody.create(body, JSON))
                .header("Accept", "application/json")
                .header(TIMESTAMP_HEADER, timestamp)
                .header(SIGNATURE_HEADER, "sha256=" + sign(key, timestamp, body))
                .build();
        try (Response response = http.newCall(request).execute()) {
            int status = response.code();
            JsonObject answer = jsonObject(read(response.body(), payload));
            if (status < 200 || status > 299) {
                String error = answer == null ? null : string(answer, "error");
                throw Refusals.refused(error != null ? error : "the webhook answered HTTP " + status, payload);
            }
            if (answer == null) {
                throw Refusals.refused("the webhook's answer is not a JSON object", payload);
            }
            if (answer.has("id") && string(answer, "id") == null) {
                throw Refusals.refused("the webhook's \"id\" is not a string", payload);
            }
            if (answer.has("name") && !answer.get("name").isJsonNull() && string(answer, "name") == null) {
                throw Refusals.refused("the webhook's \"name\" is not a string", payload);
            }
            return new FunctionIdentity(string(answer, "id"), string(answer, "name"));
        } catch (InterruptedIOException e) {
            throw Refusals.refused("the webhook did not answer within " + timeout, payload);
        } catch (IOException e) {
            throw new AuthException(ErrorCode.NETWORK, "the custom function's webhook could not be reached ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    /**
     * The signature a receiver recomputes: hex HMAC-SHA256 of {@code timestamp + "." + body}.
     *
     * @param key the secret's UTF-8 bytes
     * @param timestamp the {@code X-Latchkey-Timestamp} value
     * @param body the exact body bytes
     * @return lower-case hex
     */
    static String sign(byte[] key, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(timestamp.getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) '.');
            mac.update(body);
            return HexFormat.of().formatHex(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new AuthException(ErrorCode.INTERNAL, "HmacSHA256 is not available in this JVM");
        }
    }

    private static String read(ResponseBody body, Map<String, Object> payload) throws IOException {
        if (body == null) {
            return "";
        }
        try (InputStream in = body.byteStream()) {
            byte[] bytes = in.readNBytes(MAX_ANSWER_BYTES + 1);
            if (bytes.length > MAX_ANSWER_BYTES) {
                throw Refusals.refused("the webhook's answer is larger than " + MAX_ANSWER_BYTES + " bytes", payload);
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** The answer as a JSON object, or null when it is not one (the text is never reported: it may echo the payload). */
    private static JsonObject jsonObject(String text) {
        try {
            JsonElement root = JsonParser.parseString(text);
            return root.isJsonObject() ? root.getAsJsonObject() : null;
        } catch (JsonParseException | StackOverflowError e) {
            return null;
        }
    }

    private static String string(JsonObject object, String name) {
        JsonElement e = object.get(name);
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString() ? e.getAsString() : null;
    }
}
