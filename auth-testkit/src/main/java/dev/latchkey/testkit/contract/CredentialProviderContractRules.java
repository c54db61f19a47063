package dev.latchkey.testkit.contract;

/**
 * Every rule of the {@link CredentialProviderContract}, listed once, as the Reactive Streams TCK's
 * {@code PublisherVerificationRules} lists its rules: adding or removing a rule is a deliberate
 * change of this interface.
 *
 * <p>{@code required_} rules hold for every provider. {@code optional_} rules hold when the
 * provider's test supplies what they need (a fake backend, bad settings); without it they are
 * skipped (aborted) with a reason, never passed silently. "The call" below is
 * {@code provider.authenticate(...)} on the started provider unless it says the engine's
 * {@code AuthService.logIn(...)}; each call must end within {@link ContractTimeouts#call()}.
 */
public interface CredentialProviderContractRules {

    /**
     * {@link java.util.ServiceLoader} finds a {@code CredentialProvider} of exactly the class
     * {@code createProvider()} makes, and no other provider on the class path claims its type
     * (DESIGN.md §1, §3: providers carry {@code @AutoService(CredentialProvider.class)}).
     *
     * @throws Throwable when the rule is broken
     */
    void required_discoverableThroughServiceLoader() throws Throwable;

    /**
     * {@code type()} is well formed ({@code ProviderTypes.isWellFormed}), the same on every call and
     * every instance, and the type of the credentials the test supplies (DESIGN.md §3).
     *
     * @throws Throwable when the rule is broken
     */
    void required_typeIsWellFormedAndStable() throws Throwable;

    /**
     * Valid credentials of either account prove an {@code Identity} whose provider type is the
     * provider's and whose subject is not blank (DESIGN.md §3).
     *
     * @throws Throwable when the rule is broken
     */
    void required_validCredentialsProveAnIdentityOfThisProvider() throws Throwable;

    /**
     * Two log-ins of one account give the same subject; for a provider where every log-in is a
     * new account ({@code eachLogInIsANewAccount()}, like {@code anon-user}), they give different
     * subjects (DESIGN.md §3: "subject is stable per external account").
     *
     * @throws Throwable when the rule is broken
     */
    void required_subjectIsStablePerAccount() throws Throwable;

    /**
     * The other account's credentials prove another subject (DESIGN.md §3).
     *
     * @throws Throwable when the rule is broken
     */
    void required_otherAccountsGetOtherSubjects() throws Throwable;

    /**
     * Through the engine: logging in twice with one account's credentials gives the same user
     * (different users when every log-in is a new account), the other account another user, and
     * the user carries the identity the provider proved (DESIGN.md §4).
     *
     * @throws Throwable when the rule is broken
     */
    void required_sameAccountLogsInToTheSameUser() throws Throwable;

    /**
     * Well-formed but wrong credentials fail with {@code AuthException(INVALID_CREDENTIALS)},
     * directly and through the engine (DESIGN.md §3, SECURITY.md "Rejected"). Skipped when the
     * test supplies no invalid credentials.
     *
     * @throws Throwable when the rule is broken
     */
    void required_invalidCredentialsAreRejected() throws Throwable;

    /**
     * Every malformed payload fails with {@code AuthException} coded {@code MALFORMED} or
     * {@code INVALID_CREDENTIALS}, with a message that is not blank and does not echo the input
     * (at most 2,000 characters), never with another exception type (NullPointerException,
     * ClassCastException, ...), and within the call timeout (DESIGN.md §7, SECURITY.md #11, #22).
     *
     * @throws Throwable when the rule is broken
     */
    void required_malformedCredentialsAreRejectedWithAClearError() throws Throwable;

    /**
     * Credentials of another provider type, even with a valid payload, fail with an
     * {@code AuthException} ({@code MALFORMED}, {@code INVALID_CREDENTIALS} or
     * {@code INVALID_PARAMETER}), not with an identity or another exception (DESIGN.md §3).
     *
     * @throws Throwable when the rule is broken
     */
    void required_credentialsOfAnotherProviderAreRejected() throws Throwable;

    /**
     * The identity a provider proves (subject, profile, {@code toString}) holds none of the
     * credentials' secrets: it is stored and travels in access tokens (SECURITY.md #30).
     *
     * @throws Throwable when the rule is broken
     */
    void required_identityCarriesNoSecret() throws Throwable;

    /**
     * The messages and {@code toString} of the exceptions thrown for invalid, malformed and
     * foreign credentials, and of all their causes and suppressed exceptions, hold no secret
     * (SECURITY.md #30, DESIGN.md §3 "never echoes a secret").
     *
     * @throws Throwable when the rule is broken
     */
    void required_secretsNeverAppearInMessages() throws Throwable;

    /**
     * Nothing logged through {@code java.util.logging} or written to {@code System.out} /
     * {@code System.err} while the provider and the engine handle valid, other, invalid,
     * malformed and foreign credentials holds a secret (SECURITY.md #30).
     *
     * @throws Throwable when the rule is broken
     */
    void required_secretsNeverAppearInLogs() throws Throwable;

