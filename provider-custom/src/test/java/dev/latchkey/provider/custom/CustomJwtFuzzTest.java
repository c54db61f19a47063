package dev.latchkey.provider.custom;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.testkit.EngineHarness;
import dev.latchkey.testkit.TestClock;
import dev.latchkey.testkit.fake.FakeJwtIssuer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * Fuzzes {@code custom-token} verification (SECURITY.md 1-11) with both kinds of key: an HS256
 * secret, and RS256 keys fetched from a JWK Set (a fake issuer on loopback). Whatever the input,
 * {@link CustomJwtProvider#authenticate} returns an identity or refuses with an
 * {@link AuthException}; any other exception is a bug. Seeds: {@code CustomJwtFuzzTestInputs/<method>/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CustomJwtFuzzTest {
    private static final String APP = "my-app";
    private static final String SECRET = "hs256-secret-0123456789-abcdefghijklmnop";
    /** In a fuzzed header, stands for the signing key's id, so that a signed header can name it. */
    private static final String KID_PLACEHOLDER = "$kid";

    /** The seeds' iat/exp are around this time (1767225600). */
    private final TestClock clock = new TestClock(TestClock.DEFAULT_START);
    private final FakeJwtIssuer hsIssuer = FakeJwtIssuer.hs256(SECRET);
    private final FakeJwtIssuer rsIssuer = FakeJwtIssuer.rs256();
    private final CustomJwtProvider hs256 = new CustomJwtProvider();
    private final CustomJwtProvider jwks = new CustomJwtProvider();
    private EngineHarness hsEngine;
    private EngineHarness jwksEngine;

    /** Started once: an engine and a JWKS fetch per input would leave little time for fuzzing. */
    @BeforeAll
    void start() {
        hsEngine = EngineHarness.builder().appId(APP).clock(clock).provider(hs256)
                .enable("custom-token", Map.of("hs256Secrets", List.of(SECRET))).build().start();
        jwksEngine = EngineHarness.builder().appId(APP).clock(clock).provider(jwks)
                .enable("custom-token", Map.of("jwkUri", rsIssuer.jwksUri(), "timeout", "PT1S")).build().start();
    }

    @AfterAll
    void stop() {
        hsEngine.close();
        jwksEngine.close();
        hsIssuer.close();
        rsIssuer.close();
    }

    /** Any text, presented as a JWT to both providers. */
    @FuzzTest
    void anyText(byte[] input) {
        String token = new String(input, StandardCharsets.UTF_8);
        authenticate(hs256, token);
        authenticate(jwks, token);
    }

    /**
     * Header and claims from the input, signed with each provider's real key, so that the checks
     * behind the signature see hostile JSON too. The input is the claims, or
     * {@code header + "\n" + claims}; {@code $kid} in the header becomes the key's id.
     */
    @FuzzTest
    void signedHeaderAndClaims(byte[] input) {
        authenticate(hs256, mint(hsIssuer, input, "{\"alg\":\"HS256\",\"typ\":\"JWT\"}"));
        authenticate(jwks, mint(rsIssuer, input, "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"$kid\"}"));
    }

    private static String mint(FakeJwtIssuer issuer, byte[] input, String defaultHeader) {
        int newline = indexOf(input, (byte) '\n');
        String header = newline < 0 ? defaultHeader : new String(Arrays.copyOfRange(input, 0, newline), StandardCharsets.ISO_8859_1);
        byte[] claims = newline < 0 ? input : Arrays.copyOfRange(input, newline + 1, input.length);
        String kid = issuer.algorithm().equals("HS256") ? "" : issuer.currentKid();
        return issuer.mintRaw(header.replace(KID_PLACEHOLDER, kid).getBytes(StandardCharsets.ISO_8859_1), claims);
    }

    private static void authenticate(CustomJwtProvider provider, String token) {
        try {
            assertThat(provider.authenticate(Credentials.jwt(token)).subject()).isNotBlank();
        } catch (AuthException e) {
            assertThat(e.code()).as(e.getMessage()).isNotIn(ErrorCode.INTERNAL);
            if (token.length() >= 16) {
                assertThat(e.getMessage()).as("a refusal never quotes the token").doesNotContain(token);
            }
        }
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
