package dev.latchkey.core.client;

import dev.latchkey.api.AuthApp;
import dev.latchkey.api.AuthChange;
import dev.latchkey.api.AuthChangeListener;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.AuthService;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.EmailPasswordAuth;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.ProviderTypes;
import dev.latchkey.api.Session;
import dev.latchkey.api.Subscription;
import dev.latchkey.api.User;
import dev.latchkey.api.UserInfo;
import dev.latchkey.api.UserState;
import dev.latchkey.core.engine.Async;
import dev.latchkey.core.engine.DaemonThreads;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The client layer over an {@link AuthService}: the app's users, the current user, and the
 * events. State changes happen under one lock and queue their events in the same step, so
 * listeners see changes in the order they happened; calls to the service (which may be slow, or
 * remote) happen outside the lock.
 *
 * <p>With a data directory the app keeps its users in a session cache
 * ({@code <dataDirectory>/<appId>/session-cache.json}): every change is handed to it in the same
 * step, and a new app over the same directory starts with the users, the current user and the
 * device id the last one left, without a call to the service. A cache that is missing, damaged
 * or not private to this user means no session, with one warning in the log, never an error, and
 * a good cache replaces it; one that cannot be read for another reason (a failing disk, a lock
 * held too long elsewhere, an interrupt) also means no session, but the cache is then left as it
 * is and not written for the rest of the run.
 */
public final class DefaultAuthApp implements AuthApp {
    private static final System.Logger LOG = System.getLogger(DefaultAuthApp.class.getName());
    /** An access token this close to expiry is refreshed before use. */
    static final Duration REFRESH_MARGIN = Duration.ofSeconds(30);

    private final AuthBackend backend;
    private final Clock clock;
    private final ExecutorService worker = Executors.newCachedThreadPool(DaemonThreads.named("latchkey-app"));
    private final EventDispatcher events = new EventDispatcher();

    private final SessionPersistence persistence;

    private final Object lock = new Object();
    /** Users by id, least recently active first. */
    private final LinkedHashMap<String, AppUser> users = new LinkedHashMap<>();
    private AppUser current;
    /**
     * One app is one device: chosen once, when the app is first built, so log-ins racing on a new
     * app cannot pick two; with a session cache it is kept across restarts, as the Realm SDKs keep it.
     */
    private final String deviceId;

    /**
     * Creates an app over a service that keeps its users in memory only.
     *
     * @param service the engine, in process
     * @param ownsService whether closing the app closes the service
     * @param clock the clock that decides when tokens are stale
     */
    public DefaultAuthApp(AuthService service, boolean ownsService, Clock clock) {
        this(new EngineBackend(service, ownsService), clock, SessionPersistence.MEMORY_ONLY);
    }

    /**
     * Creates an app over a service that keeps its users in a session cache under a data
     * directory, and starts with the users the cache holds. A missing, damaged or untrusted
     * cache is logged and means no session; it never fails the construction. A cache that cannot
     * be read for another reason is left alone: the app runs without writing it.
     *
     * @param service the engine, in process
     * @param ownsService whether closing the app closes the service
     * @param clock the clock that decides when tokens are stale
     * @param dataDirectory the data directory; the cache is {@code <dataDirectory>/<appId>/session-cache.json}
     * @throws AuthException {@link ErrorCode#CONFIGURATION} when the app id cannot name a directory ({@code "."} or {@code ".."})
     */
    public DefaultAuthApp(AuthService service, boolean ownsService, Clock clock, Path dataDirectory) {
        this(new EngineBackend(service, ownsService), clock, dataDirectory);
    }

    /**
     * Creates an app over any backend (an {@code auth-server} over HTTP, say), keeping its users in
     * a session cache under a data directory, or in memory only when the directory is null. The
     * app owns the backend: closing the app closes it.
     *
     * @param backend the server side
     * @param clock the clock that decides when tokens are stale
     * @param dataDirectory the data directory, or null to keep users in memory only
     * @throws AuthException {@link ErrorCode#CONFIGURATION} when the app id cannot name a directory
     */
    public DefaultAuthApp(AuthBackend backend, Clock clock, Path dataDirectory) {
        this(backend, clock, dataDirectory == null ? SessionPersistence.MEMORY_ONLY
                : new FileSessionPersistence(SessionCacheFile.in(dataDirectory, backend.appId())));
    }

