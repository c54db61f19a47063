package dev.latchkey.core.engine;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.EmailPasswordAuth;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.ProviderTypes;
import dev.latchkey.api.spi.CredentialProvider;
import dev.latchkey.api.spi.EmailPasswordManager;
import dev.latchkey.core.json.JsonTrees;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * {@link EmailPasswordAuth} over the enabled {@code local-userpass} provider's
 * {@link EmailPasswordManager}. The provider is looked up at each call, so a missing or disabled
 * provider fails the call (PROVIDER_NOT_FOUND / PROVIDER_DISABLED), not the lookup of this object.
 */
final class EngineEmailPasswordAuth implements EmailPasswordAuth {
    private final ProviderRegistry providers;
    private final Executor executor;

    EngineEmailPasswordAuth(ProviderRegistry providers, Executor executor) {
        this.providers = providers;
        this.executor = executor;
    }

    @Override
    public void registerUser(String email, String password) {
        required(email, "email");
        required(password, "password");
        call(m -> m.registerUser(email, password));
    }

    @Override
    public CompletableFuture<Void> registerUserAsync(String email, String password) {
        return Async.run(() -> registerUser(email, password), executor);
    }

    @Override
    public void confirmUser(String token, String tokenId) {
        required(token, "token");
        required(tokenId, "token id");
        call(m -> m.confirmUser(token, tokenId));
    }

    @Override
    public CompletableFuture<Void> confirmUserAsync(String token, String tokenId) {
        return Async.run(() -> confirmUser(token, tokenId), executor);
    }

    @Override
    public void resendConfirmationEmail(String email) {
        required(email, "email");
        call(m -> m.resendConfirmationEmail(email));
    }

    @Override
    public CompletableFuture<Void> resendConfirmationEmailAsync(String email) {
        return Async.run(() -> resendConfirmationEmail(email), executor);
    }

    @Override
    public void retryCustomConfirmation(String email) {
        required(email, "email");
        call(m -> m.retryCustomConfirmation(email));
    }

    @Override
    public CompletableFuture<Void> retryCustomConfirmationAsync(String email) {
        return Async.run(() -> retryCustomConfirmation(email), executor);
    }

    @Override
    public void sendResetPasswordEmail(String email) {
        required(email, "email");
        call(m -> m.sendResetPasswordEmail(email));
    }

    @Override
    public CompletableFuture<Void> sendResetPasswordEmailAsync(String email) {
        return Async.run(() -> sendResetPasswordEmail(email), executor);
    }

    @Override
    public void resetPassword(String token, String tokenId, String newPassword) {
        required(token, "token");
        required(tokenId, "token id");
        required(newPassword, "new password");
        call(m -> m.resetPassword(token, tokenId, newPassword));
    }

    @Override
    public CompletableFuture<Void> resetPasswordAsync(String token, String tokenId, String newPassword) {
        return Async.run(() -> resetPassword(token, tokenId, newPassword), executor);
    }

    @Override
    public void callResetPasswordFunction(String email, String newPassword, Object... args) {
        required(email, "email");
        required(newPassword, "new password");
        List<Object> checked = jsonArguments(args);
        call(m -> m.callResetPasswordFunction(email, newPassword, checked));
    }

    @Override
    public CompletableFuture<Void> callResetPasswordFunctionAsync(String email, String newPassword, Object... args) {
        // Copied now: the caller may change its array after this returns.
        Object[] copy = args == null ? null : args.clone();
        return Async.run(() -> callResetPasswordFunction(email, newPassword, copy), executor);
    }

    private void call(Consumer<EmailPasswordManager> operation) {
        CredentialProvider provider = providers.enabled(ProviderTypes.EMAIL_PASSWORD);
        if (!(provider instanceof EmailPasswordManager manager)) {
            throw new AuthException(ErrorCode.CONFIGURATION, "the " + ProviderTypes.EMAIL_PASSWORD + " provider "
                    + provider.getClass().getName() + " does not implement EmailPasswordManager");
        }
        operation.accept(manager);
    }

    /** The function's arguments as unmodifiable JSON values, so the provider never sees a live object of the caller's. */
    private static List<Object> jsonArguments(Object[] args) {
        if (args == null) {
            return List.of();
        }
        try {
            Object normalized = JsonTrees.toJava(JsonTrees.toJson(Arrays.asList(args)));
            @SuppressWarnings("unchecked")
            List<Object> list = (List<Object>) normalized;
            return list;
        } catch (IllegalArgumentException e) {
            throw new AuthException(ErrorCode.MALFORMED, "the reset function's arguments must be JSON values: " + e.getMessage());
        }
    }

    private static void required(String value, String what) {
        if (value == null) {
            throw new AuthException(ErrorCode.INVALID_PARAMETER, "the " + what + " must not be null");
        }
    }
}
