package dev.latchkey.core.engine;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.latchkey.api.ApiKey;
import dev.latchkey.api.ApiKeyAuth;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.AuthService;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.EmailPasswordAuth;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Identity;
import dev.latchkey.api.ProviderTypes;
import dev.latchkey.api.Session;
import dev.latchkey.api.UserInfo;
import dev.latchkey.api.UserPage;
import dev.latchkey.api.UserType;
import dev.latchkey.api.VerifiedToken;
import dev.latchkey.api.spi.AccountNaming;
import dev.latchkey.api.spi.ApiKeyManager;
import dev.latchkey.api.spi.CredentialProvider;
import dev.latchkey.core.LatchkeyOptions;
import dev.latchkey.core.config.TokenSettings;
import dev.latchkey.core.json.JsonTrees;
import dev.latchkey.core.store.LinkOutcome;
import dev.latchkey.core.store.NewUser;
import dev.latchkey.core.store.Store;
import dev.latchkey.core.store.StoredIdentity;
import dev.latchkey.core.store.StoredSession;
import dev.latchkey.core.store.StoredUser;
import dev.latchkey.core.token.AccessTokens;
import dev.latchkey.core.token.AccessTokenVerifier;
import dev.latchkey.core.token.Secrets;
import dev.latchkey.core.token.SigningKeys;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/** The engine: {@link AuthService} over a {@link Store}, the enabled providers and the token services. */
@Singleton
public final class DefaultAuthService implements AuthService {
    private static final System.Logger LOG = System.getLogger(DefaultAuthService.class.getName());
    private static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    /** Custom data rides in every access token, so it is kept small (AccessTokens sizes its limit from this). */
    public static final int MAX_CUSTOM_DATA_BYTES = 8_192;
    /** Failures that say nothing about whether a guess was right: their throttle attempt is refunded. */
    private static final Set<ErrorCode> NOT_A_GUESS = Set.of(ErrorCode.MALFORMED, ErrorCode.INVALID_PARAMETER,
            ErrorCode.NETWORK, ErrorCode.PROVIDER_BACKEND, ErrorCode.RATE_LIMITED);

    private final String appId;
    private final Store store;
    private final ProviderRegistry providers;
    private final AccessTokens accessTokens;
    private final SigningKeys signingKeys;
    private final Secrets secrets;
    private final Clock clock;
    private final TokenSettings tokenSettings;
    private final EngineServices services;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final EmailPasswordAuth emailPassword;
    private final LogInThrottle throttle;
    private final AccessTokenVerifier tokenVerifier;

    /**
     * Creates the engine; Guice does this.
     *
     * @param options the app's options
     * @param store the store
     * @param providers the started providers
     * @param accessTokens issues and checks access tokens
     * @param signingKeys the signing keys
     * @param secrets random tokens and ids
     * @param clock the engine's clock
     * @param tokenSettings token lifetimes
     * @param services the shared services, closed with the engine
     * @param throttle limits failed log-ins
     * @param tokenVerifier checks access tokens
     */
    @Inject
    public DefaultAuthService(LatchkeyOptions options, Store store, ProviderRegistry providers, AccessTokens accessTokens,
                              SigningKeys signingKeys, Secrets secrets, Clock clock, TokenSettings tokenSettings,
                              EngineServices services, LogInThrottle throttle, AccessTokenVerifier tokenVerifier) {
        this.appId = options.appId();
        this.store = store;
        this.providers = providers;
        this.accessTokens = accessTokens;
        this.signingKeys = signingKeys;
        this.secrets = secrets;
        this.clock = clock;
        this.tokenSettings = tokenSettings;
        this.services = services;
        this.throttle = throttle;
        this.tokenVerifier = tokenVerifier;
        this.emailPassword = new EngineEmailPasswordAuth(providers, services.worker(), throttle);
        signingKeys.current();
        services.scheduler().scheduleWithFixedDelay(this::removeExpiredSessions, 1, 60, TimeUnit.MINUTES);
    }

