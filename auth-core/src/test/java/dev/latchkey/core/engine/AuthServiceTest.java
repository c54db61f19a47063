package dev.latchkey.core.engine;

import static dev.latchkey.core.engine.ProviderRegistryTest.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import dev.latchkey.api.ApiKey;
import dev.latchkey.api.ApiKeyAuth;
import dev.latchkey.api.AuthService;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Identity;
import dev.latchkey.api.Session;
import dev.latchkey.api.UserInfo;
import dev.latchkey.api.UserPage;
import dev.latchkey.api.UserType;
import dev.latchkey.api.VerifiedToken;
import dev.latchkey.api.spi.CredentialProvider;
import dev.latchkey.api.spi.ProviderContext;
import dev.latchkey.api.spi.ProviderStore;
import dev.latchkey.core.Latchkey;
import dev.latchkey.core.store.InMemoryStore;
import dev.latchkey.core.store.StoredSession;
import dev.latchkey.core.token.Secrets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The engine's behaviour through {@link AuthService}, on the in-memory store. */
class AuthServiceTest {
    private final InMemoryStore store = new InMemoryStore();
    private final TestIdpProvider idp = new TestIdpProvider();
    private AuthService service;

    @BeforeEach
    void start() {
        service = Latchkey.service("app").store(store).provider(idp).config("""
                {"providers": {"anon-user": {"enabled": true}, "api-key": {"enabled": true}, "test-idp": {"enabled": true}}}
                """).build();
    }

    @AfterEach
    void stop() {
        service.close();
    }

    @Test
    void theSameIdentityLogsInToTheSameUserAndAnotherToAnother() {
        Session first = service.logIn(TestIdpProvider.credentials("ann"));
        Session again = service.logIn(TestIdpProvider.credentials("ann"));
        Session bob = service.logIn(TestIdpProvider.credentials("bob"));
        assertThat(again.user().id()).isEqualTo(first.user().id());
        assertThat(bob.user().id()).isNotEqualTo(first.user().id());
        assertThat(again.sessionId()).isNotEqualTo(first.sessionId());
        assertThat(first.user().profile().name()).isEqualTo("Name of ann");
        assertThat(first.user().type()).isEqualTo(UserType.NORMAL);
        assertThat(first.user().identities()).containsExactly(new Identity("test-idp", "ann", first.user().profile()));
    }

    @Test
    void wrongCredentialsAreRejectedAndCreateNothing() {
        assertFails(() -> service.logIn(Credentials.of("test-idp", Map.of("account", "eve", "secret", "guess"))),
                ErrorCode.INVALID_CREDENTIALS);
        assertThat(store.findUserByIdentity("test-idp", "eve")).isEmpty();
        assertFails(() -> service.logIn(null), ErrorCode.INVALID_PARAMETER, "credentials");
    }

