package dev.latchkey.provider.email;

import com.google.auto.service.AutoService;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Identity;
import dev.latchkey.api.Profile;
import dev.latchkey.api.ProviderTypes;
import dev.latchkey.api.spi.AccountNaming;
import dev.latchkey.api.spi.CredentialProvider;
import dev.latchkey.api.spi.EmailPasswordManager;
import dev.latchkey.api.spi.ProviderContext;
import dev.latchkey.api.spi.ProviderStore;
import dev.latchkey.provider.email.Accounts.Account;
import dev.latchkey.provider.email.EmailPasswordSettings.Confirmation;
import dev.latchkey.provider.email.EmailPasswordSettings.Reset;
import dev.latchkey.provider.email.PendingTokens.Issued;
import dev.latchkey.provider.email.PendingTokens.Purpose;
import dev.latchkey.provider.email.PendingTokens.Redeemed;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The {@code local-userpass} provider: accounts named by an email address with an Argon2id
 * password hash, kept in the provider's own store; registration with confirmation (automatic,
 * by a mailed link, or by the application's function); password reset (by a mailed link or the
 * application's function). Behaviour follows App Services' email/password provider; the
 * provider's README says where it goes further.
 *
 * <p>A log-in never tells an unknown address from a wrong password: both answer
 * INVALID_CREDENTIALS "invalid username/password" after the same Argon2id work. An account that
 * is not confirmed answers USER_NOT_CONFIRMED only to the right password, and not at all under
 * enumeration protection.
 */
@AutoService(CredentialProvider.class)
public final class EmailPasswordProvider implements CredentialProvider, EmailPasswordManager, AccountNaming {
    private static final System.Logger LOG = System.getLogger(EmailPasswordProvider.class.getName());
    private static final String WRONG = "invalid username/password";
    /** Longer messages from an application's function are cut: they go into errors and logs. */
    private static final int MAX_FUNCTION_MESSAGE = 200;
    /** Account ids (the identities' subjects) are 128 random bits in hex. */
    private static final Pattern ACCOUNT_ID = Pattern.compile("[0-9a-f]{32}");

    private final Accounts accounts = new Accounts();
    private volatile Started started;

    /** Everything start() reads and makes, so a half-started provider is never seen. */
    private record Started(EmailPasswordSettings settings, ProviderContext context, ProviderStore store, Clock clock,
                           SecureRandom random, PasswordHasher hasher, PasswordPolicy policy, CommonPasswords common,
                           EmailAddresses addresses, PendingTokens tokens, AccountMail mail,
                           Optional<ConfirmationFunction> confirmationFunction, Optional<ResetFunction> resetFunction,
                           AfterAnswerWork background) {
    }

    /** Made by ServiceLoader. */
    public EmailPasswordProvider() {
    }

    @Override
    public String type() {
        return ProviderTypes.EMAIL_PASSWORD;
    }

    @Override
    public void start(ProviderContext context) {
        EmailPasswordSettings settings = context.settings(EmailPasswordSettings.class);
        SecureRandom random = context.service(SecureRandom.class);
        Optional<ConfirmationFunction> confirm = Optional.empty();
        if (settings.confirmation() == Confirmation.FUNCTION) {
            confirm = Optional.of(requiredFunction(context, ConfirmationFunction.class, "runConfirmationFunction"));
        }
        Optional<ResetFunction> reset = Optional.empty();
        if (settings.reset() == Reset.FUNCTION) {
            reset = Optional.of(requiredFunction(context, ResetFunction.class, "runResetFunction"));
        }
        AccountMail mail = settings.sendsMail() ? SmtpAccountMail.start(context, settings) : AccountMail.NONE;
        Argon2Engines.Choice argon2 = Argon2Engines.choose(settings.passwordHashing().engine());
        LOG.log(System.Logger.Level.INFO, "providers.{0}: Argon2id by {1}: {2}", type(), argon2.engine().description(), argon2.reason());
        PasswordHasher hasher = new PasswordHasher(argon2.engine(), settings.passwordHashing().parameters(), random);
        if (hasher.belowOwasp()) {
            LOG.log(System.Logger.Level.WARNING, "providers.{0}.passwordHashing is below OWASP''s Argon2id recommendation"
                    + " (m=19456 KiB, t=2): fine for tests, too weak for real passwords", type());
        }
        this.started = new Started(settings, context, context.store(), context.clock(), random, hasher,
                new PasswordPolicy(settings.minPasswordLength()),
                settings.rejectCommonPasswords() ? CommonPasswords.bundled() : CommonPasswords.NONE,
                new EmailAddresses(settings.caseInsensitiveEmails()), new PendingTokens(context.clock(), random), mail,
                confirm, reset, new AfterAnswerWork(context.service(ExecutorService.class), AfterAnswerWork.MAX_RUNNING,
                        AfterAnswerWork.MAX_PENDING));
    }