    DefaultAuthApp(AuthService service, boolean ownsService, Clock clock, SessionPersistence persistence) {
        this(new EngineBackend(service, ownsService), clock, persistence);
    }

    DefaultAuthApp(AuthBackend backend, Clock clock, SessionPersistence persistence) {
        this.backend = backend;
        this.clock = clock;
        this.persistence = persistence;
        Optional<SessionCacheState> restored = persistence.restore();
        this.deviceId = restored.map(SessionCacheState::deviceId).orElseGet(DefaultAuthApp::newDeviceId);
        synchronized (lock) {
            if (restored.isPresent()) {
                restore(restored.get());
            } else {
                // Written at once, so the device id survives a restart that comes before any log-in.
                persist();
            }
        }
    }

    @Override
    public String appId() {
        return backend.appId();
    }

    @Override
    public EmailPasswordAuth emailPassword() {
        return backend.emailPassword();
    }

    @Override
    public User logIn(Credentials credentials) {
        if (credentials == null) {
            throw new AuthException(ErrorCode.INVALID_PARAMETER, "the credentials must not be null");
        }
        if (credentials.providerType().equals(ProviderTypes.ANONYMOUS) && credentials.reuseExisting()) {
            synchronized (lock) {
                for (AppUser u : recentFirst()) {
                    if (u.isLoggedIn() && u.isAnonymous()) {
                        makeCurrent(u, AuthChange.Cause.LOG_IN);
                        persist();
                        return u;
                    }
                }
            }
        }
        Session session = backend.logIn(credentials, deviceId);
        String replacedRefreshToken = null;
        AppUser user;
        synchronized (lock) {
            UserSnapshot snapshot = UserSnapshot.loggedIn(session, credentials.providerType());
            user = users.remove(session.user().id());
            if (user == null) {
                user = new AppUser(this, session.user().id(), snapshot);
            } else {
                if (user.isLoggedIn()) {
                    replacedRefreshToken = user.snapshot().refreshToken();
                }
                user.snapshot(snapshot);
            }
            users.put(user.id(), user);
            emit(AuthChange.Type.LOGGED_IN, AuthChange.Cause.LOG_IN, user);
            makeCurrent(user, AuthChange.Cause.LOG_IN);
            persist();
        }
        if (replacedRefreshToken != null) {
            // The user logged in again: its previous session must not linger on the server.
            String replaced = replacedRefreshToken;
            quietly("end the replaced session", () -> backend.logOut(replaced));
        }
        return user;
    }

    @Override
    public CompletableFuture<User> logInAsync(Credentials credentials) {
        return async(() -> logIn(credentials));
    }

    @Override
    public Optional<User> currentUser() {
        synchronized (lock) {
            return Optional.ofNullable(current);
        }
    }

    @Override
    public Map<String, User> allUsers() {
        synchronized (lock) {
            Map<String, User> snapshot = new LinkedHashMap<>();
            for (AppUser u : recentFirst()) {
                snapshot.put(u.id(), u);
            }
            return Collections.unmodifiableMap(snapshot);
        }
    }

    @Override
    public void switchUser(User user) {
        AppUser u = own(user);
        synchronized (lock) {
            if (!u.isLoggedIn()) {
                throw new AuthException(ErrorCode.OPERATION_NOT_ALLOWED, "only a logged-in user can become the current user");
            }
            makeCurrent(u, AuthChange.Cause.SWITCH);
            persist();
        }
    }

    @Override
    public void removeUser(User user) {
        AppUser u = own(user);
        UserSnapshot before;
        synchronized (lock) {
            if (u.state() == UserState.REMOVED) {
                return;
            }
            before = u.snapshot();
            remove(u, AuthChange.Cause.REMOVE);
            persist();
        }
        endOnServer(u.id(), before, "the removed user");
    }

    @Override
    public CompletableFuture<Void> removeUserAsync(User user) {
        return asyncVoid(() -> removeUser(user));
    }

    @Override
    public void deleteUser(User user) {
        AppUser u = own(user);
        // As App Services does with the user's token: only a user with a live session can be deleted.
        withSession(u, tokens -> {
            backend.deleteUser(tokens);
            return null;
        });
        synchronized (lock) {
            if (u.state() != UserState.REMOVED) {
                remove(u, AuthChange.Cause.DELETE);
                persist();
            }
        }
    }

    @Override
    public CompletableFuture<Void> deleteUserAsync(User user) {
        return asyncVoid(() -> deleteUser(user));
    }

