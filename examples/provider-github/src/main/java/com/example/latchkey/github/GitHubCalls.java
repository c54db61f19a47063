package com.example.latchkey.github;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * HTTP calls to GitHub through the engine's shared {@link OkHttpClient}, each bounded by the
 * {@code timeout} setting, reading at most {@link #MAX_ANSWER_BYTES}. What every endpoint means
 * the same by is mapped here: unreachable or too slow is {@code NETWORK}; HTTP 429, or a 403 that
 * GitHub marks as a rate limit (by a header or by its message), is {@code RATE_LIMITED}; 5xx, an
 * oversized answer or one that is not JSON is {@code PROVIDER_BACKEND}. Other statuses are the
 * caller's to judge. Messages name the endpoint and the status, never a URL, a body or a token.
 */
final class GitHubCalls {
    /** The largest answer read: 1 MB. */
    static final int MAX_ANSWER_BYTES = 1_000_000;
    private static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(60);
    private static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);
    private static final String USER_AGENT = "latchkey-provider-github";

    /**
     * An answer that was read.
     *
     * @param status the HTTP status, below 500 and not 429
     * @param body the JSON answer
     */
    record Answer(int status, JsonElement body) {
        /** The status only: an answer holds tokens. */
        @Override
        public String toString() {
            return "Answer[status=" + status + "]";
        }
    }

    private final OkHttpClient http;
    private final Clock clock;

    GitHubCalls(OkHttpClient shared, Duration timeout, Clock clock) {
        this.clock = clock;
        // newBuilder() shares the engine's connection pool and threads; only the timeouts differ.
        this.http = shared.newBuilder().callTimeout(timeout).readTimeout(timeout).build();
    }

    /** A form POST to the token endpoint, which answers JSON only when asked to. */
    Answer postForm(String what, HttpUrl url, Map<String, String> form) {
        FormBody.Builder body = new FormBody.Builder();
        form.forEach(body::add);
        return call(what, new Request.Builder().url(url).post(body.build())
                .header("Accept", "application/json")
                .header("User-Agent", USER_AGENT)
                .build());
    }

    /** A REST API GET with the user's token in the {@code Authorization} header, never in the URL. */
    Answer get(String what, HttpUrl url, String accessToken) {
        return call(what, new Request.Builder().url(url).get()
                .header("Accept", "application/vnd.github+json")
                .header("X-GitHub-Api-Version", "2022-11-28")
                .header("User-Agent", USER_AGENT)
                .header("Authorization", "Bearer " + accessToken)
                .build());
    }

    private Answer call(String what, Request request) {
        try (Response response = http.newCall(request).execute()) {
            int status = response.code();
            if (status == 429 || (status == 403 && isRateLimit(response))) {
                throw AuthException.retryLater(ErrorCode.RATE_LIMITED,
                        "GitHub is limiting requests (" + what + " answered HTTP " + status + "): try again later",
                        retryAfter(response));
            }
            if (status >= 500) {
                throw new AuthException(ErrorCode.PROVIDER_BACKEND, what + " answered HTTP " + status);
            }
            JsonElement body = json(what, read(what, response.body()));
            if (status == 403 && saysRateLimit(body)) {
                throw AuthException.retryLater(ErrorCode.RATE_LIMITED,
                        "GitHub is limiting requests (" + what + " answered HTTP 403): try again later", DEFAULT_RETRY_AFTER);
            }
            return new Answer(status, body);
        } catch (InterruptedIOException e) {
            throw new AuthException(ErrorCode.NETWORK, what + " did not answer within the timeout");
        } catch (IOException e) {
            // The exception's message may name the host; the class says enough.
            throw new AuthException(ErrorCode.NETWORK, what + " could not be reached (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** Reads at most one byte past the limit, whatever Content-Length says (it may be absent or wrong). */
    private static String read(String what, ResponseBody body) throws IOException {
        try (InputStream in = body.byteStream()) {
            byte[] bytes = in.readNBytes(MAX_ANSWER_BYTES + 1);
            if (bytes.length > MAX_ANSWER_BYTES) {
                throw new AuthException(ErrorCode.PROVIDER_BACKEND, what + "'s answer is larger than " + MAX_ANSWER_BYTES + " bytes");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private static JsonElement json(String what, String text) {
        try {
            return JsonParser.parseString(text);
        } catch (JsonParseException | StackOverflowError e) {
            // Not reported with the text: an answer may echo what was sent.
            throw new AuthException(ErrorCode.PROVIDER_BACKEND, what + "'s answer is not JSON");
        }
    }

    /**
     * GitHub answers an exhausted primary rate limit with 403 and {@code X-RateLimit-Remaining: 0},
     * a secondary one with 403 and {@code Retry-After}; any other 403 is a permission the caller judges.
     */
    private static boolean isRateLimit(Response response) {
        return "0".equals(response.header("X-RateLimit-Remaining")) || response.header("Retry-After") != null;
    }

    /**
     * As GitHub asks: {@code Retry-After} seconds when present; with {@code X-RateLimit-Remaining: 0},
     * until {@code X-RateLimit-Reset} (UTC epoch seconds); otherwise a minute.
     */
    /**
     * GitHub documents that a secondary rate limit may be marked by its message alone ("You have
     * exceeded a secondary rate limit"), without either header.
     */
    private static boolean saysRateLimit(JsonElement body) {
        if (body.isJsonObject() && body.getAsJsonObject().get("message") instanceof JsonPrimitive m && m.isString()) {
            return m.getAsString().toLowerCase(Locale.ROOT).contains("rate limit");
        }
        return false;
    }

    private Duration retryAfter(Response response) {
        long seconds = seconds(response.header("Retry-After"));
        if (seconds <= 0 && "0".equals(response.header("X-RateLimit-Remaining"))) {
            long reset = seconds(response.header("X-RateLimit-Reset"));
            seconds = reset > 0 ? reset - clock.instant().getEpochSecond() : 0;
        }
        return seconds > 0 ? Duration.ofSeconds(Math.min(seconds, MAX_RETRY_AFTER.toSeconds())) : DEFAULT_RETRY_AFTER;
    }

    /** A header of whole seconds; 0 when absent or not a number (an HTTP date, garbage). */
    private static long seconds(String header) {
        if (header != null) {
            try {
                return Long.parseLong(header.strip());
            } catch (NumberFormatException e) {
                // Not a number: the caller waits the default.
            }
        }
        return 0;
    }
}
