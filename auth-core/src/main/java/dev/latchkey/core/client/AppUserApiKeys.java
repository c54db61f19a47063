package dev.latchkey.core.client;

import dev.latchkey.api.ApiKey;
import dev.latchkey.api.ApiKeyAuth;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A logged-in user's API keys. Each call first proves the session is still good (a valid,
 * verified access token), as the App Services API does with the user's token, then acts on the
 * user the token names.
 */
final class AppUserApiKeys implements ApiKeyAuth {
    private final AppUser user;

    AppUserApiKeys(AppUser user) {
        this.user = user;
    }

    private <T> T call(Function<ApiKeyAuth, T> operation) {
        DefaultAuthApp app = user.app();
        String userId = app.service().verify(user.validAccessToken()).userId();
        return operation.apply(app.service().apiKeys(userId));
    }

    @Override
    public ApiKey create(String name) {
        return call(keys -> keys.create(name));
    }

    @Override
    public CompletableFuture<ApiKey> createAsync(String name) {
        return user.app().async(() -> create(name));
    }

    @Override
    public ApiKey fetch(String id) {
        return call(keys -> keys.fetch(id));
    }

    @Override
    public CompletableFuture<ApiKey> fetchAsync(String id) {
        return user.app().async(() -> fetch(id));
    }

    @Override
    public List<ApiKey> fetchAll() {
        return call(ApiKeyAuth::fetchAll);
    }

    @Override
    public CompletableFuture<List<ApiKey>> fetchAllAsync() {
        return user.app().async(this::fetchAll);
    }

    @Override
    public void enable(String id) {
        call(keys -> {
            keys.enable(id);
            return null;
        });
    }

    @Override
    public CompletableFuture<Void> enableAsync(String id) {
        return user.app().asyncVoid(() -> enable(id));
    }

    @Override
    public void disable(String id) {
        call(keys -> {
            keys.disable(id);
            return null;
        });
    }

    @Override
    public CompletableFuture<Void> disableAsync(String id) {
        return user.app().asyncVoid(() -> disable(id));
    }

    @Override
    public void delete(String id) {
        call(keys -> {
            keys.delete(id);
            return null;
        });
    }

    @Override
    public CompletableFuture<Void> deleteAsync(String id) {
        return user.app().asyncVoid(() -> delete(id));
    }
}