    @Override
    public Subscription addAuthChangeListener(AuthChangeListener listener) {
        if (listener == null) {
            throw new AuthException(ErrorCode.INVALID_PARAMETER, "the listener must not be null");
        }
        return events.addAppListener(listener);
    }

    @Override
    public void close() {
        events.close();
        worker.shutdown();
        persistence.close();
        backend.close();
    }

    // --- called by AppUser ---

    Clock clock() {
        return clock;
    }

    AuthBackend backend() {
        return backend;
    }

    /**
     * Runs a call that acts for a user with the user's tokens (refreshed first when stale). When
     * the server refuses them ({@link ErrorCode#INVALID_SESSION}), the session is refreshed once
     * (single-flight: callers refused together share one refresh) and the call is tried once
     * more; a second refusal fails the call, so nothing loops. A refresh the server refuses logs
     * the user out, with an event.
     */
    <T> T withSession(AppUser user, Function<SessionTokens, T> call) {
        String accessToken = user.validAccessToken();
        SessionTokens tokens = new SessionTokens(accessToken, user.requireLoggedIn().refreshToken());
        try {
            return call.apply(tokens);
        } catch (AuthException e) {
            if (e.code() != ErrorCode.INVALID_SESSION) {
                throw e;
            }
        }
        UserSnapshot renewed = user.renewRefused(accessToken);
        return call.apply(new SessionTokens(renewed.accessToken(), renewed.refreshToken()));
    }

    <T> CompletableFuture<T> async(Supplier<T> call) {
        return Async.run(call, worker);
    }

    CompletableFuture<Void> asyncVoid(Runnable call) {
        return Async.run(call, worker);
    }

    /** One refresh of a user's session; the caller (AppUser) makes it single-flight. */
    UserSnapshot refresh(AppUser user) {
        UserSnapshot before = user.requireLoggedIn();
        Session session;
        try {
            session = backend.refresh(before.refreshToken(), before.info());
        } catch (AuthException e) {
            if (e.code() == ErrorCode.INVALID_SESSION) {
                synchronized (lock) {
                    UserSnapshot now = user.snapshot();
                    if (now.state() == UserState.LOGGED_IN && !before.refreshToken().equals(now.refreshToken())) {
                        // Logging in again revoked the session this refresh used; the new one stands.
                        return now;
                    }
                }
                sessionEnded(user, before.refreshToken());
            }
            throw e;
        }
        synchronized (lock) {
            UserSnapshot now = user.snapshot();
            if (now.state() != UserState.LOGGED_IN) {
                throw new AuthException(ErrorCode.INVALID_SESSION, "user " + user.id() + " logged out while its token was refreshed");
            }
            if (!before.refreshToken().equals(now.refreshToken())) {
                // The user logged in again meanwhile: its new session's token is the one to use.
                return now;
            }
            UserSnapshot after = now.refreshed(session);
            user.snapshot(after);
            emit(AuthChange.Type.TOKEN_REFRESHED, AuthChange.Cause.REFRESH, user);
            if (!sameProfile(now.info(), after.info())) {
                emit(AuthChange.Type.PROFILE_CHANGED, AuthChange.Cause.REFRESH, user);
            }
            persist();
            return after;
        }
    }

    User link(AppUser user, Credentials credentials) {
        own(user);
        if (credentials == null) {
            throw new AuthException(ErrorCode.INVALID_PARAMETER, "the credentials must not be null");
        }
        UserInfo info = withSession(user, tokens -> backend.linkCredentials(tokens, credentials, user.snapshot().info()));
        synchronized (lock) {
            if (user.isLoggedIn()) {
                user.snapshot(user.snapshot().withInfo(info));
                emit(AuthChange.Type.LINKED, AuthChange.Cause.LINK, user);
                persist();
            }
        }
        return user;
    }

    void logOut(AppUser user) {
        own(user);
        UserSnapshot before;
        synchronized (lock) {
            if (!user.isLoggedIn()) {
                return;
            }
            before = user.snapshot();
            endSession(user, AuthChange.Cause.LOG_OUT);
            persist();
        }
        endOnServer(user.id(), before, "the user");
    }