    private static <T> T requiredFunction(ProviderContext context, Class<T> type, String setting) {
        return context.optionalService(type).orElseThrow(() -> new AuthException(ErrorCode.CONFIGURATION,
                "providers." + ProviderTypes.EMAIL_PASSWORD + ": \"" + setting + "\" is on, but the application registered no "
                        + type.getSimpleName() + ": add .service(" + type.getSimpleName() + ".class, ...) to the builder"));
    }

    // ------------------------------------------------------------------------------------------
    // Log-in
    // ------------------------------------------------------------------------------------------

    @Override
    public Identity authenticate(Credentials credentials) {
        Started s = started();
        if (!type().equals(credentials.providerType())) {
            throw new AuthException(ErrorCode.MALFORMED, "these are " + credentials.providerType() + " credentials; this provider takes "
                    + type() + " credentials: Credentials.emailPassword(email, password)");
        }
        String username = field(credentials, "username");
        String password = field(credentials, "password");
        Optional<String> email = normalized(s, username);
        if (email.isEmpty() || !PasswordPolicy.fitsMaximum(password)) {
            // Not an address, or longer than any password: no account can match. The answer is
            // the one for a wrong password; hashing a megabyte would only be a gift to an attacker.
            throw new AuthException(ErrorCode.INVALID_CREDENTIALS, WRONG);
        }
        Optional<Accounts.Stored> stored = accounts.find(s.store(), email.get());
        if (stored.isEmpty()) {
            accounts.readDummy();
            s.hasher().burn(password);
            throw new AuthException(ErrorCode.INVALID_CREDENTIALS, WRONG);
        }
        Account account = stored.get().account();
        PasswordHasher.Verdict verdict = s.hasher().verify(password, account.hash());
        switch (verdict) {
            case WRONG -> throw new AuthException(ErrorCode.INVALID_CREDENTIALS, WRONG);
            case UNREADABLE_HASH -> {
                LOG.log(System.Logger.Level.ERROR, "the password hash of email/password account {0} cannot be read;"
                        + " the account cannot log in until its password is reset", account.id());
                throw new AuthException(ErrorCode.INVALID_CREDENTIALS, WRONG);
            }
            case RIGHT_BUT_OUTDATED -> upgradeHash(s, stored.get(), password);
            case RIGHT -> {
            }
        }
        if (!account.confirmed() && s.settings().enumerationProtection()) {
            // Anyone can register an address and log in with the password they chose: telling them
            // "not confirmed" for a new address but "wrong password" for a taken one would undo the protection.
            throw new AuthException(ErrorCode.INVALID_CREDENTIALS, WRONG);
        }
        if (!account.confirmed()) {
            throw new AuthException(ErrorCode.USER_NOT_CONFIRMED, "confirm the email address before logging in:"
                    + " follow the link in the confirmation mail, or ask for a new one");
        }
        return new Identity(type(), account.id(), Profile.builder().email(account.email()).build());
    }

    /** A right password whose hash has old parameters gets a new hash; losing a race to another write is fine. */
    private void upgradeHash(Started s, Accounts.Stored stored, String password) {
        if (!accounts.replace(s.store(), stored, stored.account().withHash(s.hasher().hash(password)))) {
            LOG.log(System.Logger.Level.DEBUG, "an outdated hash was changed by another write first; upgraded next time");
        }
    }

    @Override
    public Optional<String> accountOf(Credentials credentials) {
        Started s = started;
        if (s == null) {
            return Optional.empty();
        }
        return credentials.stringField("username").flatMap(u -> normalized(s, u));
    }