    @Override
    public String appId() {
        return appId;
    }

    @Override
    public Session logIn(Credentials credentials) {
        return logIn(credentials, null);
    }

    @Override
    public Session logIn(Credentials credentials, String deviceId) {
        return logIn(credentials, deviceId, null);
    }

    @Override
    public Session logIn(Credentials credentials, String deviceId, String source) {
        requireParameter(credentials, "credentials");
        String device = deviceId == null ? secrets.newId(12) : checkedDeviceId(deviceId);
        CredentialProvider provider = providers.enabled(credentials.providerType());
        LogInThrottle.Attempt attempt = throttle.begin(provider.type(), accountOf(provider, credentials), source);
        try {
            Identity identity = authenticate(provider, credentials, attempt);
            Session session = openSessionFor(provider, identity, device);
            attempt.succeeded();
            return session;
        } finally {
            // Settles only what nothing settled above: right credentials that failed later (a disabled
            // user) were no guess, and an attempt must never keep its place for good.
            attempt.abandoned();
        }
    }

    private Session openSessionFor(CredentialProvider provider, Identity identity, String device) {
        Instant now = clock.instant();
        String refreshToken = secrets.newToken();
        String sessionId = secrets.newId(16);
        StoredUser user;
        if (provider instanceof ApiKeyManager) {
            // A key's identity is linked when the key is made; a log-in never creates its user.
            user = store.findUserByIdentity(identity.providerType(), identity.subject())
                    .orElseThrow(() -> new AuthException(ErrorCode.INVALID_CREDENTIALS, "invalid API key"));
        } else {
            NewUser newUser = new NewUser(secrets.newId(12), UserType.NORMAL, now);
            StoredSession sessionOfNewUser = newSession(sessionId, newUser.id(), device, identity, refreshToken, now);
            // A log-in that makes its user (every anonymous one) opens the session in the same step.
            Store.LogIn logIn = store.logInIdentity(identity, newUser, now, sessionOfNewUser);
            if (logIn.sessionOpened()) {
                return issue(logIn.user(), sessionOfNewUser, refreshToken);
            }
            user = logIn.user();
        }
        if (user.disabled()) {
            throw new AuthException(ErrorCode.USER_DISABLED, "the user is disabled");
        }
        Session session = openSession(user, newSession(sessionId, user.id(), device, identity, refreshToken, now), refreshToken);
        if (provider instanceof ApiKeyManager keys && !keys.find(user.id(), identity.subject()).map(ApiKey::enabled).orElse(false)) {
            // The key was disabled between its check and the session: disabling writes the flag before it
            // ends the key's sessions, so either that sweep caught this session or this check does.
            store.deleteSession(session.sessionId());
            throw new AuthException(ErrorCode.INVALID_CREDENTIALS, "the API key is disabled");
        }
        return session;
    }

    @Override
    public EmailPasswordAuth emailPassword() {
        return emailPassword;
    }

    @Override
    public UserInfo linkCredentials(String accessToken, Credentials credentials) {
        VerifiedToken token = verify(accessToken);
        requireParameter(credentials, "credentials");
        if (credentials.providerType().equals(ProviderTypes.ANONYMOUS)) {
            throw new AuthException(ErrorCode.OPERATION_NOT_ALLOWED, "an anonymous identity cannot be linked to a user");
        }
        CredentialProvider provider = providers.enabled(credentials.providerType());
        // The linking user is the source: a stolen session must not become a free password-guessing oracle.
        LogInThrottle.Attempt attempt = throttle.begin(provider.type(), accountOf(provider, credentials), "user:" + token.userId());
        Identity identity;
        try {
            identity = authenticate(provider, credentials, attempt);
            attempt.succeeded();
        } finally {
            attempt.abandoned();
        }
        LinkOutcome outcome = store.linkIdentity(token.userId(), identity, clock.instant());
        switch (outcome) {
            case IN_USE -> throw new AuthException(ErrorCode.IDENTITY_IN_USE,
                    "this " + identity.providerType() + " identity already belongs to another user");
            case USER_NOT_FOUND -> throw new AuthException(ErrorCode.INVALID_SESSION, "the user no longer exists");
            default -> {
                return requireUser(token.userId()).toUserInfo();
            }
        }
    }

