package dev.latchkey.api;

import static dev.latchkey.api.CredentialsTest.assertCode;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The value types of the API: immutable, validated, and never showing a secret. */
class ValuesTest {
    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void profileBuilderSetsEveryFieldAndExtrasAreImmutable() {
        Map<String, String> extras = new HashMap<>(Map.of("team", "blue"));
        Profile p = Profile.builder().name("Ann Lee").email("ann@example.com").pictureUrl("https://p/x.png").firstName("Ann")
                .lastName("Lee").gender("female").birthday("1990-01-02").minAge(30).maxAge(40).extra("team", "blue").build();
        assertThat(p).isEqualTo(new Profile("Ann Lee", "ann@example.com", "https://p/x.png", "Ann", "Lee", "female",
                "1990-01-02", 30, 40, extras));
        extras.put("team", "red");
        assertThat(p.extras()).containsEntry("team", "blue");
        assertThat(p.toBuilder().name("B").build().name()).isEqualTo("B");
        assertThat(p.toBuilder().build()).isEqualTo(p);
        assertThat(new Profile(null, null, null, null, null, null, null, null, null, null).extras()).isEmpty();
    }

    @Test
    void identityRefusesBlankOrOversizedSubjectsAsAProviderBug() {
        assertThat(Identity.of("anon-user", "abc").profile()).isEqualTo(Profile.EMPTY);
        assertCode(() -> Identity.of("anon-user", " "), ErrorCode.INTERNAL, "subject");
        assertCode(() -> Identity.of("anon-user", null), ErrorCode.INTERNAL, "subject");
        assertCode(() -> Identity.of("anon-user", "x".repeat(Identity.MAX_SUBJECT_LENGTH + 1)), ErrorCode.INTERNAL, "subject");
        assertCode(() -> Identity.of("anon-user", "a\u0000b"), ErrorCode.INTERNAL, "NUL");
        assertCode(() -> Identity.of("anon-user", "a\uD800b"), ErrorCode.INTERNAL, "lone surrogate");
        assertCode(() -> Identity.of("anon-user", "a\uDC00"), ErrorCode.INTERNAL, "lone surrogate");
        assertCode(() -> Identity.of("anon-user", "x\uD83D"), ErrorCode.INTERNAL, "lone surrogate");
        org.assertj.core.api.Assertions.assertThat(Identity.of("anon-user", "emoji \uD83D\uDE00 ünï").subject()).endsWith("ünï");
        assertCode(() -> Identity.of("Bad Type", "x"), ErrorCode.INTERNAL, "provider type");
    }

    @Test
    void sessionAndApiKeyNeverShowTheirSecrets() {
        UserInfo user = new UserInfo("u1", UserType.NORMAL, List.of(Identity.of("anon-user", "s")), null, null, false, T);
        Session s = new Session(user, "dev", "sid", "ACCESS.TOKEN.VALUE", T, "REFRESH-TOKEN-VALUE", T);
        assertThat(s.toString()).contains("u1", "dev", "sid").doesNotContain("ACCESS").doesNotContain("REFRESH-TOKEN-VALUE");

        ApiKey key = new ApiKey("id1", "ci", true, T, "SECRETKEYVALUE");
        assertThat(key.toString()).contains("id1", "ci", "hidden").doesNotContain("SECRETKEYVALUE");
        assertThat(key.withoutValue().value()).isNull();
        assertThat(key.withoutValue().toString()).doesNotContain("hidden");
        assertThat(key).isEqualTo(new ApiKey("id1", "ci", true, T, "SECRETKEYVALUE"))
                .isNotEqualTo(key.withoutValue()).isNotEqualTo(new ApiKey("id1", "ci", true, T, "OTHER"));
        assertThat(key.hashCode()).isEqualTo(new ApiKey("id1", "ci", true, T, "OTHER").hashCode());
    }

    @Test
    void userInfoKnowsAnonymousUsersAndCopiesCustomData() {
        Map<String, Object> data = new HashMap<>(Map.of("plan", "pro"));
        UserInfo anon = new UserInfo("u", UserType.NORMAL, List.of(Identity.of("anon-user", "a")), null, data, false, T);
        data.put("plan", "free");
        assertThat(anon.isAnonymous()).isTrue();
        assertThat(anon.customData()).containsEntry("plan", "pro");
        UserInfo linked = new UserInfo("u", UserType.NORMAL,
                List.of(Identity.of("anon-user", "a"), Identity.of("local-userpass", "e")), null, null, false, T);
        assertThat(linked.isAnonymous()).isFalse();
        assertCode(() -> new UserInfo("u", UserType.NORMAL, List.of(), null, Map.of("x", new Object()), false, T),
                ErrorCode.MALFORMED, "custom data");
    }

    @Test
    void authExceptionAlwaysHasACodeAndAMessage() {
        AuthException e = new AuthException(null, null);
        assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
        assertThat(e.getMessage()).isNotNull();
        assertThat(new AuthException(ErrorCode.INVALID_SESSION, "gone").toString()).contains("INVALID_SESSION", "gone");
    }

    @Test
    void retryAfterIsWholeSecondsAndAtLeastOne() {
        assertThat(AuthException.retryLater(ErrorCode.RATE_LIMITED, "slow down", java.time.Duration.ofMillis(1500)).retryAfter())
                .contains(java.time.Duration.ofSeconds(2));
        assertThat(AuthException.retryLater(ErrorCode.RATE_LIMITED, "slow down", java.time.Duration.ZERO).retryAfter())
                .contains(java.time.Duration.ofSeconds(1));
        assertThat(new AuthException(ErrorCode.RATE_LIMITED, "slow down").retryAfter()).isEmpty();
    }

    @Test
    void everyErrorCodeHasAnAppServicesWireName() {
        for (ErrorCode code : ErrorCode.values()) {
            assertThat(code.wireName()).as(code.name()).matches("[A-Z][A-Za-z]+");
        }
        assertThat(ErrorCode.INVALID_SESSION.wireName()).isEqualTo("InvalidSession");
        assertThat(ErrorCode.USERPASS_TOKEN_INVALID.wireName()).isEqualTo("UserpassTokenInvalid");
        assertThat(ErrorCode.ACCOUNT_NAME_IN_USE.wireName()).isEqualTo("AccountNameInUse");
    }

    @Test
    void providerTypeShapeIsChecked() {
        assertThat(ProviderTypes.isWellFormed("oauth2-google")).isTrue();
        assertThat(ProviderTypes.isWellFormed("a")).isTrue();
        assertThat(ProviderTypes.isWellFormed(null)).isFalse();
        assertThat(ProviderTypes.isWellFormed("-a")).isFalse();
        assertThat(ProviderTypes.isWellFormed("a_b")).isFalse();
    }
}
