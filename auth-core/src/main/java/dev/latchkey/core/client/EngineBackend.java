package dev.latchkey.core.client;

import dev.latchkey.api.ApiKey;
import dev.latchkey.api.AuthService;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.EmailPasswordAuth;
import dev.latchkey.api.Session;
import dev.latchkey.api.UserInfo;
import java.util.List;

/**
 * The in-process engine as a client's backend. Calls that act for a user first verify its access
 * token and act on the user the token names, as the App Services API does with the user's token.
 */
final class EngineBackend implements AuthBackend {
    private final AuthService service;
    private final boolean ownsService;

    EngineBackend(AuthService service, boolean ownsService) {
        this.service = service;
        this.ownsService = ownsService;
    }

    @Override
    public String appId() {
        return service.appId();
    }

    @Override
    public EmailPasswordAuth emailPassword() {
        return service.emailPassword();
    }

    @Override
    public Session logIn(Credentials credentials, String deviceId) {
        return service.logIn(credentials, deviceId);
    }

    @Override
    public Session refresh(String refreshToken, UserInfo known) {
        return service.refresh(refreshToken);
    }

    @Override
    public void logOut(String refreshToken) {
        service.logOut(refreshToken);
    }

    @Override
    public UserInfo linkCredentials(SessionTokens tokens, Credentials credentials, UserInfo known) {
        return service.linkCredentials(tokens.accessToken(), credentials);
    }

    @Override
    public void deleteUser(SessionTokens tokens) {
        service.deleteUser(userOf(tokens));
    }

    @Override
    public void endAnonymousUser(String userId, SessionTokens tokens) {
        // In process the engine is trusted: the user goes even when its access token has expired.
        try {
            service.logOut(tokens.refreshToken());
        } finally {
            service.deleteUser(userId);
        }
    }

    @Override
    public ApiKey createApiKey(SessionTokens tokens, String name) {
        return service.apiKeys(userOf(tokens)).create(name);
    }

    @Override
    public ApiKey fetchApiKey(SessionTokens tokens, String id) {
        return service.apiKeys(userOf(tokens)).fetch(id);
    }

    @Override
    public List<ApiKey> fetchApiKeys(SessionTokens tokens) {
        return service.apiKeys(userOf(tokens)).fetchAll();
    }

    @Override
    public void enableApiKey(SessionTokens tokens, String id, boolean enabled) {
        if (enabled) {
            service.apiKeys(userOf(tokens)).enable(id);
        } else {
            service.apiKeys(userOf(tokens)).disable(id);
        }
    }

    @Override
    public void deleteApiKey(SessionTokens tokens, String id) {
        service.apiKeys(userOf(tokens)).delete(id);
    }

    @Override
    public void close() {
        if (ownsService) {
            service.close();
        }
    }

    private String userOf(SessionTokens tokens) {
        return service.verify(tokens.accessToken()).userId();
    }
}
