package dev.latchkey.testkit.fake;

import dev.latchkey.testkit.log.TestSecrets;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.ToNumberPolicy;
import com.google.gson.reflect.TypeToken;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A fake {@code custom-function} webhook on a real loopback socket: it checks each request the
 * way a real receiver must, then answers with what the test scripted. Point the provider at it
 * with {@code "webhookUrl": fake.url(), "webhookSecret": fake.secret()}.
 *
 * <pre>{@code
 * FakeFunctionEndpoint webhook = new FakeFunctionEndpoint(clock);        // the engine's clock
 * webhook.answerWith(payload -> "caleb".equals(payload.get("username"))
 *         ? JsonReply.ok(Map.of("id", "user-1", "name", "Caleb"))
 *         : JsonReply.status(401, Map.of("error", "unknown user")));
 * webhook.answerId("user-1");                                           // or: always this id
 * webhook.rejectSignatures(true);                                       // answer as to a forged request
 * webhook.failWith(Failure.STALL);                                      // transport failures, as every fake
 * }</pre>
 *
 * <p>What a request must be, else the answer is HTTP 401 (or 405 / 400) with {@code {"error": ...}}
 * and the script is not run:
 * <ul>
 *   <li>{@code POST} to {@link #PATH};</li>
 *   <li>{@code X-Latchkey-Timestamp}: Unix seconds, within {@link #TOLERANCE} of the clock given to
 *       the constructor (a receiver refuses old requests, so a recorded one cannot be replayed);</li>
 *   <li>{@code X-Latchkey-Signature}: {@code sha256=} and the hex HMAC-SHA256, keyed with the
 *       secret's UTF-8 bytes, of {@code timestamp + "." + body}, compared in constant time. The body
 *       is the one recorded (decoded as UTF-8 and encoded again), so a provider must send UTF-8;</li>
 *   <li>a body that is a JSON object: it is the payload the script receives (numbers as
 *       {@code Long} or {@code Double}).</li>
 * </ul>
 * Requests are recorded ({@link #requests()}) whatever their fate; {@link #verifiedRequests()} and
 * {@link #refusedRequests()} count the checks' verdicts. Thread-safe.
 */
public final class FakeFunctionEndpoint extends JsonEndpointBackend {
    /** The path the webhook listens on. */
    public static final String PATH = "/auth-function";
    /** How far a request's timestamp may be from the fake's clock, either way. */
    public static final Duration TOLERANCE = Duration.ofMinutes(5);
    /** The signature header. */
    public static final String SIGNATURE_HEADER = "X-Latchkey-Signature";
    /** The timestamp header. */
    public static final String TIMESTAMP_HEADER = "X-Latchkey-Timestamp";

    private static final Gson GSON = new GsonBuilder().setObjectToNumberStrategy(ToNumberPolicy.LONG_OR_DOUBLE).create();
    private static final Pattern SECONDS = Pattern.compile("[0-9]{1,12}");
    private static final Pattern SIGNATURE = Pattern.compile("sha256=[0-9a-f]{64}");

    private final Clock clock;
    private final String secret;
    private final AtomicInteger verified = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private volatile Function<Map<String, Object>, JsonReply> script =
            payload -> JsonReply.status(500, Map.of("error", "the fake function has no script: call answerWith or answerId"));
    private volatile boolean rejectSignatures;

    /** A webhook on the system clock with a fresh random secret. */
    public FakeFunctionEndpoint() {
        this(Clock.systemUTC());
    }

    /**
     * A webhook with a fresh random secret (64 hex characters).
     *
     * @param clock what timestamps are judged against: the engine's clock
     */
    public FakeFunctionEndpoint(Clock clock) {
        this(clock, randomSecret());
    }

    /**
     * A webhook with a given secret.
     *
     * @param clock what timestamps are judged against: the engine's clock
     * @param secret the shared secret, as in the provider's {@code webhookSecret}
     */
    public FakeFunctionEndpoint(Clock clock, String secret) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.secret = TestSecrets.register("the webhook secret of FakeFunctionEndpoint", Objects.requireNonNull(secret, "secret"));
        route(PATH, this::handle);
    }

    /**
     * The webhook's address, for the provider's {@code webhookUrl}; starts it.
     *
     * @return for example {@code http://127.0.0.1:54321/auth-function}
     */
    public String url() {
        return url(PATH);
    }

    /**
     * The shared secret, for the provider's {@code webhookSecret}.
     *
     * @return the secret
     */
    public String secret() {
        return secret;
    }

    /**
     * Answers verified requests with a script of the payload.
     *
     * @param answer from the payload (a JSON object as a map) to the reply, e.g.
     *     {@code JsonReply.ok(Map.of("id", "user-1"))} or {@code JsonReply.status(403, Map.of("error", "why"))}
     * @return this fake
     */
    public FakeFunctionEndpoint answerWith(Function<Map<String, Object>, JsonReply> answer) {
        this.script = Objects.requireNonNull(answer, "answer");
        return this;
    }

    /**
     * Answers every verified request with {@code {"id": id}}.
     *
     * @param id the id
     * @return this fake
     */
    public FakeFunctionEndpoint answerId(String id) {
        return answerWith(payload -> JsonReply.ok(Map.of("id", id)));
    }

    /**
     * Answers every verified request with {@code {"id": id, "name": name}}.
     *
     * @param id the id
     * @param name the display name
     * @return this fake
     */
    public FakeFunctionEndpoint answerId(String id, String name) {
        return answerWith(payload -> JsonReply.ok(Map.of("id", id, "name", name)));
    }

    /**
     * Whether to treat every signature as wrong (HTTP 401 {@code {"error": "invalid signature"}}),
     * as a receiver with another secret would.
     *
     * @param reject true to refuse every request
     * @return this fake
     */
    public FakeFunctionEndpoint rejectSignatures(boolean reject) {
        this.rejectSignatures = reject;
        return this;
    }

    /**
     * How many requests passed the checks and reached the script.
     *
     * @return the count
     */
    public int verifiedRequests() {
        return verified.get();
    }

    /**
     * How many requests failed a check (method, timestamp, signature, body).
     *
     * @return the count
     */
    public int refusedRequests() {
        return refused.get();
    }

    /**
     * Whether a request carries a valid signature and a fresh timestamp, as a real receiver checks:
     * useful to test a receiver written from the documentation against the provider's requests.
     *
     * @param request a recorded request
     * @return the reason it would be refused, or null when it is good
     */
    public String problemWith(BackendRequest request) {
        if (!"POST".equals(request.method())) {
            return "method not allowed";
        }
        String timestamp = request.header(TIMESTAMP_HEADER).orElse("");
        if (!SECONDS.matcher(timestamp).matches()) {
            return "missing or malformed timestamp";
        }
        long age = clock.instant().getEpochSecond() - Long.parseLong(timestamp);
        if (Math.abs(age) > TOLERANCE.toSeconds()) {
            return "stale timestamp";
        }
        String signature = request.header(SIGNATURE_HEADER).orElse("");
        if (!SIGNATURE.matcher(signature).matches()) {
            return "missing or malformed signature";
        }
        byte[] expected = ("sha256=" + sign(secret, timestamp, request.body().getBytes(StandardCharsets.UTF_8)))
                .getBytes(StandardCharsets.US_ASCII);
        if (rejectSignatures || !MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII))) {
            return "invalid signature";
        }
        return null;
    }

    /**
     * The signature a sender puts in {@link #SIGNATURE_HEADER}, after {@code sha256=}.
     *
     * @param secret the shared secret
     * @param timestamp the {@link #TIMESTAMP_HEADER} value
     * @param body the exact body bytes
     * @return the hex HMAC-SHA256 of {@code timestamp + "." + body}
     */
    public static String sign(String secret, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** Never the secret. */
    @Override
    public String toString() {
        return "FakeFunctionEndpoint[" + super.toString() + ", verified=" + verified + ", refused=" + refused + "]";
    }

    private JsonReply handle(BackendRequest request) {
        String problem = problemWith(request);
        if (problem != null) {
            refused.incrementAndGet();
            int status = problem.equals("method not allowed") ? 405 : 401;
            return JsonReply.status(status, Map.of("error", problem));
        }
        JsonObject body = request.jsonBody().orElse(null);
        if (body == null) {
            refused.incrementAndGet();
            return JsonReply.status(400, Map.of("error", "the body is not a JSON object"));
        }
        verified.incrementAndGet();
        Map<String, Object> payload = GSON.fromJson(body, new TypeToken<LinkedHashMap<String, Object>>() { }.getType());
        return script.apply(payload);
    }

    private static String randomSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
