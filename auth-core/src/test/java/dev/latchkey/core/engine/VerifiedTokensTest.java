package dev.latchkey.core.engine;

import static dev.latchkey.core.engine.ProviderRegistryTest.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.api.ApiKey;
import dev.latchkey.api.ApiKeyAuth;
import dev.latchkey.api.AuthService;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Session;
import dev.latchkey.api.VerifiedToken;
import dev.latchkey.core.Latchkey;
import dev.latchkey.core.MovingClock;
import dev.latchkey.core.config.TokenSettings;
import dev.latchkey.core.store.InMemoryStore;
import dev.latchkey.core.store.StoredSigningKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The cache of verified access tokens (issue #10) must never accept what a fresh check would
 * refuse: not after the session ends in this engine (whatever way it ends, and however a check
 * races the ending), not after the token expires or its key is retired, not for a copy that
 * differs in one byte; and a session ended by another engine sharing the store is seen within
 * {@code sessionRecheck}.
 */
class VerifiedTokensTest {
    private static final String PROVIDERS = "\"providers\": {\"anon-user\": {\"enabled\": true}, \"api-key\": {\"enabled\": true}, \"test-idp\": {\"enabled\": true}}";

    private final InMemoryStore store = new InMemoryStore();
    private final MovingClock clock = new MovingClock();
    private final List<AuthService> engines = new ArrayList<>();

    @AfterEach
    void stop() {
        engines.forEach(AuthService::close);
    }

    private AuthService engine(String tokens) {
        AuthService engine = Latchkey.service("app").store(store).clock(clock).provider(new TestIdpProvider())
                .config("{" + PROVIDERS + (tokens.isEmpty() ? "" : ", \"tokens\": " + tokens) + "}").build();
        engines.add(engine);
        return engine;
    }

    @Test
    void aTokenVerifiedAgainGivesTheSameClaims() {
        AuthService engine = engine("");
        Session s = engine.logIn(Credentials.anonymous());
        VerifiedToken first = engine.verify(s.accessToken());
        VerifiedToken again = engine.verify(s.accessToken());
        assertThat(again).isEqualTo(first);
        assertThat(again.sessionId()).isEqualTo(s.sessionId());
    }

    @Test
    void aRememberedTokenAlteredInOneCharacterIsRefused() {
        AuthService engine = engine("");
        String token = engine.logIn(Credentials.anonymous()).accessToken();
        engine.verify(token);
        String signature = token.substring(token.lastIndexOf('.') + 1);
        char swapped = signature.charAt(10) == 'A' ? 'B' : 'A';
        String altered = token.substring(0, token.lastIndexOf('.') + 1) + signature.substring(0, 10) + swapped
                + signature.substring(11);
        assertFails(() -> engine.verify(altered), ErrorCode.INVALID_SESSION, "signature");
        assertFails(() -> engine.verify(token + "."), ErrorCode.MALFORMED);
        assertThat(engine.verify(token).sessionId()).isNotBlank();
    }

    static Stream<Arguments> waysToEndASession() {
        return Stream.of(
                Arguments.of("log out", (BiConsumer<AuthService, Session>) (e, s) -> e.logOut(s.refreshToken())),
                Arguments.of("revoke the user's sessions", (BiConsumer<AuthService, Session>) (e, s) -> e.revokeSessions(s.user().id())),
                Arguments.of("delete the user", (BiConsumer<AuthService, Session>) (e, s) -> e.deleteUser(s.user().id())),
                Arguments.of("disable the user", (BiConsumer<AuthService, Session>) (e, s) -> e.disableUser(s.user().id())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("waysToEndASession")
    void endingASessionInThisEngineRefusesItsRememberedTokenAtOnce(String way, BiConsumer<AuthService, Session> end) {
        AuthService engine = engine("");
        Session s = engine.logIn(Credentials.anonymous());
        Session other = engine.logIn(Credentials.anonymous());
        engine.verify(s.accessToken());
        engine.verify(other.accessToken());
        end.accept(engine, s);
        assertFails(() -> engine.verify(s.accessToken()), ErrorCode.INVALID_SESSION, "session has ended");
        assertThat(engine.verify(other.accessToken()).userId()).isEqualTo(other.user().id());
    }

    @Test
    void disablingOrDeletingAnApiKeyRefusesItsSessionsRememberedTokensAtOnce() {
        AuthService engine = engine("");
        Session ann = engine.logIn(TestIdpProvider.credentials("ann"));
        ApiKeyAuth keys = engine.apiKeys(ann.user().id());
        ApiKey key = keys.create("k");
        Session viaKey = engine.logIn(Credentials.apiKey(key.value()));
        engine.verify(viaKey.accessToken());
        engine.verify(ann.accessToken());
        keys.disable(key.id());
        assertFails(() -> engine.verify(viaKey.accessToken()), ErrorCode.INVALID_SESSION, "session has ended");
        assertThat(engine.verify(ann.accessToken()).userId()).as("the user's other sessions live on").isEqualTo(ann.user().id());

        keys.enable(key.id());
        Session again = engine.logIn(Credentials.apiKey(key.value()));
        engine.verify(again.accessToken());
        keys.delete(key.id());
        assertFails(() -> engine.verify(again.accessToken()), ErrorCode.INVALID_SESSION, "session has ended");
    }

    @Test
    void withARecheckIntervalASessionEndedByAnotherEngineIsRefusedOnceItHasPassed() {
        AuthService here = engine("{\"sessionRecheck\": \"PT5S\"}");
        AuthService there = engine("");
        Session s = here.logIn(Credentials.anonymous());
        here.verify(s.accessToken());
        there.logOut(s.refreshToken());
        // The staleness an operator opted into: this engine trusts what it checked for sessionRecheck.
        assertThat(here.verify(s.accessToken()).sessionId()).isEqualTo(s.sessionId());
        clock.advance(Duration.ofSeconds(5));
        assertFails(() -> here.verify(s.accessToken()), ErrorCode.INVALID_SESSION, "session has ended");
        assertFails(() -> here.verify(s.accessToken()), ErrorCode.INVALID_SESSION, "session has ended");
    }

    @Test
    void aClockSteppedBackDoesNotStretchTheTimeASessionIsTrustedWithoutTheStore() {
        AuthService here = engine("{\"sessionRecheck\": \"PT5S\"}");
        AuthService there = engine("");
        Session s = here.logIn(Credentials.anonymous());
        // Checked late in the token's life, so a backward step stays within what iat and the skew allow.
        clock.advance(Duration.ofMinutes(20));
        here.verify(s.accessToken());
        there.logOut(s.refreshToken());
        // An NTP correction steps the engine's clock back: "checked 5 s ago" must not become "checked in the future".
        clock.advance(Duration.ofMinutes(-10));
        assertFails(() -> here.verify(s.accessToken()), ErrorCode.INVALID_SESSION, "session has ended");
    }

    @Test
    void byDefaultASessionEndedByAnotherEngineIsRefusedAtOnce() {
        assertThat(TokenSettings.DEFAULTS.sessionRecheck()).isZero();
        AuthService here = engine("");
        AuthService there = engine("");
        Session s = here.logIn(Credentials.anonymous());
        here.verify(s.accessToken());
        there.revokeSessions(s.user().id());
        assertFails(() -> here.verify(s.accessToken()), ErrorCode.INVALID_SESSION, "session has ended");
    }

    @Test
    void withTheCacheOffEveryCheckIsFresh() {
        AuthService here = engine("{\"verifiedCacheSize\": 0}");
        AuthService there = engine("");
        Session s = here.logIn(Credentials.anonymous());
        assertThat(here.verify(s.accessToken()).sessionId()).isEqualTo(s.sessionId());
        there.logOut(s.refreshToken());
        assertFails(() -> here.verify(s.accessToken()), ErrorCode.INVALID_SESSION, "session has ended");
    }

    @Test
    void aRememberedTokenIsRefusedOnceItExpires() {
        AuthService engine = engine("");
        Session s = engine.logIn(Credentials.anonymous());
        engine.verify(s.accessToken());
        clock.advance(TokenSettings.DEFAULTS.accessTokenTtl().plus(TokenSettings.DEFAULTS.clockSkew()).minusSeconds(1));
        assertThat(engine.verify(s.accessToken()).sessionId()).isEqualTo(s.sessionId());
        clock.advance(Duration.ofSeconds(2));
        assertFails(() -> engine.verify(s.accessToken()), ErrorCode.INVALID_SESSION, "expired");
    }

    @Test
    void aRememberedTokenIsRefusedOnceItsSigningKeyIsGone() {
        AuthService engine = engine("");
        Session s = engine.logIn(Credentials.anonymous());
        engine.verify(s.accessToken());
        // Keys normally outlive their tokens; a key deleted early (an operator dropping a leaked key
        // from the shared store) must take its tokens with it once the engine re-reads the keys.
        List<StoredSigningKey> keys = store.signingKeys();
        engine.rotateSigningKey();
        for (StoredSigningKey key : keys) {
            store.deleteSigningKey(key.kid());
        }
        clock.advance(Duration.ofMinutes(2));
        engine.jwks();
        assertFails(() -> engine.verify(s.accessToken()), ErrorCode.INVALID_SESSION, "unknown key");
    }

    @Test
    void aLogOutBetweenACheckAndItsCachingLeavesNothingBehind() {
        InterleavingStore interleaving = new InterleavingStore();
        AuthService engine = Latchkey.service("app").store(interleaving).clock(clock).provider(new TestIdpProvider())
                .config("{" + PROVIDERS + "}").build();
        engines.add(engine);
        Session s = engine.logIn(Credentials.anonymous());
        // The check finds the session open; the log-out lands before the check remembers the token.
        interleaving.afterNextFindSession(() -> engine.logOut(s.refreshToken()));
        assertThat(engine.verify(s.accessToken()).sessionId()).as("it was open when looked up").isEqualTo(s.sessionId());
        assertFails(() -> engine.verify(s.accessToken()), ErrorCode.INVALID_SESSION, "session has ended");
    }

    @Test
    void aCheckRacingALogOutNeverOutlivesIt() throws Exception {
        AuthService engine = engine("");
        ExecutorService threads = Executors.newFixedThreadPool(2);
        AtomicInteger acceptedAfterLogOut = new AtomicInteger();
        AtomicInteger acceptedBefore = new AtomicInteger();
        try {
            for (int round = 0; round < 200; round++) {
                Session s = engine.logIn(Credentials.anonymous());
                AtomicBoolean loggedOut = new AtomicBoolean();
                AtomicBoolean stop = new AtomicBoolean();
                List<Future<?>> checkers = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    checkers.add(threads.submit(() -> {
                        while (!stop.get()) {
                            boolean startedAfterLogOut = loggedOut.get();
                            try {
                                engine.verify(s.accessToken());
                                (startedAfterLogOut ? acceptedAfterLogOut : acceptedBefore).incrementAndGet();
                            } catch (RuntimeException refused) {
                                // expected once the session has ended
                            }
                        }
                    }));
                }
                Thread.onSpinWait();
                engine.logOut(s.refreshToken());
                loggedOut.set(true);
                assertFails(() -> engine.verify(s.accessToken()), ErrorCode.INVALID_SESSION, "session has ended");
                for (int spin = 0; spin < 200; spin++) {
                    Thread.onSpinWait();
                }
                stop.set(true);
                for (Future<?> checker : checkers) {
                    checker.get(10, TimeUnit.SECONDS);
                }
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(acceptedAfterLogOut.get()).isZero();
        assertThat(acceptedBefore.get()).as("the checkers raced the log-outs at all").isPositive();
    }
}
