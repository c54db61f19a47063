package dev.latchkey.provider.oauth;

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
import java.time.Duration;
import java.util.Map;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Calls to an identity provider's JSON endpoints through the engine's shared {@link OkHttpClient}
 * with a timeout of its own, reading at most {@link #MAX_ANSWER_BYTES} (SECURITY.md 7). Failures
 * become {@link ErrorCode#NETWORK} (unreachable, timed out), {@link ErrorCode#RATE_LIMITED} (429),
 * or {@link ErrorCode#PROVIDER_BACKEND} (5xx, not JSON, too large). Messages name the backend and
 * the status only: never a URL (a Graph API URL carries the user's token) nor a body.
 */
final class BackendCalls {
    /** The largest answer read: 1 MB. */
    static final int MAX_ANSWER_BYTES = 1_000_000;
    /** A 429's retry-after is believed up to this long. */
    private static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(10);

    /**
     * An answer that was read: a status below 500 other than 429, and a JSON object.
     *
     * @param status the HTTP status
     * @param body the JSON object
     * @param cacheControl the {@code Cache-Control} header, or null
     */
    record Reply(int status, JsonObject body, String cacheControl) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        /** The status and the field names only: an answer holds tokens. */
        @Override
        public String toString() {
            return "Reply[status=" + status + ", fields=" + body.keySet() + "]";
        }
    }

    private final OkHttpClient http;
    private final String backend;

    /**
     * Calls one backend.
     *
     * @param shared the engine's client
     * @param backend the backend's name in messages ("Google", "Facebook", "Apple")
     * @param timeout the longest one call may take
     */
    BackendCalls(OkHttpClient shared, String backend, Duration timeout) {
        this.http = shared.newBuilder().callTimeout(timeout).readTimeout(timeout).build();
        this.backend = backend;
    }

    Reply get(HttpUrl url) {
        return call(new Request.Builder().url(url).get().header("Accept", "application/json").build());
    }

    /**
     * A GET with a bearer token in the {@code Authorization} header, where it stays out of URLs
     * and the logs that keep them.
     *
     * @param url the endpoint
     * @param bearerToken the token
     * @return the answer
     */
    Reply getWithBearer(HttpUrl url, String bearerToken) {
        return call(new Request.Builder().url(url).get().header("Accept", "application/json")
                .header("Authorization", "Bearer " + bearerToken).build());
    }

    Reply postForm(HttpUrl url, Map<String, String> form) {
        FormBody.Builder body = new FormBody.Builder();
        form.forEach(body::add);
        return call(new Request.Builder().url(url).post(body.build()).header("Accept", "application/json").build());
    }

    private Reply call(Request request) {
        try (Response response = http.newCall(request).execute()) {
            int status = response.code();
            if (status == 429) {
                throw AuthException.retryLater(ErrorCode.RATE_LIMITED, backend + " is limiting requests (HTTP 429): try again later",
                        retryAfter(response.header("Retry-After")));
            }
            if (status >= 500) {
                throw new AuthException(ErrorCode.PROVIDER_BACKEND, backend + " answered HTTP " + status);
            }
            JsonObject body = jsonObject(read(response.body()));
            return new Reply(status, body, response.header("Cache-Control"));
        } catch (InterruptedIOException e) {
            throw new AuthException(ErrorCode.NETWORK, backend + " did not answer in time");
        } catch (IOException e) {
            throw new AuthException(ErrorCode.NETWORK, backend + " could not be reached (" + e.getClass().getSimpleName() + ")");
        }
    }

    private String read(ResponseBody body) throws IOException {
        if (body == null) {
            throw new AuthException(ErrorCode.PROVIDER_BACKEND, backend + " sent an empty answer");
        }
        try (InputStream in = body.byteStream()) {
            byte[] bytes = in.readNBytes(MAX_ANSWER_BYTES + 1);
            if (bytes.length > MAX_ANSWER_BYTES) {
                throw new AuthException(ErrorCode.PROVIDER_BACKEND, backend + "'s answer is larger than " + MAX_ANSWER_BYTES + " bytes");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private JsonObject jsonObject(String text) {
        try {
            JsonElement root = JsonParser.parseString(text);
            if (root.isJsonObject()) {
                return root.getAsJsonObject();
            }
        } catch (JsonParseException | StackOverflowError e) {
            // Reported below, without the text: an answer may echo what we sent.
        }
        throw new AuthException(ErrorCode.PROVIDER_BACKEND, backend + "'s answer is not a JSON object");
    }

    private static Duration retryAfter(String header) {
        if (header != null) {
            try {
                long seconds = Long.parseLong(header.strip());
                if (seconds > 0) {
                    return Duration.ofSeconds(Math.min(seconds, MAX_RETRY_AFTER.toSeconds()));
                }
            } catch (NumberFormatException e) {
                // An HTTP date or garbage: fall back to a short wait.
            }
        }
        return Duration.ofSeconds(30);
    }

    /**
     * A string field of an answer, or null when absent or not a string.
     *
     * @param object the answer
     * @param name the field
     * @return the value, or null
     */
    static String string(JsonObject object, String name) {
        JsonElement e = object.get(name);
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString() ? e.getAsString() : null;
    }
}