    @Override
    public Session refresh(String refreshToken) {
        StoredSession session = findSession(refreshToken);
        Instant now = clock.instant();
        if (now.isAfter(session.expiresAt())) {
            store.deleteSession(session.id());
            throw new AuthException(ErrorCode.INVALID_SESSION, "the session has expired: log in again");
        }
        Optional<StoredUser> user = store.findUser(session.userId());
        if (user.isEmpty() || user.get().disabled()) {
            store.deleteSession(session.id());
            throw new AuthException(ErrorCode.INVALID_SESSION, user.isEmpty() ? "the user no longer exists" : "the user is disabled");
        }
        boolean identityStillTheirs = user.get().identities().stream()
                .anyMatch(i -> i.providerType().equals(session.providerType()) && i.subject().equals(session.subject()));
        if (!identityStillTheirs) {
            // Unlinking ends an identity's sessions; this catches one that slipped past (defence in depth).
            store.deleteSession(session.id());
            throw new AuthException(ErrorCode.INVALID_SESSION, "the identity that opened the session is no longer the user's");
        }
        AccessTokens.Issued access = accessTokens.issue(user.get(), session);
        return new Session(user.get().toUserInfo(), session.deviceId(), session.id(), access.token(), access.expiresAt(),
                refreshToken, session.expiresAt());
    }

    @Override
    public void logOut(String refreshToken) {
        requireParameter(refreshToken, "refresh token");
        store.findSessionByTokenHash(Secrets.sha256(refreshToken)).ifPresent(s -> store.deleteSession(s.id()));
    }

    @Override
    public VerifiedToken verify(String accessToken) {
        return tokenVerifier.verify(accessToken);
    }

    @Override
    public String jwks() {
        return signingKeys.publicJwks();
    }

    @Override
    public void rotateSigningKey() {
        signingKeys.rotate();
    }

    @Override
    public Optional<UserInfo> findUser(String userId) {
        requireParameter(userId, "user id");
        return store.findUser(userId).map(StoredUser::toUserInfo);
    }

    @Override
    public Optional<UserInfo> findUserByIdentity(String providerType, String subject) {
        requireParameter(providerType, "provider type");
        requireParameter(subject, "subject");
        return store.findUserByIdentity(providerType, subject).map(StoredUser::toUserInfo);
    }

    @Override
    public UserPage listUsers(String afterUserId, int limit) {
        if (limit < 1 || limit > MAX_PAGE_SIZE) {
            throw new AuthException(ErrorCode.INVALID_PARAMETER, "a page holds 1 to " + MAX_PAGE_SIZE + " users, not " + limit);
        }
        // One more than asked tells whether another page follows, so the last page says so
        // itself rather than sending the caller for an empty one.
        List<StoredUser> found = store.listUsers(afterUserId, limit + 1);
        List<UserInfo> users = found.stream().limit(limit).map(StoredUser::toUserInfo).toList();
        return new UserPage(users, found.size() > limit ? Optional.of(users.get(limit - 1).id()) : Optional.empty());
    }

    @Override
    public void deleteUser(String userId) {
        requireParameter(userId, "user id");
        StoredUser deleted = store.deleteUser(userId)
                .orElseThrow(() -> new AuthException(ErrorCode.USER_NOT_FOUND, "no user with id " + shown(userId)));
        for (StoredIdentity identity : deleted.identities()) {
            notifyIdentityRemoved(identity.providerType(), identity.subject());
        }
    }

