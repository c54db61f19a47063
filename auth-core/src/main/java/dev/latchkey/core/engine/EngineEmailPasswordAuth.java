package dev.latchkey.core.engine;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.EmailPasswordAuth;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.ProviderTypes;
import dev.latchkey.api.spi.AccountNaming;
import dev.latchkey.api.spi.CredentialProvider;
import dev.latchkey.api.spi.EmailPasswordManager;
import dev.latchkey.core.json.JsonTrees;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * {@link EmailPasswordAuth} over the enabled {@code local-userpass} provider's
 * {@link EmailPasswordManager}. The provider is looked up at each call, so a missing or disabled
 * provider fails the call (PROVIDER_NOT_FOUND / PROVIDER_DISABLED), not the lookup of this object.
 *
 * <p>Calls that can send mail or run the application's function are limited per address with
 * the log-in throttle's account limit: a caller cannot mail-bomb an address (nor keep replacing its
 * live link), and {@code callResetPasswordFunction}, which tells the function whether a password is
 * the current one, counts against the account's log-in budget like a failed log-in, so it is no
 * unthrottled password oracle. The address is counted as the provider names it, existing or not.
 */
final class EngineEmailPasswordAuth implements EmailPasswordAuth {
    private static final System.Logger LOG = System.getLogger(EngineEmailPasswordAuth.class.getName());
    /** The throttle's name for the mail budget, apart from the log-in failures of the same address. */
    static final String MAIL_BUDGET = ProviderTypes.EMAIL_PASSWORD + "/mail";
    /** Answers given before the provider did anything for the address: they do not spend its budget. */
    private static final Set<ErrorCode> REFUSED_BEFORE_ANY_WORK = Set.of(ErrorCode.INVALID_PARAMETER, ErrorCode.BAD_PASSWORD,
            ErrorCode.MALFORMED, ErrorCode.OPERATION_NOT_ALLOWED);

    private final ProviderRegistry providers;
    private final Executor executor;
    private final LogInThrottle throttle;

    EngineEmailPasswordAuth(ProviderRegistry providers, Executor executor, LogInThrottle throttle) {
        this.providers = providers;
        this.executor = executor;
        this.throttle = throttle;
    }

    @Override
    public void registerUser(String email, String password) {
        required(email, "email");
        required(password, "password");
        call(email, MAIL_BUDGET, m -> m.registerUser(email, password));
    }

    @Override
    public CompletableFuture<Void> registerUserAsync(String email, String password) {
        return Async.run(() -> registerUser(email, password), executor);
    }

    @Override
    public void confirmUser(String token, String tokenId) {
        required(token, "token");
        required(tokenId, "token id");
        call(null, null, m -> m.confirmUser(token, tokenId));
    }

    @Override
    public CompletableFuture<Void> confirmUserAsync(String token, String tokenId) {
        return Async.run(() -> confirmUser(token, tokenId), executor);
    }

    @Override
    public void resendConfirmationEmail(String email) {
        required(email, "email");
        call(email, MAIL_BUDGET, m -> m.resendConfirmationEmail(email));
    }

    @Override
    public CompletableFuture<Void> resendConfirmationEmailAsync(String email) {
        return Async.run(() -> resendConfirmationEmail(email), executor);
    }

    @Override
    public void retryCustomConfirmation(String email) {
        required(email, "email");
        call(email, MAIL_BUDGET, m -> m.retryCustomConfirmation(email));
    }

    @Override
    public CompletableFuture<Void> retryCustomConfirmationAsync(String email) {
        return Async.run(() -> retryCustomConfirmation(email), executor);
    }

    @Override
    public void sendResetPasswordEmail(String email) {
        required(email, "email");
        call(email, MAIL_BUDGET, m -> m.sendResetPasswordEmail(email));
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
        call(null, null, m -> m.resetPassword(token, tokenId, newPassword));
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
        call(email, ProviderTypes.EMAIL_PASSWORD, m -> m.callResetPasswordFunction(email, newPassword, checked));
    }

