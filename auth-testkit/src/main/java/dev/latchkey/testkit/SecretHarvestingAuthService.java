package dev.latchkey.testkit;

import dev.latchkey.api.ApiKey;
import dev.latchkey.api.ApiKeyAuth;
import dev.latchkey.api.AuthService;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.EmailPasswordAuth;
import dev.latchkey.api.Session;
import dev.latchkey.api.UserInfo;
import dev.latchkey.api.UserPage;
import dev.latchkey.api.VerifiedToken;
import dev.latchkey.testkit.log.TestSecrets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The engine as {@link EngineHarness} hands it out: every call goes to the real engine, and every
 * secret the engine issues on the way — access and refresh tokens of each session, API key values
 * — is registered with {@link TestSecrets}, so the build-wide secret scan looks for them in every
 * log line and message that follows. Tokens are the secrets tests handle most, and only the
 * engine knows them; clients made by the harness go through this wrapper too.
 */
final class SecretHarvestingAuthService implements AuthService {
    private final AuthService engine;

    SecretHarvestingAuthService(AuthService engine) {
        this.engine = engine;
    }

    private static Session harvest(Session session) {
        if (session != null) {
            TestSecrets.register("an access token the engine issued", session.accessToken());
            TestSecrets.register("a refresh token the engine issued", session.refreshToken());
        }
        return session;
    }

    private static ApiKey harvest(ApiKey key) {
        if (key != null && key.value() != null) {
            TestSecrets.register("an API key the engine issued", key.value());
        }
        return key;
    }

    @Override
    public String appId() {
        return engine.appId();
    }

    @Override
    public Session logIn(Credentials credentials) {
        return harvest(engine.logIn(credentials));
    }

    @Override
    public Session logIn(Credentials credentials, String deviceId) {
        return harvest(engine.logIn(credentials, deviceId));
    }

    @Override
    public Session logIn(Credentials credentials, String deviceId, String source) {
        return harvest(engine.logIn(credentials, deviceId, source));
    }

    @Override
    public EmailPasswordAuth emailPassword() {
        return engine.emailPassword();
    }

    @Override
    public UserInfo linkCredentials(String accessToken, Credentials credentials) {
        return engine.linkCredentials(accessToken, credentials);
    }

    @Override
    public Session refresh(String refreshToken) {
        return harvest(engine.refresh(refreshToken));
    }

    @Override
    public void logOut(String refreshToken) {
        engine.logOut(refreshToken);
    }

    @Override
    public VerifiedToken verify(String accessToken) {
        return engine.verify(accessToken);
    }

    @Override
    public String jwks() {
        return engine.jwks();
    }

    @Override
    public void rotateSigningKey() {
        engine.rotateSigningKey();
    }

    @Override
    public Optional<UserInfo> findUser(String userId) {
        return engine.findUser(userId);
    }

    @Override
    public Optional<UserInfo> findUserByIdentity(String providerType, String subject) {
        return engine.findUserByIdentity(providerType, subject);
    }

    @Override
    public UserPage listUsers(String afterUserId, int limit) {
        return engine.listUsers(afterUserId, limit);
    }

    @Override
    public void deleteUser(String userId) {
        engine.deleteUser(userId);
    }

    @Override
    public void disableUser(String userId) {
        engine.disableUser(userId);
    }

    @Override
    public void enableUser(String userId) {
        engine.enableUser(userId);
    }

    @Override
    public int revokeSessions(String userId) {
        return engine.revokeSessions(userId);
    }

    @Override
    public void setCustomData(String userId, Map<String, ?> customData) {
        engine.setCustomData(userId, customData);
    }

    @Override
    public ApiKeyAuth apiKeys(String userId) {
        return new HarvestingApiKeys(engine.apiKeys(userId));
    }

    @Override
    public ApiKey createServerApiKey(String name) {
        return harvest(engine.createServerApiKey(name));
    }

    @Override
    public void close() {
        engine.close();
    }

    @Override
    public String toString() {
        return engine.toString();
    }

    /** A user's API keys, registering each new key's value. */
    private static final class HarvestingApiKeys implements ApiKeyAuth {
        private final ApiKeyAuth keys;

        HarvestingApiKeys(ApiKeyAuth keys) {
            this.keys = keys;
        }

        @Override
        public ApiKey create(String name) {
            return harvest(keys.create(name));
        }

        @Override
        public CompletableFuture<ApiKey> createAsync(String name) {
            return keys.createAsync(name).thenApply(SecretHarvestingAuthService::harvest);
        }

        @Override
        public ApiKey fetch(String id) {
            return keys.fetch(id);
        }

        @Override
        public CompletableFuture<ApiKey> fetchAsync(String id) {
            return keys.fetchAsync(id);
        }

        @Override
        public List<ApiKey> fetchAll() {
            return keys.fetchAll();
        }

        @Override
        public CompletableFuture<List<ApiKey>> fetchAllAsync() {
            return keys.fetchAllAsync();
        }

        @Override
        public void enable(String id) {
            keys.enable(id);
        }

        @Override
        public CompletableFuture<Void> enableAsync(String id) {
            return keys.enableAsync(id);
        }

        @Override
        public void disable(String id) {
            keys.disable(id);
        }

        @Override
        public CompletableFuture<Void> disableAsync(String id) {
            return keys.disableAsync(id);
        }

        @Override
        public void delete(String id) {
            keys.delete(id);
        }

        @Override
        public CompletableFuture<Void> deleteAsync(String id) {
            return keys.deleteAsync(id);
        }
    }
}