    @Override
    public void identityRemoved(String subject) {
        Started s = started();
        if (subject == null || !ACCOUNT_ID.matcher(subject).matches()) {
            return;   // not an id this provider issued
        }
        s.store().transaction(tx -> {
            for (ProviderStore.Document d : tx.findByIndex(Accounts.idIndex(subject))) {
                Account account = accounts.read(d);
                tx.delete(d.key());
                s.tokens().dropAll(tx, account.email());
            }
            return null;
        });
    }

    // ------------------------------------------------------------------------------------------
    // Registration and confirmation
    // ------------------------------------------------------------------------------------------

    @Override
    public void registerUser(String email, String password) {
        Started s = started();
        String address = s.addresses().normalize(email);
        checkPassword(s, password);
        // Hashed before looking the address up, so a taken address answers in the time of a new one.
        String hash = s.hasher().hash(password);
        if (s.settings().enumerationProtection()) {
            // What depends on the address having an account happens after the answer.
            afterAnswer(s, "registration", () -> registerProtected(s, address, hash));
            return;
        }
        if (accounts.find(s.store(), address).isPresent()) {
            throw addressTaken();
        }
        switch (s.settings().confirmation()) {
            case AUTOMATIC -> {
                if (!create(s, newAccount(s, address, hash, true))) {
                    throw addressTaken();
                }
            }
            case EMAIL -> {
                Account account = newAccount(s, address, hash, false);
                Optional<Issued> issued = s.store().transaction(tx -> {
                    if (accounts.find(tx, address).isPresent()) {
                        return Optional.<Issued>empty();
                    }
                    accounts.put(tx, account);
                    return Optional.of(s.tokens().issue(tx, Purpose.CONFIRM, address));
                });
                s.mail().confirmation(address, link(s.settings().emailConfirmationUrl(),
                        issued.orElseThrow(EmailPasswordProvider::addressTaken)));
            }
            case FUNCTION -> registerThroughFunction(s, address, hash);
        }
    }

    /**
     * Registration under enumeration protection (confirmation is by mail then): a new address gets
     * an account and a link; an address that has an account, confirmed or not, keeps it untouched
     * and its owner gets a notice. Replacing a pending account's password would let a stranger
     * register over the owner's pending registration; leaving it alone lets the owner of an address
     * someone else registered first take it back by resetting the password (a reset by mailed link
     * also confirms the address).
     */
    private void registerProtected(Started s, String address, String hash) {
        Account fresh = newAccount(s, address, hash, false);
        Optional<Issued> issued = s.store().transaction(tx -> {
            if (accounts.find(tx, address).isPresent()) {
                return Optional.<Issued>empty();
            }
            accounts.put(tx, fresh);
            return Optional.of(s.tokens().issue(tx, Purpose.CONFIRM, address));
        });
        if (issued.isPresent()) {
            s.mail().confirmation(address, link(s.settings().emailConfirmationUrl(), issued.get()));
        } else {
            s.mail().accountExists(address);
        }
    }

    private void registerThroughFunction(Started s, String address, String hash) {
        Issued issued = s.store().transaction(tx -> s.tokens().issue(tx, Purpose.CONFIRM, address));
        FunctionResult result = runConfirmation(s, address, issued);
        if (result.status() == FunctionResult.Status.FAIL) {
            revoke(s, issued);
            throw refused("confirmation", result);
        }
        boolean confirmed = result.status() == FunctionResult.Status.SUCCESS;
        Account account = newAccount(s, address, hash, confirmed);
        boolean created = s.store().transaction(tx -> {
            if (accounts.find(tx, address).isPresent()) {
                return false;
            }
            accounts.put(tx, account);
            if (confirmed) {
                s.tokens().revoke(tx, issued.tokenId());
            }
            return true;
        });
        if (!created) {
            revoke(s, issued);
            throw addressTaken();
        }
    }