    @Override
    public void disableUser(String userId) {
        requireParameter(userId, "user id");
        if (!store.setDisabled(userId, true)) {
            throw new AuthException(ErrorCode.USER_NOT_FOUND, "no user with id " + shown(userId));
        }
    }

    @Override
    public int revokeSessions(String userId) {
        requireParameter(userId, "user id");
        // Refreshes write nothing: one that read its session before this deletes it issues an
        // access token for a session that no longer exists, which verify refuses. So ending the
        // rows ends the sessions, whatever races.
        return store.deleteSessionsOfUser(userId)
                .orElseThrow(() -> new AuthException(ErrorCode.USER_NOT_FOUND, "no user with id " + shown(userId)));
    }

    @Override
    public void enableUser(String userId) {
        requireParameter(userId, "user id");
        if (!store.setDisabled(userId, false)) {
            throw new AuthException(ErrorCode.USER_NOT_FOUND, "no user with id " + shown(userId));
        }
    }

    @Override
    public void setCustomData(String userId, Map<String, ?> customData) {
        requireParameter(userId, "user id");
        requireParameter(customData, "custom data");
        Map<String, Object> normalized;
        try {
            normalized = JsonTrees.toMap(JsonTrees.toJson(customData).getAsJsonObject());
        } catch (IllegalArgumentException e) {
            throw new AuthException(ErrorCode.INVALID_PARAMETER, "custom data must be JSON values: " + e.getMessage());
        }
        // Measured as the token will carry it: Nimbus's JSON, in UTF-8 bytes, so the access token
        // always stays under the length AccessTokens accepts.
        int bytes = JSONObjectUtils.toJSONString(normalized).getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_CUSTOM_DATA_BYTES) {
            throw new AuthException(ErrorCode.INVALID_PARAMETER,
                    "custom data is " + bytes + " bytes as JSON; at most " + MAX_CUSTOM_DATA_BYTES + " fit in an access token");
        }
        if (!store.setCustomData(userId, normalized)) {
            throw new AuthException(ErrorCode.USER_NOT_FOUND, "no user with id " + shown(userId));
        }
    }

    @Override
    public ApiKeyAuth apiKeys(String userId) {
        requireParameter(userId, "user id");
        return new UserApiKeys(this, userId, services.worker());
    }

    @Override
    public ApiKey createServerApiKey(String name) {
        ApiKeyManager manager = apiKeyManager();
        Instant now = clock.instant();
        String serverUserId = secrets.newId(12);
        ApiKey key = manager.create(serverUserId, name);
        store.logInIdentity(Identity.of(ProviderTypes.API_KEY, key.id()), new NewUser(serverUserId, UserType.SERVER, now), now);
        return key;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            services.close();
            store.close();
        }
    }

    // --- API keys of one user, called through UserApiKeys ---

    ApiKey createApiKey(String userId, String name) {
        StoredUser user = requireUser(userId);
        if (user.toUserInfo().isAnonymous()) {
            throw new AuthException(ErrorCode.OPERATION_NOT_ALLOWED, "anonymous users cannot have API keys");
        }
        ApiKeyManager manager = apiKeyManager();
        ApiKey key = manager.create(userId, name);
        LinkOutcome outcome = store.linkIdentity(userId, Identity.of(ProviderTypes.API_KEY, key.id()), clock.instant());
        if (outcome != LinkOutcome.LINKED) {
            // The user vanished between the check and the link: the key must not outlive it.
            manager.delete(userId, key.id());
            throw new AuthException(ErrorCode.USER_NOT_FOUND, "no user with id " + shown(userId));
        }
        return key;
    }

    ApiKey fetchApiKey(String userId, String keyId) {
        requireUser(userId);
        return apiKeyManager().find(userId, checkedKeyId(keyId)).orElseThrow(() -> keyNotFound(keyId));
    }

    java.util.List<ApiKey> fetchApiKeys(String userId) {
        requireUser(userId);
        return apiKeyManager().list(userId);
    }

    void setApiKeyEnabled(String userId, String keyId, boolean enabled) {
        requireUser(userId);
        if (!apiKeyManager().setEnabled(userId, checkedKeyId(keyId), enabled)) {
            throw keyNotFound(keyId);
        }
        if (!enabled) {
            store.deleteSessionsOfIdentity(ProviderTypes.API_KEY, keyId);
        }
    }

    void deleteApiKey(String userId, String keyId) {
        requireUser(userId);
        String id = checkedKeyId(keyId);
        // The key's record first, so it cannot log in any more; then the identity, which ends its
        // sessions in the same step. A failure between the two leaves the identity, and a retry
        // (the record already gone) still removes it: deleting is idempotent until both are gone.
        boolean recordDeleted = apiKeyManager().delete(userId, id);
        boolean identityRemoved = store.unlinkIdentity(userId, ProviderTypes.API_KEY, id);
        if (!recordDeleted && !identityRemoved) {
            throw keyNotFound(keyId);
        }
    }

    // --- internals ---

    private StoredSession newSession(String sessionId, String userId, String deviceId, Identity identity, String refreshToken,
                                     Instant now) {
        return new StoredSession(sessionId, userId, deviceId, identity.providerType(), identity.subject(),
                Secrets.sha256(refreshToken), now, now.plus(tokenSettings.refreshTokenTtl()));
    }

    private Session openSession(StoredUser user, StoredSession session, String refreshToken) {
        if (!store.createSession(session)) {
            // Deleted, disabled or unlinked between finding the user and opening the session.
            Optional<StoredUser> current = store.findUser(user.id());
            if (current.isPresent() && current.get().disabled()) {
                throw new AuthException(ErrorCode.USER_DISABLED, "the user is disabled");
            }
            throw new AuthException(ErrorCode.INVALID_CREDENTIALS, current.isPresent()
                    ? "the credentials were revoked while logging in" : "the user was deleted");
        }
        return issue(user, session, refreshToken);
    }

    /** The session as the caller gets it: with a new access token and the refresh token itself. */
    private Session issue(StoredUser user, StoredSession session, String refreshToken) {
        AccessTokens.Issued access = accessTokens.issue(user, session);
        return new Session(user.toUserInfo(), session.deviceId(), session.id(), access.token(), access.expiresAt(), refreshToken,
                session.expiresAt());
    }

    private StoredSession findSession(String refreshToken) {
        requireParameter(refreshToken, "refresh token");
        if (refreshToken.length() > 256) {
            throw new AuthException(ErrorCode.INVALID_SESSION, "the refresh token is not valid");
        }
        return store.findSessionByTokenHash(Secrets.sha256(refreshToken))
                .orElseThrow(() -> new AuthException(ErrorCode.INVALID_SESSION, "the refresh token is unknown or was revoked: log in again"));
    }

    /**
     * Calls the provider inside a throttle attempt, which holds its place while the provider works
     * (so parallel guesses cannot all pass the limit). It counts as a failure when the credentials
     * were wrong, and also when the provider failed in a way that might hide a wrong guess (a bug,
     * a function's refusal); it is given back only for answers given before anything was checked.
     */
    private static Identity authenticate(CredentialProvider provider, Credentials credentials, LogInThrottle.Attempt attempt) {
        try {
            return authenticate(provider, credentials);
        } catch (AuthException e) {
            if (NOT_A_GUESS.contains(e.code())) {
                attempt.abandoned();
            } else {
                attempt.failed();
            }
            throw e;
        }
    }

    private static String accountOf(CredentialProvider provider, Credentials credentials) {
        if (!(provider instanceof AccountNaming naming)) {
            return null;
        }
        try {
            return naming.accountOf(credentials).orElse(null);
        } catch (RuntimeException e) {
            // A provider bug must not open the throttle: count such credentials under no account, by source only.
            LOG.log(System.Logger.Level.ERROR, "provider ''{0}'' failed to name the account of credentials: {1}",
                    provider.type(), e.getClass().getName());
            return null;
        }
    }

    /** Calls the provider; anything but an AuthException is a provider bug and is reported without its message. */
    private static Identity authenticate(CredentialProvider provider, Credentials credentials) {
        Identity identity;
        try {
            identity = provider.authenticate(credentials);
        } catch (AuthException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError | AssertionError e) {
            // Errors a provider's bug can raise on hostile input; the JVM-fatal ones (OutOfMemoryError) still propagate.
            StackTraceElement[] trace = e.getStackTrace();
            LOG.log(System.Logger.Level.ERROR, "provider ''{0}'' threw {1} at {2}; this is a bug in {3}", provider.type(),
                    e.getClass().getName(), trace.length > 0 ? trace[0] : "(no stack)", provider.getClass().getName());
            throw new AuthException(ErrorCode.INTERNAL, "provider '" + provider.type() + "' failed unexpectedly ("
                    + e.getClass().getSimpleName() + ")");
        }
        if (identity == null || !identity.providerType().equals(provider.type())) {
            throw new AuthException(ErrorCode.INTERNAL, "provider '" + provider.type()
                    + "' returned " + (identity == null ? "no identity" : "an identity of another provider"));
        }
        return identity;
    }

    private void notifyIdentityRemoved(String providerType, String subject) {
        providers.findEnabled(providerType).ifPresent(provider -> {
            try {
                provider.identityRemoved(subject);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "provider ''{0}'' failed to drop a removed identity: {1}", providerType,
                        e.getClass().getName());
            }
        });
    }

    private ApiKeyManager apiKeyManager() {
        CredentialProvider provider = providers.enabled(ProviderTypes.API_KEY);
        if (provider instanceof ApiKeyManager manager) {
            return manager;
        }
        throw new AuthException(ErrorCode.CONFIGURATION, "the api-key provider " + provider.getClass().getName()
                + " does not implement ApiKeyManager");
    }

    private StoredUser requireUser(String userId) {
        requireParameter(userId, "user id");
        return store.findUser(userId).orElseThrow(() -> new AuthException(ErrorCode.USER_NOT_FOUND, "no user with id " + shown(userId)));
    }

    private void removeExpiredSessions() {
        try {
            int removed = store.deleteExpiredSessions(clock.instant());
            if (removed > 0) {
                LOG.log(System.Logger.Level.DEBUG, "removed {0} expired sessions", removed);
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "could not remove expired sessions: {0}", e.getClass().getName());
        }
    }

    private static String checkedDeviceId(String deviceId) {
        if (!DEVICE_ID.matcher(deviceId).matches()) {
            throw new AuthException(ErrorCode.INVALID_PARAMETER, "a device id is 1-64 letters, digits, '_' or '-'");
        }
        return deviceId;
    }

    private static String checkedKeyId(String keyId) {
        if (keyId == null || !ID.matcher(keyId).matches()) {
            throw new AuthException(ErrorCode.INVALID_PARAMETER, "an API key id is 1-128 letters, digits, '_' or '-'");
        }
        return keyId;
    }

    private static AuthException keyNotFound(String keyId) {
        return new AuthException(ErrorCode.API_KEY_NOT_FOUND, "the user has no API key with id " + shown(keyId));
    }

    /** An id as it may appear in a message: ids are not secret, but a caller's garbage must not flood a log. */
    private static String shown(String id) {
        return ID.matcher(id).matches() ? id : "(not a well-formed id)";
    }

    static void requireParameter(Object value, String what) {
        if (value == null) {
            throw new AuthException(ErrorCode.INVALID_PARAMETER, "the " + what + " must not be null");
        }
    }
}
