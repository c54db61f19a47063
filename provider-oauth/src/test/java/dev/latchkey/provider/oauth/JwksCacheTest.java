package dev.latchkey.provider.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.nimbusds.jose.jwk.RSAKey;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.testkit.TestClock;
import dev.latchkey.testkit.fake.Failure;
import dev.latchkey.testkit.fake.JsonEndpointBackend;
import dev.latchkey.testkit.fake.JsonReply;
import dev.latchkey.testkit.fake.JwksHost;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** JwksCache against a real loopback JWKS endpoint and a controllable clock (SECURITY.md 6, 7). */
class JwksCacheTest {
    private static final Duration REFETCH = Duration.ofSeconds(30);

    private final TestClock clock = new TestClock();
    private final JwksHost host = new JwksHost();
    private final AtomicReference<String> cacheControl = new AtomicReference<>("public, max-age=3600");
    private final JsonEndpointBackend jwks = new JsonEndpointBackend()
            .route("/certs", r -> cacheControl.get() == null ? JsonReply.ok(host.jwks())
                    : JsonReply.ok(host.jwks()).withHeader("Cache-Control", cacheControl.get()));
    private final BackendCalls calls = new BackendCalls(new OkHttpClient(), "Example", Duration.ofSeconds(1));

    @AfterEach
    void close() {
        jwks.close();
    }

    private JwksCache cache(Duration refetchInterval) {
        return new JwksCache(calls, HttpUrl.get(jwks.url("/certs")), clock, refetchInterval);
    }

    private static AuthException failure(ThrowingCallable call) {
        Throwable thrown = catchThrowable(call);
        assertThat(thrown).isInstanceOf(AuthException.class);
        assertThat(thrown.getMessage()).doesNotContain("127.0.0.1").doesNotContain("/certs");
        return (AuthException) thrown;
    }

    private static String unknownKid() {
        return UUID.randomUUID().toString();
    }

    @Test
    void a_published_key_is_found_with_one_fetch() {
        JwksCache cache = cache(REFETCH);

        RSAKey key = cache.key(host.currentKid());

        assertThat(key.getKeyID()).isEqualTo(host.currentKid());
        assertThat(key.isPrivate()).isFalse();
        assertThat(cache.key(host.currentKid())).isEqualTo(key);
        assertThat(jwks.requestCount()).isEqualTo(1);
    }

