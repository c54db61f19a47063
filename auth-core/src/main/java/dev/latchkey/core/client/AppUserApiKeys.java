package dev.latchkey.core.client;

import dev.latchkey.api.ApiKey;
import dev.latchkey.api.ApiKeyAuth;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/**
 * A logged-in user's API keys. Each call goes to the backend with the user's session tokens
 * (refreshed first when stale, and once more if the server refuses them), as the App Services API
 * does with the user's token, and acts on the user they name.
 */
final class AppUserApiKeys implements ApiKeyAuth {
    private final AppUser user;

    AppUserApiKeys(AppUser user) {
        this.user = user;
    }

    private <T> T call(BiFunction<AuthBackend, SessionTokens, T> operation) {
        DefaultAuthApp app = user.app();
        return app.withSession(user, tokens -> operation.apply(app.backend(), tokens));
    }

    @Override
    public ApiKey create(String name) {
        return call((backend, tokens) -> backend.createApiKey(tokens, name));
    }

    @Override
    public CompletableFuture<ApiKey> createAsync(String name) {
        return user.app().async(() -> create(name));
    }

    @Override
    public ApiKey fetch(String id) {
        return call((backend, tokens) -> backend.fetchApiKey(tokens, id));
    }

    @Override
    public CompletableFuture<ApiKey> fetchAsync(String id) {
        return user.app().async(() -> fetch(id));
    }

    @Override
    public List<ApiKey> fetchAll() {
        return call(AuthBackend::fetchApiKeys);
    }

    @Override
    public CompletableFuture<List<ApiKey>> fetchAllAsync() {
        return user.app().async(this::fetchAll);
    }

    @Override
    public void enable(String id) {
        call((backend, tokens) -> {
            backend.enableApiKey(tokens, id, true);
            return null;
        });
    }

    @Override
    public CompletableFuture<Void> enableAsync(String id) {
        return user.app().asyncVoid(() -> enable(id));
    }

    @Override
    public void disable(String id) {
        call((backend, tokens) -> {
            backend.enableApiKey(tokens, id, false);
            return null;
        });
    }

    @Override
    public CompletableFuture<Void> disableAsync(String id) {
        return user.app().asyncVoid(() -> disable(id));
    }

    @Override
    public void delete(String id) {
        call((backend, tokens) -> {
            backend.deleteApiKey(tokens, id);
            return null;
        });
    }

    @Override
    public CompletableFuture<Void> deleteAsync(String id) {
        return user.app().asyncVoid(() -> delete(id));
    }
}
