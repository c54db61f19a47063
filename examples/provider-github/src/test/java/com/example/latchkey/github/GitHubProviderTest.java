package com.example.latchkey.github;

import static com.example.latchkey.github.GitHubProviderContractTest.ALICE;
import static com.example.latchkey.github.GitHubProviderContractTest.code;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import com.google.gson.JsonParser;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Identity;
import dev.latchkey.api.User;
import dev.latchkey.testkit.EngineHarness;
import dev.latchkey.testkit.fake.BackendRequest;
import dev.latchkey.testkit.fake.JsonReply;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the contract cannot know about GitHub: which email to trust, single-use codes, GitHub's statuses, the settings. */
class GitHubProviderTest {
    private static final FakeGitHub.Email UNVERIFIED_PRIMARY = new FakeGitHub.Email("carol@example.com", true, false);
    private static final FakeGitHub.Email VERIFIED_SECONDARY = new FakeGitHub.Email("carol@work.example", false, true);

    private final FakeGitHub github = new FakeGitHub();
    private final GitHubProvider provider = new GitHubProvider();

    @RegisterExtension
    final EngineHarness engine = EngineHarness.builder()
            .provider(provider)
            .enable(GitHubProvider.TYPE, settings(github.clientSecret))
            .build();

    @AfterEach
    void closeFake() {
        github.close();
    }

    // ------------------------------------------------------------------------------------------
    // The identity
    // ------------------------------------------------------------------------------------------

    @Test
    void theSubjectIsTheNumericIdAndTheProfileComesFromUserAndThePrimaryVerifiedEmail() {
        Identity identity = provider.authenticate(code(github.issueCode(ALICE)));

        assertThat(identity.subject()).isEqualTo("1001");
        assertThat(identity.profile().name()).isEqualTo("Alice Smith");
        assertThat(identity.profile().email()).isEqualTo("alice@example.com");
        assertThat(identity.profile().pictureUrl()).isEqualTo("https://avatars.githubusercontent.com/u/1001?v=4");
        assertThat(identity.profile().extras()).containsExactly(Map.entry("login", "alice"));
    }

    @Test
    void anUnverifiedPrimaryEmailIsNeverUsed() {
        FakeGitHub.Account carol = new FakeGitHub.Account(1003, "carol", null, List.of(UNVERIFIED_PRIMARY));

        Identity identity = provider.authenticate(code(github.issueCode(carol)));

        assertThat(identity.profile().email()).isNull();
    }

    @Test
    void aVerifiedEmailThatIsNotPrimaryIsNotUsed() {
        FakeGitHub.Account carol = new FakeGitHub.Account(1003, "carol", null, List.of(UNVERIFIED_PRIMARY, VERIFIED_SECONDARY));

        Identity identity = provider.authenticate(code(github.issueCode(carol)));

        assertThat(identity.profile().email()).isNull();
        assertThat(identity.profile().name()).isNull();
    }

    @Test
    void thePrimaryEmailIsFoundBehindThirtyOthers() {
        List<FakeGitHub.Email> emails = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            emails.add(new FakeGitHub.Email("old" + i + "@example.com", false, true));
        }
        emails.add(new FakeGitHub.Email("dave@example.com", true, true));
        FakeGitHub.Account dave = new FakeGitHub.Account(1004, "dave", null, emails);

        Identity identity = provider.authenticate(code(github.issueCode(dave)));