    @Override
    public void confirmUser(String token, String tokenId) {
        Started s = started();
        ConfirmOutcome outcome = s.store().transaction(tx -> {
            Optional<Redeemed> redeemed = s.tokens().redeem(tx, Purpose.CONFIRM, token, tokenId);
            if (redeemed.isEmpty()) {
                return ConfirmOutcome.INVALID;
            }
            Optional<Account> account = accounts.find(tx, redeemed.get().email());
            if (account.isEmpty()) {
                return ConfirmOutcome.INVALID;
            }
            if (account.get().confirmed()) {
                return ConfirmOutcome.ALREADY_CONFIRMED;
            }
            if (!redeemed.get().firstUse()) {
                return ConfirmOutcome.INVALID;
            }
            accounts.put(tx, account.get().confirmedNow());
            return ConfirmOutcome.CONFIRMED;
        });
        switch (outcome) {
            case INVALID -> throw PendingTokens.invalid();
            case ALREADY_CONFIRMED -> throw alreadyConfirmed();
            case CONFIRMED -> {
            }
        }
    }

    private enum ConfirmOutcome { CONFIRMED, ALREADY_CONFIRMED, INVALID }

    @Override
    public void resendConfirmationEmail(String email) {
        Started s = started();
        requireMode(s.settings().confirmation() == Confirmation.EMAIL, "confirmation is not by email here: resendConfirmationEmail"
                + " needs an \"emailConfirmationUrl\" in the provider's settings");
        String address = s.addresses().normalize(email);
        Runnable resend = () -> issueForUnconfirmed(s, address)
                .ifPresent(i -> s.mail().confirmation(address, link(s.settings().emailConfirmationUrl(), i)));
        if (s.settings().enumerationProtection()) {
            afterAnswer(s, "confirmation mail", resend);
        } else {
            resend.run();
        }
    }

    @Override
    public void retryCustomConfirmation(String email) {
        Started s = started();
        requireMode(s.settings().confirmation() == Confirmation.FUNCTION, "confirmation is not by function here:"
                + " retryCustomConfirmation needs \"runConfirmationFunction\": true in the provider's settings");
        String address = s.addresses().normalize(email);
        Optional<Issued> issued = issueForUnconfirmed(s, address);
        if (issued.isEmpty()) {
            return;
        }
        FunctionResult result = runConfirmation(s, address, issued.get());
        switch (result.status()) {
            case SUCCESS -> s.store().transaction(tx -> {
                // Only with the token this run issued: a newer run may have replaced it.
                s.tokens().redeem(tx, Purpose.CONFIRM, issued.get().token(), issued.get().tokenId())
                        .filter(Redeemed::firstUse)
                        .flatMap(r -> accounts.find(tx, r.email()))
                        .ifPresent(a -> accounts.put(tx, a.confirmedNow()));
                return null;
            });
            case PENDING -> {
            }
            case FAIL -> {
                revoke(s, issued.get());
                throw refused("confirmation", result);
            }
        }
    }

    /**
     * A new confirmation token for an account that exists and is not confirmed; otherwise the
     * error, or nothing at all under enumeration protection.
     */
    private Optional<Issued> issueForUnconfirmed(Started s, String address) {
        record Outcome(Issued issued, ErrorCode refusal) {
        }
        Outcome outcome = s.store().transaction(tx -> {
            Optional<Account> account = accounts.find(tx, address);
            if (account.isEmpty()) {
                return new Outcome(null, ErrorCode.USER_NOT_FOUND);
            }
            if (account.get().confirmed()) {
                return new Outcome(null, ErrorCode.USER_ALREADY_CONFIRMED);
            }
            return new Outcome(s.tokens().issue(tx, Purpose.CONFIRM, address), null);
        });
        if (outcome.refusal() == null) {
            return Optional.of(outcome.issued());
        }
        if (s.settings().enumerationProtection()) {
            return Optional.empty();
        }
        throw outcome.refusal() == ErrorCode.USER_NOT_FOUND ? noSuchAccount() : alreadyConfirmed();
    }

    // ------------------------------------------------------------------------------------------
    // Password reset
    // ------------------------------------------------------------------------------------------