    /**
     * {@code toString()} of every credential the test supplies shows no secret (DESIGN.md §3).
     *
     * @throws Throwable when the rule is broken
     */
    void required_credentialsToStringHidesSecrets() throws Throwable;

    /**
     * 8 threads × 25 calls mixing both accounts all succeed, and each account keeps its one
     * subject (or every call gets a new one, for new-account providers): a provider is
     * thread-safe after start (the SPI's contract).
     *
     * @throws Throwable when the rule is broken
     */
    void required_concurrentAuthenticationIsConsistent() throws Throwable;

    /**
     * Through the engine: 8 log-ins racing with one account's credentials end in exactly one
     * user (in 8 users for new-account providers) (DESIGN.md §4).
     *
     * @throws Throwable when the rule is broken
     */
    void required_racingLogInsOfOneAccountMakeOneUser() throws Throwable;

    /**
     * {@code identityRemoved} for subjects the provider never issued (unknown, empty, huge, with
     * NUL) does not throw, and valid credentials still work afterwards (DESIGN.md §3).
     *
     * @throws Throwable when the rule is broken
     */
    void required_unknownIdentityRemovalIsHarmless() throws Throwable;

    /**
     * An engine whose configuration gives the provider an unknown setting refuses to start with
     * {@code AuthException(CONFIGURATION)} naming {@code providers.<type>} and the setting
     * (DESIGN.md §2: "unknown keys are an error that names them").
     *
     * @throws Throwable when the rule is broken
     */
    void required_unknownSettingFailsStart() throws Throwable;

    /**
     * An engine started with the test's {@code invalidSettings()} refuses to start with
     * {@code AuthException(CONFIGURATION)} naming {@code providers.<type>} (DESIGN.md §3: start
     * fails fast). Skipped without invalid settings.
     *
     * @throws Throwable when the rule is broken
     */
    void optional_badSettingsFailStartWithConfiguration() throws Throwable;

    /**
     * With the backend down (connection refused), valid credentials fail with
     * {@code AuthException(NETWORK)} within the call timeout. Skipped without a fake backend.
     *
     * @throws Throwable when the rule is broken
     */
    void optional_backendDownIsANetworkError() throws Throwable;

    /**
     * With a backend that accepts and never answers, valid credentials fail with
     * {@code AuthException(NETWORK)} within {@link ContractTimeouts#backendStall()}
     * (SECURITY.md #7). Skipped without a fake backend.
     *
     * @throws Throwable when the rule is broken
     */
    void optional_backendStallIsBoundedByTimeout() throws Throwable;

    /**
     * The backend answers at once but trickles its body a few bytes at a time ({@code Failure.SLOW},
     * minutes for the whole answer); the call fails with {@code NETWORK} within
     * {@link ContractTimeouts#backendStall()}: the provider has a deadline for the whole call, not
     * only a read timeout, which such a server never trips (SECURITY.md #7). Added at contract
     * level 2 ({@link AddedAtLevel}), provisional while the testkit is at level 2 for tests that
     * declare level 1 ({@link ContractLevel}). Skipped without a backend.
     *
     * @throws Throwable when the rule is broken
     */
    void optional_slowBackendIsBoundedByTimeout() throws Throwable;

    /**
     * A backend answering 500 makes valid credentials fail with
     * {@code AuthException(PROVIDER_BACKEND)}, not INVALID_CREDENTIALS (SECURITY.md #7). Skipped
     * without a fake backend.
     *
     * @throws Throwable when the rule is broken
     */
    void optional_backend5xxIsAProviderBackendError() throws Throwable;

    /**
     * A backend answering 429 makes valid credentials fail with {@code AuthException} coded
     * {@code RATE_LIMITED} or {@code PROVIDER_BACKEND}. Skipped without a fake backend.
     *
     * @throws Throwable when the rule is broken
     */
    void optional_backendRateLimitIsReported() throws Throwable;

    /**
     * A backend answering 200 with a body that is not JSON makes valid credentials fail with
     * {@code AuthException(PROVIDER_BACKEND)} (SECURITY.md #7). Skipped without a fake backend.
     *
     * @throws Throwable when the rule is broken
     */
    void optional_backendGarbageIsAProviderBackendError() throws Throwable;

    /**
     * A backend whose otherwise good answer is padded past 1 MiB, sent chunked, makes valid
     * credentials fail with {@code AuthException(PROVIDER_BACKEND)}: reads are bounded
     * (SECURITY.md #7). Skipped without a fake backend.
     *
     * @throws Throwable when the rule is broken
     */
    void optional_backendOversizedAnswerIsRefused() throws Throwable;

    /**
     * After the backend fails (500) and recovers, valid credentials work again without restarting
     * the provider: no failure is cached for good. The engine's clock moves on
     * {@link CredentialProviderContract#RECOVERY_GRACE} before the retry, so a provider may hold back
     * calls for a while after a failure (rate-limited refetches of a key set, say) without breaking
     * this rule. Skipped without a fake backend.
     *
     * @throws Throwable when the rule is broken
     */
    void optional_backendRecoveryNeedsNoRestart() throws Throwable;
}
