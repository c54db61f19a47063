package dev.latchkey.testkit.contract;

import com.google.auto.service.AutoService;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Identity;
import dev.latchkey.api.spi.CredentialProvider;
import dev.latchkey.api.spi.ProviderContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * A small reference provider that calls an HTTP backend, kept in the testkit's test sources to
 * exercise the contract's backend rules for real: it POSTs {@code {"token": ...}} to the
 * configured endpoint and reads {@code {"sub": ...}} from a 200 answer.
 *
 * <p>What it shows a provider author: check the credentials' type and shape before anything
 * else; use the engine's shared {@link OkHttpClient} with a timeout of its own; check the status
 * before reading; read at most {@link #MAX_ANSWER_BYTES}; map failures to {@code NETWORK}
 * (unreachable, timed out), {@code RATE_LIMITED} (429), {@code INVALID_CREDENTIALS} (401/403) and
 * {@code PROVIDER_BACKEND} (anything else unexpected); never put the token in a message.
 *
 * <p>It is registered with {@code @AutoService} like every real provider, so it passes
 * {@code required_discoverableThroughServiceLoader}. The registration lives in
 * {@code target/test-classes} only: it is never packaged into the testkit jar, and inside the
 * testkit's own tests every engine discovers type {@value #TYPE} but, as for any provider,
 * starts it only when the configuration enables it, which only its contract test does. The
 * alternative (no registration and a hook to switch the discovery rule off) would have put an
 * escape hatch from a required rule into the public contract.
 */
@AutoService(CredentialProvider.class)
public final class EchoTokenProvider implements CredentialProvider {
    /** The provider type. */
    public static final String TYPE = "test-echo-token";
    /** The largest answer read from the backend. */
    public static final int MAX_ANSWER_BYTES = 64 * 1024;
    /** The longest token accepted. */
    public static final int MAX_TOKEN_LENGTH = 4096;

    private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

    private volatile OkHttpClient http;
    private volatile HttpUrl endpoint;

    /**
     * The settings.
     *
     * @param endpoint where tokens are checked; an http or https URL (required)
     * @param timeout how long one check may take; PT10S by default, at most PT60S
     */
    public record Settings(String endpoint, Duration timeout) {
        /**
         * Checks the settings and fills defaults.
         *
         * @param endpoint see the record description
         * @param timeout see the record description
         */
        public Settings {
            if (endpoint == null || HttpUrl.parse(endpoint) == null) {
                throw new IllegalArgumentException("endpoint must be an http or https URL");
            }
            timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
            if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofSeconds(60)) > 0) {
                throw new IllegalArgumentException("timeout must be more than zero and at most PT60S");
            }
        }
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void start(ProviderContext context) {
        Settings settings = context.settings(Settings.class);
        endpoint = HttpUrl.get(settings.endpoint());
        http = context.service(OkHttpClient.class).newBuilder()
                .callTimeout(settings.timeout())
                .readTimeout(settings.timeout())
                .connectTimeout(settings.timeout())
                .build();
    }

    @Override
    public Identity authenticate(Credentials credentials) {
        String token = checkedToken(credentials);
        JsonObject body = new JsonObject();
        body.addProperty("token", token);
        Request request = new Request.Builder().url(endpoint).post(RequestBody.create(body.toString(), JSON)).build();
        try (Response response = http.newCall(request).execute()) {
            int status = response.code();
            if (status == 401 || status == 403) {
                throw new AuthException(ErrorCode.INVALID_CREDENTIALS, "the token was refused");
            }
            if (status == 429) {
                throw new AuthException(ErrorCode.RATE_LIMITED, "the token service asks to slow down (HTTP 429)");
            }
            if (status != 200) {
                throw new AuthException(ErrorCode.PROVIDER_BACKEND, "the token service answered HTTP " + status);
            }
            return Identity.of(TYPE, subjectFrom(readBounded(response.body())));
        } catch (InterruptedIOException e) {
            throw new AuthException(ErrorCode.NETWORK, "the token service did not answer in time");
        } catch (IOException e) {
            throw new AuthException(ErrorCode.NETWORK, "the token service could not be reached (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static String checkedToken(Credentials credentials) {
        if (!TYPE.equals(credentials.providerType())) {
            throw new AuthException(ErrorCode.MALFORMED, "these are " + credentials.providerType() + " credentials; "
                    + TYPE + " takes {\"token\": string}");
        }
        if (!credentials.payload().keySet().equals(Set.of("token"))) {
            // Credentials.toString() bounds and escapes the field names, which come from outside.
            throw new AuthException(ErrorCode.MALFORMED, TYPE + " credentials have exactly one field, 'token', but got " + credentials);
        }
        String token = credentials.stringField("token")
                .orElseThrow(() -> new AuthException(ErrorCode.MALFORMED, "the 'token' of " + TYPE + " credentials must be a string"));
        if (token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            throw new AuthException(ErrorCode.MALFORMED, "a token is 1-" + MAX_TOKEN_LENGTH + " characters");
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c <= ' ' || c > '~') {
                throw new AuthException(ErrorCode.MALFORMED, "a token is printable ASCII without spaces");
            }
        }
        return token;
    }

    private static String readBounded(ResponseBody body) throws IOException {
        if (body == null) {
            throw new AuthException(ErrorCode.PROVIDER_BACKEND, "the token service sent an empty answer");
        }
        try (InputStream in = body.byteStream()) {
            byte[] bytes = in.readNBytes(MAX_ANSWER_BYTES + 1);
            if (bytes.length > MAX_ANSWER_BYTES) {
                throw new AuthException(ErrorCode.PROVIDER_BACKEND, "the token service's answer is larger than "
                        + MAX_ANSWER_BYTES + " bytes");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private static String subjectFrom(String answer) {
        try {
            JsonElement root = JsonParser.parseString(answer);
            if (root.isJsonObject()) {
                JsonObject object = root.getAsJsonObject();
                JsonElement sub = object.get("sub");
                if (sub != null && sub.isJsonPrimitive() && sub.getAsJsonPrimitive().isString()) {
                    String subject = sub.getAsString();
                    if (!subject.isBlank() && subject.length() <= Identity.MAX_SUBJECT_LENGTH) {
                        return subject;
                    }
                }
            }
        } catch (JsonParseException e) {
            // Reported below, without the answer: it may echo the token.
        }
        throw new AuthException(ErrorCode.PROVIDER_BACKEND, "the token service's answer has no usable \"sub\"");
    }
}