    @Override
    public void sendResetPasswordEmail(String email) {
        Started s = started();
        requireMode(s.settings().reset() == Reset.EMAIL, "password reset is not by email here: sendResetPasswordEmail needs a"
                + " \"resetPasswordUrl\" in the provider's settings");
        String address = s.addresses().normalize(email);
        if (s.settings().enumerationProtection()) {
            afterAnswer(s, "reset mail", () -> issueReset(s, address)
                    .ifPresent(i -> s.mail().reset(address, link(s.settings().resetPasswordUrl(), i))));
            return;
        }
        Issued issued = issueReset(s, address).orElseThrow(EmailPasswordProvider::noSuchAccount);
        s.mail().reset(address, link(s.settings().resetPasswordUrl(), issued));
    }

    private Optional<Issued> issueReset(Started s, String address) {
        return s.store().transaction(tx -> accounts.find(tx, address).isEmpty() ? Optional.<Issued>empty()
                : Optional.of(s.tokens().issue(tx, Purpose.RESET, address)));
    }

    @Override
    public void resetPassword(String token, String tokenId, String newPassword) {
        Started s = started();
        // The password first: a refused password must leave the token usable for a better one.
        checkPassword(s, newPassword);
        // Then a cheap look at the token: a made-up one must not buy an Argon2id hash.
        if (!s.tokens().isLive(s.store(), Purpose.RESET, token, tokenId)) {
            throw PendingTokens.invalid();
        }
        applyReset(s, token, tokenId, s.hasher().hash(newPassword));
    }

    /** Spends the reset token and sets the hash in one transaction; then ends the account's sessions. */
    private void applyReset(Started s, String token, String tokenId, String hash) {
        Optional<Account> changed = s.store().transaction(tx -> {
            Optional<Redeemed> redeemed = s.tokens().redeem(tx, Purpose.RESET, token, tokenId);
            if (redeemed.isEmpty()) {
                return Optional.<Account>empty();
            }
            // A mailed reset link proves the mailbox as well as a confirmation link does: where addresses
            // are confirmed by mail, the account is confirmed too. (Not where a function confirms: it may
            // stand for an approval that a mailbox proves nothing about.)
            boolean provesMailbox = s.settings().reset() == Reset.EMAIL && s.settings().confirmation() == Confirmation.EMAIL;
            Optional<Account> account = accounts.find(tx, redeemed.get().email())
                    .map(a -> provesMailbox ? a.withHash(hash).confirmedNow() : a.withHash(hash));
            account.ifPresent(a -> {
                accounts.put(tx, a);
                s.tokens().dropAll(tx, a.email());
            });
            return account;
        });
        Account account = changed.orElseThrow(PendingTokens::invalid);
        // Whoever knew the old password may hold sessions: they end with it.
        s.context().endSessions(account.id());
        s.mail().passwordChanged(account.email());
    }

