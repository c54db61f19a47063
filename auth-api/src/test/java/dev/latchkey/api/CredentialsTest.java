package dev.latchkey.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CredentialsTest {

    @Test
    void anonymousSendsAnEmptyPayloadAndReusesByDefault() {
        Credentials c = Credentials.anonymous();
        assertThat(c.providerType()).isEqualTo("anon-user");
        assertThat(c.payload()).isEmpty();
        assertThat(c.reuseExisting()).isTrue();
        assertThat(Credentials.anonymous(false).reuseExisting()).isFalse();
        assertThat(Credentials.anonymous(false).payload()).isEmpty();
    }

    @Test
    void eachFactoryProducesTheAppServicesWirePayload() {
        assertThat(Credentials.emailPassword("bob@example.com", "MySekritPwd").payload())
                .containsExactly(Map.entry("username", "bob@example.com"), Map.entry("password", "MySekritPwd"));
        assertThat(Credentials.emailPassword("a", "b").providerType()).isEqualTo("local-userpass");
        assertThat(Credentials.apiKey("k").payload()).isEqualTo(Map.of("key", "k"));
        assertThat(Credentials.apiKey("k").providerType()).isEqualTo("api-key");
        assertThat(Credentials.jwt("t").payload()).isEqualTo(Map.of("token", "t"));
        assertThat(Credentials.jwt("t").providerType()).isEqualTo("custom-token");
        assertThat(Credentials.facebook("fb").payload()).isEqualTo(Map.of("accessToken", "fb"));
        assertThat(Credentials.facebook("fb").providerType()).isEqualTo("oauth2-facebook");
        assertThat(Credentials.google("code", GoogleCredentialType.AUTH_CODE).payload()).isEqualTo(Map.of("authCode", "code"));
        assertThat(Credentials.google("idt", GoogleCredentialType.ID_TOKEN).payload()).isEqualTo(Map.of("id_token", "idt"));
        assertThat(Credentials.google("idt", GoogleCredentialType.ID_TOKEN).providerType()).isEqualTo("oauth2-google");
        assertThat(Credentials.apple("idt").payload()).isEqualTo(Map.of("id_token", "idt"));
        assertThat(Credentials.apple("idt").providerType()).isEqualTo("oauth2-apple");
        for (Credentials c : List.of(Credentials.apiKey("k"), Credentials.jwt("t"), Credentials.apple("a"))) {
            assertThat(c.reuseExisting()).isFalse();
        }
    }

    @Test
    void functionCredentialsCarryThePayloadItselfAsADeepCopy() {
        Map<String, Object> nested = new HashMap<>(Map.of("pets", true));
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("username", "caleb");
        payload.put("IQ", 42);
        payload.put("profile", nested);
        payload.put("tags", new ArrayList<>(List.of("a", "b")));
        Credentials c = Credentials.function(payload);

        payload.put("username", "mallory");
        nested.put("pets", false);

        assertThat(c.providerType()).isEqualTo("custom-function");
        assertThat(c.payload()).containsEntry("username", "caleb").containsEntry("IQ", 42)
                .containsEntry("profile", Map.of("pets", true)).containsEntry("tags", List.of("a", "b"));
        assertThatThrownBy(() -> c.payload().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> copiedNested = (Map<String, Object>) c.payload().get("profile");
        assertThatThrownBy(() -> copiedNested.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void ofAcceptsAThirdPartyType() {
        Credentials c = Credentials.of("oauth2-github", Map.of("code", "abc"));
        assertThat(c.providerType()).isEqualTo("oauth2-github");
        assertThat(c.stringField("code")).contains("abc");
        assertThat(c.stringField("missing")).isEmpty();
        assertThat(Credentials.of("x", Map.of("n", 5)).stringField("n")).isEmpty();
    }

    @Test
    void toStringShowsTypeAndFieldNamesButNeverAValue() {
        Credentials c = Credentials.emailPassword("bob@example.com", "MySekritPwd");
        assertThat(c.toString()).contains("local-userpass", "username", "password")
                .doesNotContain("MySekritPwd").doesNotContain("bob@example.com");
        assertThat(Credentials.function(Map.of("secretField", "hunter2hunter2")).toString()).doesNotContain("hunter2");
    }

    @Test
    void toStringBoundsAndEscapesFieldNamesBecauseTheyComeFromOutside() {
        Map<String, Object> hostile = new LinkedHashMap<>();
        hostile.put("n".repeat(1_000_000), 1);
        hostile.put("a\r\nFORGED-LOG-LINE", 2);
        hostile.put("nul\u0000", 3);
        String shown = Credentials.of("x", hostile).toString();
        assertThat(shown).hasSizeLessThan(200).doesNotContain("\r").doesNotContain("\n").doesNotContain("\u0000")
                .contains("a??FORGED-LOG-LINE", "n".repeat(Credentials.SHOWN_NAME_LENGTH) + "...");
        Map<String, Object> many = new LinkedHashMap<>();
        for (int i = 0; i < 100; i++) {
            many.put("f" + (100 + i), i);
        }
        assertThat(Credentials.of("x", many).toString()).contains("+92 more").hasSizeLessThan(200);
    }

    @Test
    void equalityComparesValuesButHashCodeIgnoresThem() {
        Credentials a = Credentials.emailPassword("bob@example.com", "MySekritPwd");
        Credentials same = Credentials.emailPassword("bob@example.com", "MySekritPwd");
        Credentials other = Credentials.emailPassword("bob@example.com", "OtherPwd");
        assertThat(a).isEqualTo(same).isNotEqualTo(other).isNotEqualTo(Credentials.jwt("MySekritPwd"));
        // The hash of credentials must not be a function of the secret.
        assertThat(a.hashCode()).isEqualTo(other.hashCode());
        assertThat(Credentials.function(Map.of("a", List.of(1, "x")))).isEqualTo(Credentials.function(Map.of("a", List.of(1, "x"))));
        assertThat(Credentials.function(Map.of("a", List.of(1, "x")))).isNotEqualTo(Credentials.function(Map.of("a", List.of(1, "y"))));
        assertThat(Credentials.anonymous(true)).isNotEqualTo(Credentials.anonymous(false));
    }

    @Test
    void nullArgumentsAreRejectedWithInvalidParameterNotANullPointer() {
        assertCode(() -> Credentials.emailPassword(null, "x"), ErrorCode.INVALID_PARAMETER, "username");
        assertCode(() -> Credentials.emailPassword("x", null), ErrorCode.INVALID_PARAMETER, "password");
        assertCode(() -> Credentials.apiKey(null), ErrorCode.INVALID_PARAMETER, "key");
        assertCode(() -> Credentials.jwt(null), ErrorCode.INVALID_PARAMETER, "token");
        assertCode(() -> Credentials.facebook(null), ErrorCode.INVALID_PARAMETER, "accessToken");
        assertCode(() -> Credentials.google("t", null), ErrorCode.INVALID_PARAMETER, "type");
        assertCode(() -> Credentials.google(null, GoogleCredentialType.ID_TOKEN), ErrorCode.INVALID_PARAMETER, "id_token");
        assertCode(() -> Credentials.apple(null), ErrorCode.INVALID_PARAMETER, "id_token");
        assertCode(() -> Credentials.function(null), ErrorCode.INVALID_PARAMETER, "payload");
        assertCode(() -> Credentials.of(null, Map.of()), ErrorCode.INVALID_PARAMETER, "provider type");
    }

    @Test
    void malformedProviderTypesAreRejected() {
        for (String bad : List.of("", "Upper", "1abc", "has space", "x".repeat(65), "a/b", "a\u0000b")) {
            assertCode(() -> Credentials.of(bad, Map.of()), ErrorCode.INVALID_PARAMETER, "provider type");
        }
    }

    @Test
    void payloadsThatAreNotJsonAreRejectedAsMalformed() {
        Map<Object, Object> nullKey = new HashMap<>();
        nullKey.put(null, "x");
        assertCode(() -> Credentials.function(castMap(nullKey)), ErrorCode.MALFORMED, "keys");
        assertCode(() -> Credentials.function(Map.of("x", new Object())), ErrorCode.MALFORMED, "JSON values");
        assertCode(() -> Credentials.function(Map.of("x", new AtomicLong(1))), ErrorCode.MALFORMED, "immutable");
        assertCode(() -> Credentials.function(Map.of("x", Double.NaN)), ErrorCode.MALFORMED, "finite");
        assertCode(() -> Credentials.function(Map.of("x", Double.POSITIVE_INFINITY)), ErrorCode.MALFORMED, "finite");
        assertThat(Credentials.function(Map.of("x", new BigDecimal("1.5"))).payload()).containsEntry("x", new BigDecimal("1.5"));
    }

    @Test
    void deepOrCyclicPayloadsAreRejectedWithoutAStackOverflow() {
        Map<String, Object> deep = new HashMap<>();
        Map<String, Object> cursor = deep;
        for (int i = 0; i < 10_000; i++) {
            Map<String, Object> next = new HashMap<>();
            cursor.put("a", next);
            cursor = next;
        }
        assertCode(() -> Credentials.function(deep), ErrorCode.MALFORMED, "deeper than " + Credentials.MAX_DEPTH);

        Map<String, Object> cyclic = new HashMap<>();
        cyclic.put("self", cyclic);
        assertCode(() -> Credentials.function(cyclic), ErrorCode.MALFORMED, "deeper");

        List<Object> deepList = new ArrayList<>();
        List<Object> at = deepList;
        for (int i = 0; i < 100; i++) {
            List<Object> next = new ArrayList<>();
            at.add(next);
            at = next;
        }
        assertCode(() -> Credentials.function(Map.of("l", deepList)), ErrorCode.MALFORMED, "deeper");
    }

    @Test
    void nestingUpToTheLimitIsAccepted() {
        Map<String, Object> root = new HashMap<>();
        Map<String, Object> cursor = root;
        for (int i = 1; i < Credentials.MAX_DEPTH; i++) {
            Map<String, Object> next = new HashMap<>();
            cursor.put("a", next);
            cursor = next;
        }
        assertThat(Credentials.function(root).payload()).containsKey("a");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, ?> castMap(Map<Object, Object> map) {
        return (Map<String, ?>) (Map<?, ?>) map;
    }

    static void assertCode(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, ErrorCode code, String messagePart) {
        assertThatThrownBy(call).isInstanceOfSatisfying(AuthException.class, e -> {
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.getMessage()).contains(messagePart);
        });
    }
}
