package dev.latchkey.core.engine;

import static dev.latchkey.core.engine.ProviderRegistryTest.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.api.ApiKey;
import dev.latchkey.api.ApiKeyAuth;
import dev.latchkey.api.AuthService;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.core.Latchkey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SECURITY.md 16 and 25 at the worst moment: a key or user revoked after its credentials were
 * checked but before its session is opened must not end up with a session.
 */
class RevocationDuringLogInTest {
    private final InterleavingStore store = new InterleavingStore();
    private AuthService service;
    private ApiKeyAuth keys;
    private ApiKey key;
    private String userId;

    @BeforeEach
    void start() {
        service = Latchkey.service("app").store(store).provider(new TestIdpProvider()).config("""
                {"providers": {"api-key": {"enabled": true}, "test-idp": {"enabled": true}}}
                """).build();
        userId = service.logIn(TestIdpProvider.credentials("ann")).user().id();
        keys = service.apiKeys(userId);
        key = keys.create("leaked");
    }

    @AfterEach
    void stop() {
        service.close();
    }

    @Test
    void aKeyDisabledDuringItsLogInOpensNoSession() {
        store.beforeNextSession(() -> keys.disable(key.id()));
        assertFails(() -> service.logIn(Credentials.apiKey(key.value())), ErrorCode.INVALID_CREDENTIALS, "disabled");
        assertThat(store.findUserByIdentity("api-key", key.id())).isPresent();
        keys.enable(key.id());
        assertThat(service.logIn(Credentials.apiKey(key.value())).user().id()).isEqualTo(userId);
    }

    @Test
    void aKeyDeletedDuringItsLogInOpensNoSession() {
        store.beforeNextSession(() -> keys.delete(key.id()));
        assertFails(() -> service.logIn(Credentials.apiKey(key.value())), ErrorCode.INVALID_CREDENTIALS, "revoked");
    }

    @Test
    void aUserDisabledOrDeletedDuringItsLogInOpensNoSession() {
        store.beforeNextSession(() -> service.disableUser(userId));
        assertFails(() -> service.logIn(TestIdpProvider.credentials("ann")), ErrorCode.USER_DISABLED);
        service.enableUser(userId);
        store.beforeNextSession(() -> service.deleteUser(userId));
        assertFails(() -> service.logIn(TestIdpProvider.credentials("ann")), ErrorCode.INVALID_CREDENTIALS, "deleted");
        assertThat(service.findUser(userId)).isEmpty();
    }
}