    @Override
    public void callResetPasswordFunction(String email, String newPassword, List<Object> args) {
        Started s = started();
        requireMode(s.settings().reset() == Reset.FUNCTION, "password reset is not by function here: callResetPasswordFunction"
                + " needs \"runResetFunction\": true in the provider's settings");
        String address = s.addresses().normalize(email);
        checkPassword(s, newPassword);
        Optional<Accounts.Stored> stored = accounts.find(s.store(), address);
        if (stored.isEmpty()) {
            throw noSuchAccount();
        }
        PasswordHasher.Verdict current = s.hasher().verify(newPassword, stored.get().account().hash());
        boolean currentPasswordValid = current == PasswordHasher.Verdict.RIGHT || current == PasswordHasher.Verdict.RIGHT_BUT_OUTDATED;
        Issued issued = s.store().transaction(tx -> s.tokens().issue(tx, Purpose.RESET, address));
        FunctionResult result = callFunction("reset", () -> s.resetFunction().orElseThrow()
                .reset(new ResetRequest(address, issued.token(), issued.tokenId(), newPassword, currentPasswordValid, args)));
        switch (result.status()) {
            case SUCCESS -> applyReset(s, issued.token(), issued.tokenId(), s.hasher().hash(newPassword));
            case PENDING -> {
            }
            case FAIL -> {
                revoke(s, issued);
                throw refused("reset", result);
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // Helpers
    // ------------------------------------------------------------------------------------------

    /**
     * How many Argon2id computations this provider has run, for tests that prove the work done.
     *
     * @return the count
     */
    long hashComputations() {
        return started().hasher().computations();
    }

    private Started started() {
        Started s = started;
        if (s == null) {
            throw new AuthException(ErrorCode.INTERNAL, "the " + ProviderTypes.EMAIL_PASSWORD + " provider was not started");
        }
        return s;
    }

    private static String field(Credentials credentials, String name) {
        return credentials.stringField(name).orElseThrow(() -> new AuthException(ErrorCode.MALFORMED,
                ProviderTypes.EMAIL_PASSWORD + " credentials need the string fields \"username\" and \"password\""));
    }

    private static Optional<String> normalized(Started s, String username) {
        try {
            return Optional.of(s.addresses().normalize(username));
        } catch (AuthException e) {
            return Optional.empty();
        }
    }

    private static void checkPassword(Started s, String password) {
        s.policy().check(password);
        if (s.common().contains(password)) {
            throw new AuthException(ErrorCode.BAD_PASSWORD, "this password is one of the most common ones: choose another");
        }
    }

    private Account newAccount(Started s, String address, String hash, boolean confirmed) {
        byte[] id = new byte[16];
        s.random().nextBytes(id);
        return new Account(HexFormat.of().formatHex(id), address, hash, confirmed, s.clock().instant().toString());
    }

    private boolean create(Started s, Account account) {
        return s.store().transaction(tx -> {
            if (accounts.find(tx, account.email()).isPresent()) {
                return false;
            }
            accounts.put(tx, account);
            return true;
        });
    }

    private static AuthException addressTaken() {
        return new AuthException(ErrorCode.ACCOUNT_NAME_IN_USE, "an account with this email address exists already:"
                + " log in, or reset the password");
    }

    /**
     * Work whose effects would tell whether an address has an account: under enumeration protection
     * it runs on the engine's threads after the caller has its answer, so neither the answer nor its
     * time depends on it. Bounded and logged by {@link AfterAnswerWork}.
     */
    private static void afterAnswer(Started s, String what, Runnable work) {
        s.background().submit(what, work);
    }

    private static FunctionResult runConfirmation(Started s, String address, Issued issued) {
        return callFunction("confirmation", () -> s.confirmationFunction().orElseThrow()
                .confirm(new ConfirmationRequest(address, issued.token(), issued.tokenId())));
    }

    /** Calls an application function; whatever goes wrong in it is a FAIL with its message, never its stack trace. */
    private static FunctionResult callFunction(String which, Supplier<FunctionResult> call) {
        FunctionResult result;
        try {
            result = call.get();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "the {0} function threw {1}", which, e.getClass().getName());
            return FunctionResult.fail(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
        return result == null ? FunctionResult.fail("the function returned no result") : result;
    }

    private static AuthException refused(String which, FunctionResult result) {
        String message = result.message() == null || result.message().isBlank() ? "no reason given" : oneLine(result.message());
        return new AuthException(ErrorCode.FUNCTION_EXECUTION, "the " + which + " function refused: " + message);
    }

    private static String oneLine(String text) {
        String flat = text.replaceAll("[\\r\\n\\t\\x00]+", " ").strip();
        return flat.length() <= MAX_FUNCTION_MESSAGE ? flat : flat.substring(0, MAX_FUNCTION_MESSAGE) + "...";
    }

    private static void revoke(Started s, Issued issued) {
        s.store().transaction(tx -> {
            s.tokens().revoke(tx, issued.tokenId());
            return null;
        });
    }

    private static void requireMode(boolean enabled, String message) {
        if (!enabled) {
            throw new AuthException(ErrorCode.OPERATION_NOT_ALLOWED, message);
        }
    }

    private static AuthException noSuchAccount() {
        return new AuthException(ErrorCode.USER_NOT_FOUND, "no account has this email address");
    }

    private static AuthException alreadyConfirmed() {
        return new AuthException(ErrorCode.USER_ALREADY_CONFIRMED, "this account is confirmed already: log in");
    }

    /** The link base with {@code token} and {@code tokenId} added to its query, as App Services sends them. */
    static String link(String base, Issued issued) {
        return base + (base.contains("?") ? "&" : "?") + "token=" + URLEncoder.encode(issued.token(), StandardCharsets.UTF_8)
                + "&tokenId=" + URLEncoder.encode(issued.tokenId(), StandardCharsets.UTF_8);
    }
}
