package dev.latchkey.core.engine;

import dev.latchkey.api.ApiKey;
import dev.latchkey.api.ApiKeyAuth;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/** {@link ApiKeyAuth} for one user, over the engine. */
final class UserApiKeys implements ApiKeyAuth {
    private final DefaultAuthService engine;
    private final String userId;
    private final Executor executor;

    UserApiKeys(DefaultAuthService engine, String userId, Executor executor) {
        this.engine = engine;
        this.userId = userId;
        this.executor = executor;
    }

    @Override
    public ApiKey create(String name) {
        return engine.createApiKey(userId, name);
    }

    @Override
    public CompletableFuture<ApiKey> createAsync(String name) {
        return async(() -> create(name));
    }

    @Override
    public ApiKey fetch(String id) {
        return engine.fetchApiKey(userId, id);
    }

    @Override
    public CompletableFuture<ApiKey> fetchAsync(String id) {
        return async(() -> fetch(id));
    }

    @Override
    public List<ApiKey> fetchAll() {
        return engine.fetchApiKeys(userId);
    }

    @Override
    public CompletableFuture<List<ApiKey>> fetchAllAsync() {
        return async(this::fetchAll);
    }

    @Override
    public void enable(String id) {
        engine.setApiKeyEnabled(userId, id, true);
    }

    @Override
    public CompletableFuture<Void> enableAsync(String id) {
        return Async.run(() -> enable(id), executor);
    }

    @Override
    public void disable(String id) {
        engine.setApiKeyEnabled(userId, id, false);
    }

    @Override
    public CompletableFuture<Void> disableAsync(String id) {
        return Async.run(() -> disable(id), executor);
    }

    @Override
    public void delete(String id) {
        engine.deleteApiKey(userId, id);
    }

    @Override
    public CompletableFuture<Void> deleteAsync(String id) {
        return Async.run(() -> delete(id), executor);
    }

    private <T> CompletableFuture<T> async(Supplier<T> call) {
        return Async.run(call, executor);
    }
}