    @Test
    void an_unknown_kid_is_INVALID_CREDENTIALS() {
        JwksCache cache = cache(REFETCH);

        assertThat(failure(() -> cache.key(unknownKid())).code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
    }

    @Test
    void key_rotation_a_new_key_is_found_after_one_refetch() {
        JwksCache cache = cache(REFETCH);
        String oldKid = host.currentKid();
        cache.key(oldKid);
        String newKid = host.rotate();
        clock.advance(REFETCH);

        assertThat(cache.key(newKid).getKeyID()).isEqualTo(newKid);
        assertThat(cache.key(oldKid).getKeyID()).isEqualTo(oldKid);
        assertThat(jwks.requestCount()).isEqualTo(2);
    }

    @Test
    void key_rotation_a_retired_key_is_no_longer_served_once_the_keys_are_fetched_again() {
        JwksCache cache = cache(REFETCH);
        String oldKid = host.currentKid();
        cache.key(oldKid);
        String newKid = host.rotate();
        host.retireOldKeys();
        clock.advance(REFETCH);

        cache.key(newKid);

        assertThat(failure(() -> cache.key(oldKid)).code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
    }

    @Test
    void security6_a_flood_of_100_unknown_kids_costs_at_most_one_refetch_per_interval() {
        JwksCache cache = cache(REFETCH);
        cache.key(host.currentKid());
        clock.advance(REFETCH);

        for (int i = 0; i < 100; i++) {
            assertThat(failure(() -> cache.key(unknownKid())).code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        }
        assertThat(jwks.requestCount()).isEqualTo(2);

        clock.advance(REFETCH.dividedBy(2));
        for (int i = 0; i < 100; i++) {
            assertThat(failure(() -> cache.key(unknownKid())).code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        }
        assertThat(jwks.requestCount()).isEqualTo(2);

        clock.advance(REFETCH.dividedBy(2));
        for (int i = 0; i < 100; i++) {
            assertThat(failure(() -> cache.key(unknownKid())).code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        }
        assertThat(jwks.requestCount()).isEqualTo(3);
        assertThat(cache.key(host.currentKid()).getKeyID()).isEqualTo(host.currentKid());
    }

    @Test
    void security6_a_flood_while_no_keys_can_be_had_costs_one_request_per_interval() {
        jwks.failWith(Failure.SERVER_ERROR);
        JwksCache cache = cache(REFETCH);

        for (int i = 0; i < 100; i++) {
            assertThat(failure(() -> cache.key(unknownKid())).code()).isEqualTo(ErrorCode.PROVIDER_BACKEND);
        }
        assertThat(jwks.requestCount()).isEqualTo(1);

        jwks.reset();
        clock.advance(REFETCH);
        assertThat(cache.key(host.currentKid()).getKeyID()).isEqualTo(host.currentKid());
        assertThat(jwks.requestCount()).isEqualTo(2);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Failure.class, names = {"SERVER_ERROR", "GARBAGE", "OVERSIZED"})
    void security7_a_failing_endpoint_leaves_the_last_good_keys_until_they_expire_then_PROVIDER_BACKEND(Failure failure) {
        lastGoodKeysServeUntilExpiryThenFailClosed(failure, ErrorCode.PROVIDER_BACKEND);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Failure.class, names = {"STALL", "DOWN"})
    void security7_a_stalled_or_down_endpoint_leaves_the_last_good_keys_until_they_expire_then_NETWORK(Failure failure) {
        lastGoodKeysServeUntilExpiryThenFailClosed(failure, ErrorCode.NETWORK);
    }

    private void lastGoodKeysServeUntilExpiryThenFailClosed(Failure failure, ErrorCode closedWith) {
        JwksCache cache = cache(REFETCH);
        String kid = host.currentKid();
        cache.key(kid);
        jwks.failWith(failure);

        // An unknown kid makes the cache try again; the failed fetch leaves the good keys in place.
        clock.advance(Duration.ofMinutes(30));
        assertThat(failure(() -> cache.key(unknownKid())).code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        assertThat(cache.key(kid).getKeyID()).isEqualTo(kid);

        clock.advance(Duration.ofMinutes(29).plusSeconds(59));
        assertThat(cache.key(kid).getKeyID()).isEqualTo(kid);

        clock.advance(Duration.ofSeconds(1)); // an hour after the fetch: max-age=3600 is over
        AuthException closed = failure(() -> cache.key(kid));
        assertThat(closed.code()).isEqualTo(closedWith);

        // Failing closed does not hammer the endpoint: within the interval, no new request.
        int requests = jwks.requestCount();
        for (int i = 0; i < 10; i++) {
            assertThat(failure(() -> cache.key(kid)).code()).isEqualTo(closedWith);
        }
        assertThat(jwks.requestCount()).isEqualTo(requests);

        // The endpoint back: the next fetch after the interval serves again.
        jwks.reset();
        clock.advance(REFETCH);
        assertThat(cache.key(kid).getKeyID()).isEqualTo(kid);
    }

    @Test
    void security7_a_key_set_that_is_a_json_object_but_not_a_jwk_set_is_PROVIDER_BACKEND() {
        jwks.route("/certs", r -> JsonReply.ok(Map.of("keys", "not a list")));
        JwksCache cache = cache(REFETCH);

        assertThat(failure(() -> cache.key(host.currentKid())).code()).isEqualTo(ErrorCode.PROVIDER_BACKEND);
    }

    @Test
    void security7_a_key_set_answering_404_is_PROVIDER_BACKEND() {
        JwksCache cache = new JwksCache(calls, HttpUrl.get(jwks.url("/nowhere")), clock, REFETCH);

        assertThat(failure(() -> cache.key(host.currentKid())).code()).isEqualTo(ErrorCode.PROVIDER_BACKEND);
    }

    @Test
    void only_public_rsa_signing_keys_are_kept() {
        Map<String, Object> published = host.jwks();
        @SuppressWarnings("unchecked")
        Map<String, Object> rsa = ((List<Map<String, Object>>) published.get("keys")).get(0);
        Map<String, Object> encryption = new java.util.HashMap<>(rsa);
        encryption.put("kid", "enc-key");
        encryption.put("use", "enc");
        Map<String, Object> symmetric = Map.of("kty", "oct", "kid", "oct-key", "k", "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA");
        Map<String, Object> withPrivatePart = host.currentKey().toJSONObject();
        withPrivatePart.put("kid", "private-key");
        jwks.route("/certs", r -> JsonReply.ok(Map.of("keys", List.of(rsa, encryption, symmetric, withPrivatePart))));
        JwksCache cache = cache(REFETCH);

        assertThat(cache.key(host.currentKid()).getKeyID()).isEqualTo(host.currentKid());
        for (String kid : List.of("enc-key", "oct-key", "private-key")) {
            assertThat(failure(() -> cache.key(kid)).code()).as(kid).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        }
    }

    @Test
    void cache_control_max_age_is_honoured() {
        cacheControl.set("public, max-age=120, must-revalidate");
        JwksCache cache = cache(REFETCH);
        cache.key(host.currentKid());

        clock.advance(Duration.ofSeconds(119));
        cache.key(host.currentKid());
        assertThat(jwks.requestCount()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(1));
        cache.key(host.currentKid());
        assertThat(jwks.requestCount()).isEqualTo(2);
    }

    @Test
    void cache_control_max_age_below_a_minute_counts_as_a_minute() {
        cacheControl.set("max-age=5");
        JwksCache cache = cache(REFETCH);
        cache.key(host.currentKid());

        clock.advance(Duration.ofSeconds(59));
        cache.key(host.currentKid());
        assertThat(jwks.requestCount()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(1));
        cache.key(host.currentKid());
        assertThat(jwks.requestCount()).isEqualTo(2);
    }

    @Test
    void cache_control_max_age_above_a_day_counts_as_a_day() {
        cacheControl.set("max-age=31536000");
        JwksCache cache = cache(REFETCH);
        cache.key(host.currentKid());

        clock.advance(Duration.ofDays(1).minusSeconds(1));
        cache.key(host.currentKid());
        assertThat(jwks.requestCount()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(1));
        cache.key(host.currentKid());
        assertThat(jwks.requestCount()).isEqualTo(2);
    }

    @Test
    void without_cache_control_keys_are_kept_an_hour() {
        cacheControl.set(null);
        JwksCache cache = cache(REFETCH);
        cache.key(host.currentKid());

        clock.advance(Duration.ofMinutes(59));
        cache.key(host.currentKid());
        assertThat(jwks.requestCount()).isEqualTo(1);

        clock.advance(Duration.ofMinutes(1));
        cache.key(host.currentKid());
        assertThat(jwks.requestCount()).isEqualTo(2);
    }

    @Test
    void expired_keys_are_renewed_even_when_the_refetch_interval_is_longer_than_max_age() {
        cacheControl.set("max-age=60");
        JwksCache cache = cache(Duration.ofMinutes(5));
        cache.key(host.currentKid());

        clock.advance(Duration.ofSeconds(61));

        assertThat(cache.key(host.currentKid()).getKeyID()).isEqualTo(host.currentKid());
        assertThat(jwks.requestCount()).isEqualTo(2);
    }

    @ParameterizedTest(name = "[{0}] -> {1} s")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "NULL|3600",
        "no-cache|3600",
        "public, max-age=19845, must-revalidate|19845",
        "max-age=0|60",
        "max-age=59|60",
        "max-age=60|60",
        "max-age = 300|300",
        "max-age=86400|86400",
        "max-age=86401|86400",
        "max-age=99999999999999999999|86400",
        "max-age=-5|3600",
        "max-age=abc|3600",
    })
    void maxAge_reads_cache_control_and_bounds_it_between_a_minute_and_a_day(String header, long seconds) {
        assertThat(JwksCache.maxAge(header)).isEqualTo(Duration.ofSeconds(seconds));
    }

    @Test
    void only_keys_for_rs256_signatures_of_at_least_2048_bits_are_kept() throws Exception {
        com.nimbusds.jose.jwk.RSAKey good = host.currentKey().toPublicJWK();
        com.nimbusds.jose.jwk.RSAKey encryption = new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048).keyID("enc")
                .algorithm(com.nimbusds.jose.JWEAlgorithm.RSA_OAEP_256).generate().toPublicJWK();
        com.nimbusds.jose.jwk.RSAKey rs512 = new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048).keyID("rs512")
                .keyUse(com.nimbusds.jose.jwk.KeyUse.SIGNATURE).algorithm(com.nimbusds.jose.JWSAlgorithm.RS512).generate().toPublicJWK();
        com.nimbusds.jose.jwk.RSAKey small = new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(1024, true).keyID("small").generate().toPublicJWK();
        com.nimbusds.jose.jwk.RSAKey encryptOnly = new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048).keyID("wrap")
                .keyOperations(java.util.Set.of(com.nimbusds.jose.jwk.KeyOperation.ENCRYPT)).generate().toPublicJWK();
        JsonEndpointBackend mixed = new JsonEndpointBackend().route("/certs", r -> JsonReply.ok(new com.nimbusds.jose.jwk.JWKSet(
                java.util.List.of(good, encryption, rs512, small, encryptOnly)).toJSONObject(true)));
        try (mixed) {
            JwksCache cache = new JwksCache(calls, HttpUrl.get(mixed.url("/certs")), clock, REFETCH);
            assertThat(cache.key(good.getKeyID()).getKeyID()).isEqualTo(good.getKeyID());
            for (String kid : java.util.List.of("enc", "rs512", "small", "wrap")) {
                assertThat(failure(() -> cache.key(kid)).code()).as(kid).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
            }
        }
    }

    @Test
    void an_answer_without_a_usable_key_keeps_the_keys_that_worked() {
        java.util.concurrent.atomic.AtomicBoolean emptied = new java.util.concurrent.atomic.AtomicBoolean();
        JsonEndpointBackend switching = new JsonEndpointBackend().route("/certs", r -> emptied.get()
                ? JsonReply.ok(java.util.Map.of("keys", java.util.List.of())) : JsonReply.ok(host.jwks()));
        try (switching) {
            JwksCache cache = new JwksCache(calls, HttpUrl.get(switching.url("/certs")), clock, REFETCH);
            String kid = host.currentKid();
            cache.key(kid);
            emptied.set(true);
            clock.advance(REFETCH);
            // An unknown kid makes a refetch, which answers an empty set: a failed fetch, not "no keys".
            assertThat(failure(() -> cache.key(unknownKid())).code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
            assertThat(switching.requestCount()).isEqualTo(2);
            assertThat(cache.key(kid).getKeyID()).isEqualTo(kid);
        }
    }
}