    /** Ends on the server a session the app already ended; an anonymous user goes with it. */
    private void endOnServer(String userId, UserSnapshot before, String who) {
        if (before.state() != UserState.LOGGED_IN) {
            return;
        }
        if (before.info().isAnonymous()) {
            // Nothing can ever log in to an anonymous user again; keeping it would only leak records.
            SessionTokens tokens = new SessionTokens(before.accessToken(), before.refreshToken());
            quietly("log out and delete " + who + " (anonymous)", () -> backend.endAnonymousUser(userId, tokens));
        } else {
            quietly("log out " + who, () -> backend.logOut(before.refreshToken()));
        }
    }

    // --- internals, all called with the lock held ---

    private void sessionEnded(AppUser user, String refreshToken) {
        synchronized (lock) {
            if (user.isLoggedIn() && refreshToken.equals(user.snapshot().refreshToken())) {
                endSession(user, AuthChange.Cause.SESSION_ENDED);
                persist();
            }
        }
    }

    /** Logged out, or removed for an anonymous user, who could never log back in. */
    private void endSession(AppUser user, AuthChange.Cause cause) {
        if (user.isAnonymous()) {
            remove(user, cause);
            return;
        }
        user.snapshot(user.snapshot().ended(UserState.LOGGED_OUT));
        emit(AuthChange.Type.LOGGED_OUT, cause, user);
        replaceCurrentIf(user, cause);
    }

    private void remove(AppUser user, AuthChange.Cause cause) {
        users.remove(user.id());
        user.snapshot(user.snapshot().ended(UserState.REMOVED));
        emit(AuthChange.Type.REMOVED, cause, user);
        replaceCurrentIf(user, cause);
    }

    /** Starts from what the cache held: no events, nobody is listening yet. */
    private void restore(SessionCacheState state) {
        List<UserSnapshot> cached = state.users();
        for (int i = cached.size() - 1; i >= 0; i--) {
            UserSnapshot snapshot = cached.get(i);
            AppUser user = new AppUser(this, snapshot.info().id(), snapshot);
            users.put(user.id(), user);
            if (user.id().equals(state.currentUserId())) {
                current = user;
            }
        }
    }

    /**
     * Hands the whole state to the cache. Called after every change, in the same locked step, so
     * the cache gets the states in the order they happened; the write itself happens elsewhere.
     */
    private void persist() {
        List<UserSnapshot> snapshots = new ArrayList<>(users.size());
        for (AppUser u : recentFirst()) {
            snapshots.add(u.snapshot());
        }
        String currentId = current != null && current.isLoggedIn() ? current.id() : null;
        persistence.save(new SessionCacheState(deviceId, currentId, snapshots));
    }

    private void replaceCurrentIf(AppUser leaving, AuthChange.Cause cause) {
        if (current != leaving) {
            return;
        }
        current = null;
        for (AppUser u : recentFirst()) {
            if (u != leaving && u.isLoggedIn()) {
                current = u;
                emit(AuthChange.Type.CURRENT_USER_CHANGED, cause, u);
                return;
            }
        }
    }

    private void makeCurrent(AppUser user, AuthChange.Cause cause) {
        users.remove(user.id());
        users.put(user.id(), user);
        if (current != user) {
            current = user;
            emit(AuthChange.Type.CURRENT_USER_CHANGED, cause, user);
        }
    }

    private List<AppUser> recentFirst() {
        List<AppUser> list = new ArrayList<>(users.values());
        Collections.reverse(list);
        return list;
    }

    private void emit(AuthChange.Type type, AuthChange.Cause cause, AppUser user) {
        events.emit(new AuthChange(type, cause, user), user.listeners());
    }

    private AppUser own(User user) {
        if (user == null) {
            throw new AuthException(ErrorCode.INVALID_PARAMETER, "the user must not be null");
        }
        if (user instanceof AppUser u && u.app() == this) {
            return u;
        }
        throw new AuthException(ErrorCode.OPERATION_NOT_ALLOWED, "the user does not belong to this app");
    }

    private static String newDeviceId() {
        byte[] id = new byte[12];
        new SecureRandom().nextBytes(id);
        return HexFormat.of().formatHex(id);
    }

    private static boolean sameProfile(UserInfo a, UserInfo b) {
        return a.customData().equals(b.customData()) && a.profile().equals(b.profile()) && a.identities().equals(b.identities());
    }

    private static void quietly(String what, Runnable call) {
        try {
            call.run();
        } catch (AuthException e) {
            // The local state has already changed, as in the Realm SDKs; the server will expire what it kept.
            LOG.log(System.Logger.Level.WARNING, "could not {0} on the server: {1} {2}", what, e.code(), e.getMessage());
        }
    }
}