    // SECURITY.md 29
    @Test
    void refreshTokensCarry256RandomBitsAndOnlyTheirHashIsStored() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            Session s = service.logIn(Credentials.anonymous());
            assertThat(Base64.getUrlDecoder().decode(s.refreshToken())).hasSize(32);
            assertThat(seen.add(s.refreshToken())).isTrue();
            StoredSession stored = store.findSession(s.sessionId()).orElseThrow();
            assertThat(stored.refreshTokenHash()).isEqualTo(Secrets.sha256(s.refreshToken())).isNotEqualTo(s.refreshToken());
        }
    }

    @Test
    void theDeviceIdIsKeptOrMade() {
        assertThat(service.logIn(Credentials.anonymous(), "my-phone").deviceId()).isEqualTo("my-phone");
        assertThat(service.logIn(Credentials.anonymous()).deviceId()).matches("[0-9a-f]{24}");
        assertFails(() -> service.logIn(Credentials.anonymous(), "bad device!"), ErrorCode.INVALID_PARAMETER, "device id");
        assertFails(() -> service.logIn(Credentials.anonymous(), "x".repeat(65)), ErrorCode.INVALID_PARAMETER, "device id");
    }

    @Test
    void refreshGivesANewAccessTokenForTheSameSessionAndKeepsTheRefreshToken() {
        Session s = service.logIn(TestIdpProvider.credentials("ann"));
        Session r = service.refresh(s.refreshToken());
        assertThat(r.refreshToken()).isEqualTo(s.refreshToken());
        assertThat(r.refreshTokenExpiresAt()).isEqualTo(s.refreshTokenExpiresAt());
        assertThat(r.sessionId()).isEqualTo(s.sessionId());
        assertThat(r.accessToken()).isNotEqualTo(s.accessToken());
        VerifiedToken v = service.verify(r.accessToken());
        assertThat(v.userId()).isEqualTo(s.user().id());
        assertThat(v.sessionId()).isEqualTo(s.sessionId());
        assertFails(() -> service.refresh("not-a-token"), ErrorCode.INVALID_SESSION, "unknown or was revoked");
        assertFails(() -> service.refresh("x".repeat(10_000)), ErrorCode.INVALID_SESSION);
        assertFails(() -> service.refresh(null), ErrorCode.INVALID_PARAMETER, "refresh token");
    }

    // SECURITY.md 25
    @Test
    void loggingOutRevokesTheRefreshTokenAndTheSessionsAccessTokens() {
        Session s = service.logIn(TestIdpProvider.credentials("ann"));
        Session other = service.logIn(TestIdpProvider.credentials("ann"));
        service.logOut(s.refreshToken());
        assertFails(() -> service.refresh(s.refreshToken()), ErrorCode.INVALID_SESSION);
        assertFails(() -> service.verify(s.accessToken()), ErrorCode.INVALID_SESSION, "session has ended");
        assertThat(service.verify(other.accessToken()).sessionId()).isEqualTo(other.sessionId());
        service.logOut(s.refreshToken());
        service.logOut("never-issued");
        assertFails(() -> service.logOut(null), ErrorCode.INVALID_PARAMETER);
    }

    // SECURITY.md 25
    @Test
    void disablingAUserEndsItsSessionsUntilEnabled() {
        Session s = service.logIn(TestIdpProvider.credentials("ann"));
        service.disableUser(s.user().id());
        assertFails(() -> service.refresh(s.refreshToken()), ErrorCode.INVALID_SESSION);
        assertFails(() -> service.verify(s.accessToken()), ErrorCode.INVALID_SESSION);
        assertFails(() -> service.logIn(TestIdpProvider.credentials("ann")), ErrorCode.USER_DISABLED);
        assertThat(service.findUser(s.user().id()).orElseThrow().disabled()).isTrue();
        service.enableUser(s.user().id());
        assertThat(service.logIn(TestIdpProvider.credentials("ann")).user().id()).isEqualTo(s.user().id());
        assertFails(() -> service.disableUser("nobody"), ErrorCode.USER_NOT_FOUND);
        assertFails(() -> service.enableUser("nobody"), ErrorCode.USER_NOT_FOUND);
    }

    // SECURITY.md 25
    @Test
    void deletingAUserEndsItsSessionsAndTellsItsProviders() {
        Session s = service.logIn(TestIdpProvider.credentials("ann"));
        service.deleteUser(s.user().id());
        assertFails(() -> service.refresh(s.refreshToken()), ErrorCode.INVALID_SESSION);
        assertFails(() -> service.verify(s.accessToken()), ErrorCode.INVALID_SESSION);
        assertThat(idp.removedSubjects).containsExactly("ann");
        assertThat(service.findUser(s.user().id())).isEmpty();
        assertFails(() -> service.deleteUser(s.user().id()), ErrorCode.USER_NOT_FOUND);
        assertFails(() -> service.deleteUser("'; DROP TABLE users;--"), ErrorCode.USER_NOT_FOUND, "not a well-formed id");
    }

    @Test
    void usersAreListedInPagesUntilTheLastSaysSo() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            ids.add(service.logIn(TestIdpProvider.credentials("user-" + i)).user().id());
        }
        service.disableUser(ids.get(3));
        ids.sort(String::compareTo);

        List<UserInfo> listed = new ArrayList<>();
        UserPage page = service.listUsers(null, 3);
        List<Integer> sizes = new ArrayList<>();
        while (true) {
            listed.addAll(page.users());
            sizes.add(page.users().size());
            if (page.next().isEmpty()) {
                break;
            }
            assertThat(page.next()).contains(page.users().get(page.users().size() - 1).id());
            page = service.listUsers(page.next().get(), 3);
        }
        assertThat(sizes).containsExactly(3, 3, 1);
        assertThat(listed).extracting(UserInfo::id).containsExactlyElementsOf(ids);
        assertThat(listed).allSatisfy(u -> assertThat(service.findUser(u.id())).contains(u));
        assertThat(listed).filteredOn(UserInfo::disabled).hasSize(1);

        UserPage exact = service.listUsers(null, 7);
        assertThat(exact.users()).hasSize(7);
        assertThat(exact.next()).as("a full last page is the last").isEmpty();
        assertThat(service.listUsers(ids.get(6), 5)).isEqualTo(new UserPage(List.of(), java.util.Optional.empty()));
        assertThat(service.listUsers("'; DROP TABLE users;--", AuthService.MAX_PAGE_SIZE).users()).hasSize(7);
    }

    @Test
    void aPageHoldsOneToAThousandUsers() {
        service.logIn(TestIdpProvider.credentials("ann"));
        assertFails(() -> service.listUsers(null, 0), ErrorCode.INVALID_PARAMETER, "1 to 1000");
        assertFails(() -> service.listUsers(null, -5), ErrorCode.INVALID_PARAMETER, "1 to 1000");
        assertFails(() -> service.listUsers(null, 1001), ErrorCode.INVALID_PARAMETER, "1 to 1000");
        assertFails(() -> service.listUsers(null, Integer.MAX_VALUE), ErrorCode.INVALID_PARAMETER, "1 to 1000");
        assertThat(service.listUsers(null, 1).users()).hasSize(1);
        assertThat(service.listUsers(null, AuthService.MAX_PAGE_SIZE).users()).hasSize(1);
    }

    // SECURITY.md 25
    @Test
    void revokingAUsersSessionsEndsThemAllAndOnlyThem() {
        Session first = service.logIn(TestIdpProvider.credentials("ann"));
        Session second = service.logIn(TestIdpProvider.credentials("ann"));
        ApiKey key = service.apiKeys(first.user().id()).create("laptop");
        Session byKey = service.logIn(Credentials.apiKey(key.value()));
        Session bob = service.logIn(TestIdpProvider.credentials("bob"));

        assertThat(service.revokeSessions(first.user().id())).isEqualTo(3);
        for (Session s : List.of(first, second, byKey)) {
            assertFails(() -> service.refresh(s.refreshToken()), ErrorCode.INVALID_SESSION);
            assertFails(() -> service.verify(s.accessToken()), ErrorCode.INVALID_SESSION, "session has ended");
        }
        assertThat(service.verify(bob.accessToken()).userId()).isEqualTo(bob.user().id());
        assertThat(service.refresh(bob.refreshToken()).user().id()).isEqualTo(bob.user().id());

        UserInfo after = service.findUser(first.user().id()).orElseThrow();
        assertThat(after.disabled()).as("revoking is not disabling").isFalse();
        assertThat(after.identities()).hasSize(2);
        assertThat(service.apiKeys(first.user().id()).fetch(key.id()).enabled()).isTrue();
        Session again = service.logIn(TestIdpProvider.credentials("ann"));
        assertThat(service.verify(again.accessToken()).userId()).isEqualTo(first.user().id());
        assertThat(service.revokeSessions(first.user().id())).isEqualTo(1);
        assertThat(service.revokeSessions(first.user().id())).isZero();
    }

    @Test
    void revokingTheSessionsOfNoUserFails() {
        Session bob = service.logIn(TestIdpProvider.credentials("bob"));
        assertFails(() -> service.revokeSessions("nobody"), ErrorCode.USER_NOT_FOUND, "nobody");
        assertFails(() -> service.revokeSessions("'; DELETE FROM latchkey_sessions;--"), ErrorCode.USER_NOT_FOUND,
                "not a well-formed id");
        assertFails(() -> service.revokeSessions("x".repeat(10_000)), ErrorCode.USER_NOT_FOUND, "not a well-formed id");
        assertFails(() -> service.revokeSessions(null), ErrorCode.INVALID_PARAMETER, "user id");
        assertThat(service.verify(bob.accessToken()).userId()).as("nothing changed").isEqualTo(bob.user().id());
    }

    @Test
    void linkingFollowsAppServicesRules() {
        Session anon = service.logIn(Credentials.anonymous());
        UserInfo linked = service.linkCredentials(anon.accessToken(), TestIdpProvider.credentials("ann"));
        assertThat(linked.identities()).extracting(Identity::providerType).containsExactly("anon-user", "test-idp");
        assertThat(linked.isAnonymous()).isFalse();
        assertThat(service.logIn(TestIdpProvider.credentials("ann")).user().id()).isEqualTo(anon.user().id());
        assertThat(service.linkCredentials(anon.accessToken(), TestIdpProvider.credentials("ann")).identities()).hasSize(2);

        Session bob = service.logIn(TestIdpProvider.credentials("bob"));
        assertFails(() -> service.linkCredentials(bob.accessToken(), TestIdpProvider.credentials("ann")), ErrorCode.IDENTITY_IN_USE,
                "already belongs to another user");
        assertFails(() -> service.linkCredentials(bob.accessToken(), Credentials.anonymous()), ErrorCode.OPERATION_NOT_ALLOWED,
                "anonymous");
        assertFails(() -> service.linkCredentials(bob.accessToken(), Credentials.of("test-idp", Map.of("account", "x", "secret", "no"))),
                ErrorCode.INVALID_CREDENTIALS);
        assertFails(() -> service.linkCredentials("garbage", TestIdpProvider.credentials("carl")), ErrorCode.MALFORMED);
        assertThat(store.findUserByIdentity("test-idp", "carl")).isEmpty();
    }

    @Test
    void customDataTravelsInTheAccessTokenAfterARefresh() {
        Session s = service.logIn(TestIdpProvider.credentials("ann"));
        service.setCustomData(s.user().id(), Map.of("plan", "pro", "seats", 3, "tags", List.of("a")));
        Session r = service.refresh(s.refreshToken());
        assertThat(r.user().customData()).isEqualTo(Map.of("plan", "pro", "seats", 3L, "tags", List.of("a")));
        assertThat(service.verify(r.accessToken()).customData()).isEqualTo(r.user().customData());
        assertThat(service.verify(s.accessToken()).customData()).isEmpty();

        assertFails(() -> service.setCustomData(s.user().id(), Map.of("big", "x".repeat(9_000))), ErrorCode.INVALID_PARAMETER,
                "at most 8192");
        assertFails(() -> service.setCustomData(s.user().id(), Map.of("k", "\u6f22".repeat(3_000))), ErrorCode.INVALID_PARAMETER,
                "9008 bytes");
        assertFails(() -> service.setCustomData(s.user().id(), Map.of("bad", new Object())), ErrorCode.INVALID_PARAMETER, "JSON");
        assertFails(() -> service.setCustomData("nobody", Map.of()), ErrorCode.USER_NOT_FOUND);
        assertFails(() -> service.setCustomData(s.user().id(), null), ErrorCode.INVALID_PARAMETER);
        assertThat(service.findUser(s.user().id()).orElseThrow().customData()).containsEntry("plan", "pro");
    }

    @Test
    void customDataAtTheLimitStillMakesTokensTheEngineAccepts() {
        Session s = service.logIn(TestIdpProvider.credentials("ann"));
        // Each value is the largest that fits: multi-byte characters, and characters a JSON writer may escape.
        for (String big : List.of("\u6f22".repeat(2_727), "<&>'=".repeat(1_630), "x".repeat(8_180))) {
            service.setCustomData(s.user().id(), Map.of("k", big));
            Session refreshed = service.refresh(s.refreshToken());
            assertThat(service.verify(refreshed.accessToken()).customData()).containsEntry("k", big);
        }
    }

    @Test
    void theJwksPublishesPublicKeysOnly() {
        String jwks = service.jwks();
        var keys = JsonParser.parseString(jwks).getAsJsonObject().getAsJsonArray("keys");
        assertThat(keys).hasSize(1);
        var key = keys.get(0).getAsJsonObject();
        assertThat(key.get("kty").getAsString()).isEqualTo("RSA");
        assertThat(key.get("alg").getAsString()).isEqualTo("RS256");
        assertThat(key.get("use").getAsString()).isEqualTo("sig");
        for (String privatePart : List.of("d", "p", "q", "dp", "dq", "qi")) {
            assertThat(key.has(privatePart)).as(privatePart).isFalse();
        }
        service.rotateSigningKey();
        assertThat(JsonParser.parseString(service.jwks()).getAsJsonObject().getAsJsonArray("keys")).hasSize(2);
    }

    @Test
    void aProviderBugBecomesAnInternalErrorWithoutItsMessage() {
        CredentialProvider buggy = new CredentialProvider() {
            @Override
            public String type() {
                return "buggy";
            }

            @Override
            public void start(ProviderContext context) {
            }

            @Override
            public Identity authenticate(Credentials credentials) {
                throw new IllegalStateException("leaked " + credentials.stringField("secret").orElse(""));
            }
        };
        CredentialProvider wrongType = new CredentialProvider() {
            @Override
            public String type() {
                return "liar";
            }

            @Override
            public void start(ProviderContext context) {
            }

            @Override
            public Identity authenticate(Credentials credentials) {
                return Identity.of("anon-user", "someone-else");
            }
        };
        try (AuthService s = Latchkey.service("app").store(new InMemoryStore()).provider(buggy).provider(wrongType)
                .config("{\"providers\": {\"buggy\": {\"enabled\": true}, \"liar\": {\"enabled\": true}}}").build()) {
            assertFails(() -> s.logIn(Credentials.of("buggy", Map.of("secret", "hunter2hunter2"))), ErrorCode.INTERNAL,
                    "provider 'buggy' failed unexpectedly (IllegalStateException)");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.logIn(Credentials.of("buggy", Map.of("secret", "hunter2hunter2"))))
                    .hasMessageNotContaining("hunter2");
            assertFails(() -> s.logIn(Credentials.of("liar", Map.of())), ErrorCode.INTERNAL, "an identity of another provider");
        }
    }

    // --- API keys (SECURITY.md 16, 29) ---

    @Test
    void aUserApiKeyLogsInAsItsUserAndIsShownOnce() {
        Session ann = service.logIn(TestIdpProvider.credentials("ann"));
        ApiKeyAuth keys = service.apiKeys(ann.user().id());
        ApiKey key = keys.create("ci-key");
        assertThat(key.value()).matches("[A-Za-z0-9]{64}").startsWith(key.id());
        assertThat(key.enabled()).isTrue();
        assertThat(keys.fetch(key.id())).isEqualTo(key.withoutValue());
        assertThat(keys.fetchAll()).containsExactly(key.withoutValue());

        Session viaKey = service.logIn(Credentials.apiKey(key.value()));
        assertThat(viaKey.user().id()).isEqualTo(ann.user().id());
        assertThat(viaKey.user().identities()).extracting(Identity::providerType).containsExactly("test-idp", "api-key");
    }

    @Test
    void onlyAHashOfAnApiKeyIsStored() {
        Session ann = service.logIn(TestIdpProvider.credentials("ann"));
        ApiKey key = service.apiKeys(ann.user().id()).create("k");
        ProviderStore docs = store.documents("api-key");
        String stored = docs.get(key.id()).orElseThrow().json();
        String secretPart = key.value().substring(16);
        assertThat(stored).doesNotContain(secretPart).doesNotContain(key.value())
                .contains(Secrets.sha256(secretPart));
    }

    @Test
    void aWrongApiKeyIsRejectedWhateverItsShape() {
        Session ann = service.logIn(TestIdpProvider.credentials("ann"));
        ApiKey key = service.apiKeys(ann.user().id()).create("k");
        String rightIdWrongSecret = key.id() + "A".repeat(48);
        String unknownId = "B".repeat(64);
        assertFails(() -> service.logIn(Credentials.apiKey(rightIdWrongSecret)), ErrorCode.INVALID_CREDENTIALS, "invalid API key");
        assertFails(() -> service.logIn(Credentials.apiKey(unknownId)), ErrorCode.INVALID_CREDENTIALS, "invalid API key");
        assertFails(() -> service.logIn(Credentials.apiKey(key.value().substring(1))), ErrorCode.MALFORMED, "64 letters and digits");
        assertFails(() -> service.logIn(Credentials.apiKey(key.value().replace(key.value().charAt(20), '-'))), ErrorCode.MALFORMED);
        assertFails(() -> service.logIn(Credentials.of("api-key", Map.of("key", 42))), ErrorCode.MALFORMED);
        assertFails(() -> service.logIn(Credentials.of("api-key", Map.of("key", key.value(), "extra", 1))), ErrorCode.MALFORMED);
    }

    @Test
    void aDisabledOrDeletedKeyCannotLogInAndItsSessionsEnd() {
        Session ann = service.logIn(TestIdpProvider.credentials("ann"));
        ApiKeyAuth keys = service.apiKeys(ann.user().id());
        ApiKey key = keys.create("k");
        Session viaKey = service.logIn(Credentials.apiKey(key.value()));

        keys.disable(key.id());
        assertThat(keys.fetch(key.id()).enabled()).isFalse();
        assertFails(() -> service.logIn(Credentials.apiKey(key.value())), ErrorCode.INVALID_CREDENTIALS, "disabled");
        assertFails(() -> service.refresh(viaKey.refreshToken()), ErrorCode.INVALID_SESSION);
        assertThat(service.refresh(ann.refreshToken()).user().id()).as("the user's other sessions live on").isEqualTo(ann.user().id());

        keys.enable(key.id());
        Session again = service.logIn(Credentials.apiKey(key.value()));
        keys.delete(key.id());
        assertFails(() -> service.logIn(Credentials.apiKey(key.value())), ErrorCode.INVALID_CREDENTIALS);
        assertFails(() -> service.refresh(again.refreshToken()), ErrorCode.INVALID_SESSION);
        assertFails(() -> keys.fetch(key.id()), ErrorCode.API_KEY_NOT_FOUND);
        assertFails(() -> keys.delete(key.id()), ErrorCode.API_KEY_NOT_FOUND);
        assertThat(service.findUser(ann.user().id()).orElseThrow().identities()).extracting(Identity::providerType)
                .containsExactly("test-idp");
    }

    @Test
    void apiKeyRulesFollowAppServices() {
        Session ann = service.logIn(TestIdpProvider.credentials("ann"));
        ApiKeyAuth keys = service.apiKeys(ann.user().id());
        keys.create("dup");
        assertFails(() -> keys.create("dup"), ErrorCode.API_KEY_ALREADY_EXISTS, "dup");
        assertFails(() -> keys.create("bad name!"), ErrorCode.INVALID_PARAMETER, "name");
        assertFails(() -> keys.create(null), ErrorCode.INVALID_PARAMETER, "name");
        for (int i = 1; i < 20; i++) {
            keys.create("k" + i);
        }
        assertFails(() -> keys.create("one-too-many"), ErrorCode.LIMIT_EXCEEDED, "at most 20");
        assertThat(keys.fetchAll()).hasSize(20).allSatisfy(k -> assertThat(k.value()).isNull());

        Session anon = service.logIn(Credentials.anonymous());
        assertFails(() -> service.apiKeys(anon.user().id()).create("k"), ErrorCode.OPERATION_NOT_ALLOWED, "anonymous");
        assertFails(() -> service.apiKeys("nobody").create("k"), ErrorCode.USER_NOT_FOUND);
    }

    @Test
    void oneUserCannotSeeOrChangeAnothersKeys() {
        ApiKey annKey = service.apiKeys(service.logIn(TestIdpProvider.credentials("ann")).user().id()).create("k");
        ApiKeyAuth bobKeys = service.apiKeys(service.logIn(TestIdpProvider.credentials("bob")).user().id());
        assertFails(() -> bobKeys.fetch(annKey.id()), ErrorCode.API_KEY_NOT_FOUND);
        assertFails(() -> bobKeys.disable(annKey.id()), ErrorCode.API_KEY_NOT_FOUND);
        assertFails(() -> bobKeys.delete(annKey.id()), ErrorCode.API_KEY_NOT_FOUND);
        assertFails(() -> bobKeys.fetch("../../etc"), ErrorCode.INVALID_PARAMETER);
        assertThat(bobKeys.fetchAll()).isEmpty();
        assertThat(service.logIn(Credentials.apiKey(annKey.value())).user().identities()).isNotEmpty();
    }

    @Test
    void racingKeyCreationNeverExceedsTheLimit() throws Exception {
        String userId = service.logIn(TestIdpProvider.credentials("ann")).user().id();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> attempts = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String name = "race-" + i;
            attempts.add(pool.submit(() -> {
                go.await();
                try {
                    service.apiKeys(userId).create(name);
                    return true;
                } catch (dev.latchkey.api.AuthException e) {
                    assertThat(e.code()).isEqualTo(ErrorCode.LIMIT_EXCEEDED);
                    return false;
                }
            }));
        }
        go.countDown();
        int created = 0;
        try {
            for (Future<Boolean> f : attempts) {
                created += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(created).isEqualTo(20);
        assertThat(service.apiKeys(userId).fetchAll()).hasSize(20);
        assertThat(service.findUser(userId).orElseThrow().identities()).hasSize(21);
    }

    @Test
    void aServerApiKeyMakesAServerUser() {
        ApiKey key = service.createServerApiKey("backend");
        Session s = service.logIn(Credentials.apiKey(key.value()));
        assertThat(s.user().type()).isEqualTo(UserType.SERVER);
        assertThat(service.logIn(Credentials.apiKey(key.value())).user().id()).isEqualTo(s.user().id());
        assertThat(service.createServerApiKey("backend").id()).isNotEqualTo(key.id());
    }

    @Test
    void anOperatorCanFindAndRevokeALeakedServerKey() {
        ApiKey leaked = service.createServerApiKey("leaked");
        Session attacker = service.logIn(Credentials.apiKey(leaked.value()));
        UserInfo owner = service.findUserByIdentity("api-key", leaked.id()).orElseThrow();
        assertThat(owner.type()).isEqualTo(UserType.SERVER);
        service.apiKeys(owner.id()).disable(leaked.id());
        assertFails(() -> service.refresh(attacker.refreshToken()), ErrorCode.INVALID_SESSION);
        assertFails(() -> service.logIn(Credentials.apiKey(leaked.value())), ErrorCode.INVALID_CREDENTIALS);
        assertThat(service.findUserByIdentity("test-idp", "nobody")).isEmpty();
        assertFails(() -> service.findUserByIdentity(null, "x"), ErrorCode.INVALID_PARAMETER);
    }

    @Test
    void deletingAServerKeysUserDeletesTheKey() {
        ApiKey key = service.createServerApiKey("retired");
        Session s = service.logIn(Credentials.apiKey(key.value()));
        UserInfo server = service.findUserByIdentity("api-key", key.id()).orElseThrow();
        assertThat(service.listUsers(null, 10).users()).contains(server);
        service.deleteUser(server.id());
        assertFails(() -> service.logIn(Credentials.apiKey(key.value())), ErrorCode.INVALID_CREDENTIALS);
        assertFails(() -> service.verify(s.accessToken()), ErrorCode.INVALID_SESSION);
        assertThat(store.documents("api-key").get(key.id())).isEmpty();
        assertThat(service.listUsers(null, 10).users()).doesNotContain(server);
    }

    @Test
    void deletingAUserDeletesItsApiKeys() {
        Session ann = service.logIn(TestIdpProvider.credentials("ann"));
        ApiKey key = service.apiKeys(ann.user().id()).create("k");
        service.deleteUser(ann.user().id());
        assertFails(() -> service.logIn(Credentials.apiKey(key.value())), ErrorCode.INVALID_CREDENTIALS);
        assertThat(store.documents("api-key").get(key.id())).isEmpty();
    }

    @Test
    void apiKeysNeedTheApiKeyProviderEnabled() {
        try (AuthService noKeys = Latchkey.service("app").store(new InMemoryStore()).provider(new TestIdpProvider())
                .config("{\"providers\": {\"test-idp\": {\"enabled\": true}}}").build()) {
            String userId = noKeys.logIn(TestIdpProvider.credentials("ann")).user().id();
            assertFails(() -> noKeys.apiKeys(userId).create("k"), ErrorCode.PROVIDER_DISABLED, "api-key");
            assertFails(() -> noKeys.createServerApiKey("k"), ErrorCode.PROVIDER_DISABLED, "api-key");
        }
    }

    @Test
    void asyncTwinsCompleteWithTheSameResultsAndErrors() {
        String userId = service.logIn(TestIdpProvider.credentials("ann")).user().id();
        ApiKeyAuth keys = service.apiKeys(userId);
        ApiKey key = keys.createAsync("async").join();
        assertThat(keys.fetchAsync(key.id()).join().name()).isEqualTo("async");
        assertThat(keys.fetchAllAsync().join()).hasSize(1);
        keys.disableAsync(key.id()).join();
        assertThat(keys.fetch(key.id()).enabled()).isFalse();
        keys.enableAsync(key.id()).join();
        keys.deleteAsync(key.id()).join();
        assertThat(keys.fetchAll()).isEmpty();
        assertThat(keys.fetchAsync(key.id())).failsWithin(java.time.Duration.ofSeconds(5))
                .withThrowableThat().havingCause().isInstanceOfSatisfying(dev.latchkey.api.AuthException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.API_KEY_NOT_FOUND));
    }
}
