package dev.latchkey.core.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.core.LatchkeyOptions;
import dev.latchkey.core.config.TokenSettings;
import dev.latchkey.core.store.InMemoryStore;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * Fuzzes access-token verification (SECURITY.md 1-11): whatever the bytes, {@link AccessTokens#verify}
 * accepts the token or refuses it with an {@link AuthException} (MALFORMED or INVALID_SESSION);
 * any other exception is a bug. Seeds: {@code AccessTokenFuzzTestInputs/<method>/} in the test
 * resources; how to fuzz for longer: docs/decisions.md, "Fuzzing".
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessTokenFuzzTest {
    /** The seeds' {@code iat}/{@code exp} are around this time (1772366400). */
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final String APP = "app-a";
    /** In a fuzzed header, stands for the key id of the key that signs, so a signed header can name it. */
    private static final String KID_PLACEHOLDER = "$kid";

    private final InMemoryStore store = new InMemoryStore();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final SigningKeys keys = new SigningKeys(store, clock, TokenSettings.DEFAULTS, new Secrets(random), random);
    private final AccessTokens tokens =
            new AccessTokens(LatchkeyOptions.builder(APP).build(), TokenSettings.DEFAULTS, keys, new Secrets(random), clock);
    private RSASSASigner signer;
    private String kid;

    /** One key for the whole run: generating an RSA key per input would be most of the work. */
    @BeforeAll
    void ourKey() throws ParseException, JOSEException {
        kid = keys.current().kid();
        signer = new RSASSASigner(RSAKey.parse(store.signingKeys().get(0).jwk()));
    }

    /** Any text at all, presented as an access token. */
    @FuzzTest
    void anyText(byte[] input) {
        verify(new String(input, StandardCharsets.UTF_8));
    }

    /**
     * Header and claims from the input, validly signed with our key, so that the checks behind the
     * signature (claims, times, audience, custom data) see hostile JSON too. The input is the
     * claims, or {@code header + "\n" + claims}; in the header, {@code $kid} is replaced by our
     * key's id. The bytes are encoded as they are: they need not be UTF-8.
     */
    @FuzzTest
    void signedHeaderAndClaims(byte[] input) throws JOSEException {
        int newline = indexOf(input, (byte) '\n');
        byte[] header = newline < 0
                ? new JWSHeader.Builder(JWSAlgorithm.RS256).type(AccessTokens.TYPE).keyID(kid).build().toString()
                        .getBytes(StandardCharsets.UTF_8)
                : new String(Arrays.copyOfRange(input, 0, newline), StandardCharsets.ISO_8859_1)
                        .replace(KID_PLACEHOLDER, kid).getBytes(StandardCharsets.ISO_8859_1);
        byte[] claims = newline < 0 ? input : Arrays.copyOfRange(input, newline + 1, input.length);
        String signingInput = Base64URL.encode(header) + "." + Base64URL.encode(claims);
        Base64URL signature = signer.sign(new JWSHeader(JWSAlgorithm.RS256), signingInput.getBytes(StandardCharsets.US_ASCII));
        verify(signingInput + "." + signature);
    }

    private void verify(String token) {
        try {
            tokens.verify(token);
        } catch (AuthException e) {
            assertThat(e.code()).as(e.getMessage()).isIn(ErrorCode.MALFORMED, ErrorCode.INVALID_SESSION);
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