        assertThat(identity.profile().email()).as("GitHub pages 30 emails unless asked for 100").isEqualTo("dave@example.com");
    }

    @Test
    void withoutTheEmailScopeTheLogInSucceedsWithoutEmail() {
        Identity identity = provider.authenticate(code(github.issueCode(ALICE, "read:user", null)));

        assertThat(identity.subject()).isEqualTo("1001");
        assertThat(identity.profile().email()).isNull();
    }

    @Test
    void aGitHubAppWithoutEmailPermissionGets403AndNoEmail() {
        github.route("/user/emails", r -> JsonReply.status(403, Map.of("message", "Resource not accessible by integration")));

        assertThat(provider.authenticate(code(github.issueCode(ALICE))).profile().email()).isNull();
    }

    @Test
    void emailsOfTheWrongShapeAreABackendError() {
        github.route("/user/emails", r -> JsonReply.ok(List.of(Map.of("email", "alice@example.com", "primary", "yes", "verified", true))));

        assertCode(() -> provider.authenticate(code(github.issueCode(ALICE))), ErrorCode.PROVIDER_BACKEND);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"1001\"", "-5", "1.5", "null", "{}"})
    void anIdThatIsNotAPositiveIntegerIsABackendError(String id) {
        github.route("/user", r -> JsonReply.ok(JsonParser.parseString("{\"id\": " + id + ", \"login\": \"alice\"}")));

        assertCode(() -> provider.authenticate(code(github.issueCode(ALICE))), ErrorCode.PROVIDER_BACKEND);
    }

    /**
     * The contract's OVERSIZED rule passes even without a bound here: it pads JSON objects but turns
     * the array {@code /user/emails} answers into an object, which fails on its type. So the bound is
     * checked with an answer that is valid apart from its size.
     */
    @Test
    void anAnswerOverOneMegabyteIsRefusedEvenWhenItIsOtherwiseValid() {
        github.route("/user", r -> JsonReply.ok(Map.of("id", 1001, "login", "alice",
                "bio", "x".repeat(GitHubCalls.MAX_ANSWER_BYTES))));

        AuthException e = assertCode(() -> provider.authenticate(code(github.issueCode(ALICE))), ErrorCode.PROVIDER_BACKEND);
        assertThat(e.getMessage()).contains("larger than");
    }

    // ------------------------------------------------------------------------------------------
    // Codes and GitHub's refusals
    // ------------------------------------------------------------------------------------------

    @Test
    void aCodeWorksOnce() {
        Credentials credentials = code(github.issueCode(ALICE));
        provider.authenticate(credentials);

        AuthException e = assertCode(() -> provider.authenticate(credentials), ErrorCode.INVALID_CREDENTIALS);
        assertThat(e.getMessage()).contains("wrong, used already or expired");
    }

    @Test
    void theRedirectUriIsSentAndMustBeTheOneTheCodeWasIssuedFor() {
        String redirect = "https://app.example.com/callback";
        Credentials right = Credentials.of(GitHubProvider.TYPE, Map.of("code", github.issueCode(ALICE, FakeGitHub.EMAIL_SCOPE, redirect),
                "redirectUri", redirect));
        Credentials wrong = Credentials.of(GitHubProvider.TYPE, Map.of("code", github.issueCode(ALICE, FakeGitHub.EMAIL_SCOPE, redirect),
                "redirectUri", "https://evil.example/callback"));

        assertThat(provider.authenticate(right).subject()).isEqualTo("1001");
        assertCode(() -> provider.authenticate(wrong), ErrorCode.INVALID_CREDENTIALS);
    }

    @Test
    void aWrongClientSecretIsABackendErrorThatNamesTheSettingButNotTheSecret() {
        String wrongSecret = "0000wrong0000secret0000";
        try (EngineHarness misconfigured = EngineHarness.builder().provider(new GitHubProvider())
                .enable(GitHubProvider.TYPE, settings(wrongSecret)).build().start()) {
            AuthException e = assertCode(() -> misconfigured.service().logIn(code(github.issueCode(ALICE))), ErrorCode.PROVIDER_BACKEND);

            assertThat(e.getMessage()).contains("clientSecret").doesNotContain(wrongSecret).doesNotContain(github.clientSecret);
        }
    }

    /** GitHub refuses the exchange for a user whose primary email is unverified: the user must act, GitHub is fine. */
    @Test
    void aUserWithAnUnverifiedPrimaryEmailIsNotConfirmedNotABackendFault() {
        github.route("/login/oauth/access_token", r -> JsonReply.ok(Map.of("error", "unverified_user_email",
                "error_description", "The user must have a verified primary email.")));

        AuthException e = assertCode(() -> provider.authenticate(code(github.issueCode(ALICE))), ErrorCode.USER_NOT_CONFIRMED);
        assertThat(e.getMessage()).contains("verif");
    }

    @Test
    void aTokenGitHubRefusesOnUserIsInvalidCredentials() {
        github.route("/user", r -> JsonReply.status(401, Map.of("message", "Bad credentials")));

        assertCode(() -> provider.authenticate(code(github.issueCode(ALICE))), ErrorCode.INVALID_CREDENTIALS);
    }

    @Test
    void http429IsRateLimitedWithGitHubsRetryAfter() {
        github.route("/user", r -> JsonReply.status(429, Map.of("message", "slow down")).withHeader("Retry-After", "120"));

        AuthException e = assertCode(() -> provider.authenticate(code(github.issueCode(ALICE))), ErrorCode.RATE_LIMITED);
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(120));
    }

    @ParameterizedTest
    @ValueSource(strings = {"X-RateLimit-Remaining: 0", "Retry-After: 30"})
    void a403ThatGitHubMarksAsARateLimitIsRateLimitedNotAMissingEmail(String header) {
        String[] h = header.split(": ");
        github.route("/user/emails", r -> JsonReply.status(403, Map.of("message", "API rate limit exceeded")).withHeader(h[0], h[1]));

        assertCode(() -> provider.authenticate(code(github.issueCode(ALICE))), ErrorCode.RATE_LIMITED);
    }

    /** GitHub: with X-RateLimit-Remaining 0, wait until X-RateLimit-Reset (UTC epoch seconds), often most of an hour. */
    @Test
    void anExhaustedPrimaryRateLimitIsRetriedAfterGitHubsResetTime() {
        long reset = engine.clock().instant().getEpochSecond() + 1800;
        github.route("/user", r -> JsonReply.status(403, Map.of("message", "API rate limit exceeded"))
                .withHeader("X-RateLimit-Remaining", "0").withHeader("X-RateLimit-Reset", Long.toString(reset)));

        AuthException e = assertCode(() -> provider.authenticate(code(github.issueCode(ALICE))), ErrorCode.RATE_LIMITED);
        assertThat(e.retryAfter()).hasValueSatisfying(d -> assertThat(d).isBetween(Duration.ofSeconds(1790), Duration.ofSeconds(1800)));
    }

    /** GitHub: a secondary rate limit may come as a 403 that only its message marks, without either header. */
    @ParameterizedTest
    @ValueSource(strings = {"/user", "/user/emails"})
    void a403WhoseMessageSaysSecondaryRateLimitIsRateLimitedEvenWithoutHeaders(String path) {
        github.route(path, r -> JsonReply.status(403, Map.of("message",
                "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.")));

        assertCode(() -> provider.authenticate(code(github.issueCode(ALICE))), ErrorCode.RATE_LIMITED);
    }

    @Test
    void sendsWhatGitHubAsksFor() {
        provider.authenticate(Credentials.of(GitHubProvider.TYPE, Map.of("code", github.issueCode(ALICE))));

        List<BackendRequest> requests = github.requests();
        assertThat(requests).extracting(BackendRequest::method, BackendRequest::path).containsExactly(
                tuple("POST", "/login/oauth/access_token"),
                tuple("GET", "/user"),
                tuple("GET", "/user/emails"));
        assertThat(requests.get(0).header("Accept")).contains("application/json");
        assertThat(requests.get(0).formBody()).containsOnlyKeys("client_id", "client_secret", "code");
        for (BackendRequest api : requests.subList(1, 3)) {
            assertThat(api.header("Accept")).contains("application/vnd.github+json");
            assertThat(api.header("X-GitHub-Api-Version")).contains("2022-11-28");
            assertThat(api.header("User-Agent")).hasValueSatisfying(ua -> assertThat(ua).isNotBlank());
            assertThat(api.header("Authorization")).hasValueSatisfying(a -> assertThat(a).startsWith("Bearer gho_"));
            assertThat(api.query()).as("no token in a URL").doesNotContainKeys("access_token", "token", "code");
            assertThat(String.join(",", api.query().values())).doesNotContain("gho_");
        }
        assertThat(requests.get(1).query()).isEmpty();
        assertThat(requests.get(2).query()).containsExactly(Map.entry("per_page", "100"));
    }

    // ------------------------------------------------------------------------------------------
    // Settings
    // ------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"apiUrl", "tokenUrl"})
    void plainHttpIsRefusedExceptToThisMachine(String setting) {
        Map<String, Object> settings = new HashMap<>(settings(github.clientSecret));
        settings.put(setting, "http://github.example.com");

        try (EngineHarness bad = EngineHarness.builder().provider(new GitHubProvider()).enable(GitHubProvider.TYPE, settings).build()) {
            AuthException e = assertCode(bad::start, ErrorCode.CONFIGURATION);
            assertThat(e.getMessage()).contains("providers." + GitHubProvider.TYPE).contains(setting).contains("https");
        }
    }

    @Test
    void eachRequiredOrBadSettingIsNamed() {
        assertThatThrownBy(() -> new GitHubSettings(null, "s3cr3t", null, null, null)).hasMessageStartingWith("clientId");
        assertThatThrownBy(() -> new GitHubSettings("id", " ", null, null, null)).hasMessageStartingWith("clientSecret");
        assertThatThrownBy(() -> new GitHubSettings("id", "s3cr3t", "not a url", null, null)).hasMessageStartingWith("tokenUrl");
        assertThatThrownBy(() -> new GitHubSettings("id", "s3cr3t", null, null, Duration.ofMinutes(5))).hasMessageStartingWith("timeout");
        assertThatThrownBy(() -> new GitHubSettings("id", "s3cr3t", null, null, Duration.ZERO)).hasMessageStartingWith("timeout");
    }

    /** SECURITY.md #30: no toString shows an auth code, even of a value that is only held inside the provider. */
    @Test
    void theHeldGrantDoesNotShowTheCodeInToString() throws ReflectiveOperationException {
        Class<?> grant = Class.forName(GitHubProvider.class.getName() + "$Grant");
        java.lang.reflect.Constructor<?> make = grant.getDeclaredConstructor(String.class, String.class);
        make.setAccessible(true);

        String shown = make.newInstance("the-auth-code-value", "https://app.example.com/callback").toString();

        assertThat(shown).doesNotContain("the-auth-code-value");
    }

    @Test
    void defaultsAreGitHubsAndTheSecretIsNotInToString() {
        GitHubSettings settings = new GitHubSettings("Iv1.abc", "the-client-secret-value", null, null, null);

        assertThat(settings.tokenUrl()).isEqualTo("https://github.com/login/oauth/access_token");
        assertThat(settings.apiUrl()).isEqualTo("https://api.github.com");
        assertThat(settings.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.toString()).contains("Iv1.abc").doesNotContain("the-client-secret-value");
    }

    // ------------------------------------------------------------------------------------------
    // End to end
    // ------------------------------------------------------------------------------------------

    @Test
    void anAppFindsTheProviderThroughServiceLoaderAndLogsIn() {
        // No provider instance given: the engine finds GitHubProvider on the class path.
        try (EngineHarness app = EngineHarness.builder().enable(GitHubProvider.TYPE, settings(github.clientSecret)).build().start()) {
            User user = app.app().logIn(code(github.issueCode(ALICE)));
            User again = app.app().logIn(code(github.issueCode(ALICE)));

            assertThat(again.id()).isEqualTo(user.id());
            assertThat(user.identities()).extracting(Identity::providerType, Identity::subject)
                    .containsExactly(tuple(GitHubProvider.TYPE, "1001"));
            assertThat(user.profile().email()).isEqualTo("alice@example.com");
        }
    }

    private Map<String, Object> settings(String clientSecret) {
        return Map.of("clientId", github.clientId, "clientSecret", clientSecret,
                "tokenUrl", github.tokenUrl(), "apiUrl", github.apiUrl(), "timeout", "PT2S");
    }

    private static AuthException assertCode(ThrowingCallable call, ErrorCode code) {
        AuthException e = catchThrowableOfType(AuthException.class, call);
        assertThat(e).as("an AuthException").isNotNull();
        assertThat(e.code()).as(e.toString()).isEqualTo(code);
        return e;
    }
}