    @Override
    public CompletableFuture<Void> callResetPasswordFunctionAsync(String email, String newPassword, Object... args) {
        // Copied now: the caller may change its array after this returns.
        Object[] copy = args == null ? null : args.clone();
        return Async.run(() -> callResetPasswordFunction(email, newPassword, copy), executor);
    }

    /**
     * Runs an operation on the provider, charged to a budget of the address when {@code budget} is
     * not null (the charge stays: each such call costs one, whatever its outcome).
     */
    private void call(String email, String budget, Consumer<EmailPasswordManager> operation) {
        CredentialProvider provider = providers.enabled(ProviderTypes.EMAIL_PASSWORD);
        if (!(provider instanceof EmailPasswordManager manager)) {
            throw new AuthException(ErrorCode.CONFIGURATION, "the " + ProviderTypes.EMAIL_PASSWORD + " provider "
                    + provider.getClass().getName() + " does not implement EmailPasswordManager");
        }
        LogInThrottle.Attempt charged = budget == null ? null : charge(budget, budgetKey(provider, budget, email));
        try {
            operation.accept(manager);
            if (charged != null) {
                charged.failed();   // spent: one mail (or one function call) for the address
            }
        } catch (AuthException e) {
            if (charged != null && REFUSED_BEFORE_ANY_WORK.contains(e.code())) {
                charged.abandoned();   // bad input costs the address nothing: nobody can spend its budget with garbage
            } else if (charged != null) {
                charged.failed();
            }
            throw e;
        } catch (RuntimeException | StackOverflowError | AssertionError e) {
            if (charged != null) {
                charged.failed();
            }
            // A provider bug, or a damaged record it did not catch: never a library's message or stack trace to the caller.
            StackTraceElement[] trace = e.getStackTrace();
            LOG.log(System.Logger.Level.ERROR, "the {0} provider threw {1} at {2}; this is a bug", ProviderTypes.EMAIL_PASSWORD,
                    e.getClass().getName(), trace.length > 0 ? trace[0] : "(no stack)");
            throw new AuthException(ErrorCode.INTERNAL, "the " + ProviderTypes.EMAIL_PASSWORD + " provider failed unexpectedly ("
                    + e.getClass().getSimpleName() + ")");
        } finally {
            if (charged != null) {
                charged.abandoned();   // settles only what nothing above settled: a place is never kept for good
            }
        }
    }

    /** Counts a call against the budget, atomically, before it runs; refused when the budget is spent. */
    private LogInThrottle.Attempt charge(String budget, String key) {
        if (key == null) {
            return null;   // not an address: the provider refuses it with INVALID_PARAMETER
        }
        try {
            return throttle.begin(budget, key, null);
        } catch (AuthException e) {
            if (e.code() != ErrorCode.RATE_LIMITED || budget.equals(ProviderTypes.EMAIL_PASSWORD)) {
                throw e;
            }
            Duration wait = e.retryAfter().orElse(Duration.ofMinutes(1));
            throw AuthException.retryLater(ErrorCode.RATE_LIMITED, "too many mails asked for this address: try again in "
                    + LogInThrottle.shown(wait), wait);
        }
    }

    /**
     * The key a budget counts under. Mail goes to a mailbox, whatever the capitals: the mail budget
     * is kept per lower-cased address. The reset function shares the log-in budget, so it counts under
     * the account as the provider names it for log-ins.
     */
    private static String budgetKey(CredentialProvider provider, String budget, String email) {
        if (budget.equals(MAIL_BUDGET)) {
            String key = email.strip().toLowerCase(Locale.ROOT);
            return key.isEmpty() ? null : key;
        }
        if (!(provider instanceof AccountNaming naming)) {
            return email.strip();
        }
        try {
            return naming.accountOf(Credentials.of(ProviderTypes.EMAIL_PASSWORD, Map.of("username", email))).orElse(null);
        } catch (RuntimeException e) {
            return email.strip();
        }
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
