package dev.latchkey.core.client;

import dev.latchkey.api.ApiKeyAuth;
import dev.latchkey.api.AuthChangeListener;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Identity;
import dev.latchkey.api.Profile;
import dev.latchkey.api.Subscription;
import dev.latchkey.api.User;
import dev.latchkey.api.UserState;
import dev.latchkey.api.UserType;
import dev.latchkey.core.engine.Async;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A user of a {@link DefaultAuthApp}. Reads come from an immutable snapshot the app replaces
 * under its lock; a refresh is single-flight: concurrent callers share the one in progress.
 */
final class AppUser implements User {
    /** Failures worth waiting out: the server or the way to it, not the session. */
    private static final java.util.Set<ErrorCode> TRANSIENT =
            EnumSet.of(ErrorCode.NETWORK, ErrorCode.PROVIDER_BACKEND, ErrorCode.RATE_LIMITED);
    static final Duration BACKOFF_FIRST = Duration.ofSeconds(1);
    static final Duration BACKOFF_MAX = Duration.ofMinutes(5);

    private final DefaultAuthApp app;
    private final String id;
    private final List<AuthChangeListener> listeners = new CopyOnWriteArrayList<>();
    private final Object refreshLock = new Object();
    private volatile UserSnapshot snapshot;
    private CompletableFuture<UserSnapshot> refreshInFlight;
    /** Refreshes that failed in a row for a transient reason; guarded by refreshLock. */
    private int failedRefreshes;
    /** No refresh is tried before this, after a transient failure; guarded by refreshLock. */
    private Instant nextRefreshAllowed = Instant.MIN;
    private AuthException lastRefreshFailure;

    AppUser(DefaultAuthApp app, String id, UserSnapshot snapshot) {
        this.app = app;
        this.id = id;
        this.snapshot = snapshot;
    }

    DefaultAuthApp app() {
        return app;
    }

    UserSnapshot snapshot() {
        return snapshot;
    }

    /** Only the app changes the snapshot, under its lock. */
    void snapshot(UserSnapshot next) {
        if (next.refreshToken() != null && !next.refreshToken().equals(snapshot.refreshToken())) {
            // A new session (a new log-in): the old one's failed refreshes say nothing about it.
            synchronized (refreshLock) {
                failedRefreshes = 0;
                nextRefreshAllowed = Instant.MIN;
                lastRefreshFailure = null;
            }
        }
        this.snapshot = next;
    }

    List<AuthChangeListener> listeners() {
        return listeners;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public UserState state() {
        return snapshot.state();
    }

    @Override
    public boolean isLoggedIn() {
        return snapshot.state() == UserState.LOGGED_IN;
    }

    @Override
    public boolean isAnonymous() {
        return snapshot.info().isAnonymous();
    }

    @Override
    public UserType type() {
        return snapshot.info().type();
    }

    @Override
    public String providerType() {
        return snapshot.providerType();
    }

    @Override
    public List<Identity> identities() {
        return snapshot.info().identities();
    }

    @Override
    public Profile profile() {
        return snapshot.info().profile();
    }

    @Override
    public String accessToken() {
        return snapshot.accessToken();
    }

    @Override
    public String refreshToken() {
        return snapshot.refreshToken();
    }

    @Override
    public String deviceId() {
        return snapshot.deviceId();
    }

    @Override
    public Map<String, Object> customData() {
        return snapshot.info().customData();
    }

    @Override
    public String validAccessToken() {
        UserSnapshot s = requireLoggedIn();
        if (app.clock().instant().plus(DefaultAuthApp.REFRESH_MARGIN).isBefore(s.accessTokenExpiresAt())) {
            return s.accessToken();
        }
        return refresh(s.accessToken()).accessToken();
    }

    @Override
    public CompletableFuture<String> validAccessTokenAsync() {
        return app.async(this::validAccessToken);
    }

    @Override
    public Map<String, Object> refreshCustomData() {
        return refresh(requireLoggedIn().accessToken()).info().customData();
    }

    @Override
    public CompletableFuture<Map<String, Object>> refreshCustomDataAsync() {
        return app.async(this::refreshCustomData);
    }

    @Override
    public User linkCredentials(Credentials credentials) {
        return app.link(this, credentials);
    }

    @Override
    public CompletableFuture<User> linkCredentialsAsync(Credentials credentials) {
        return app.async(() -> linkCredentials(credentials));
    }

    @Override
    public ApiKeyAuth apiKeys() {
        return new AppUserApiKeys(this);
    }

    @Override
    public void logOut() {
        app.logOut(this);
    }

    @Override
    public CompletableFuture<Void> logOutAsync() {
        return app.asyncVoid(this::logOut);
    }

    @Override
    public Subscription addChangeListener(AuthChangeListener listener) {
        if (listener == null) {
            throw new AuthException(ErrorCode.INVALID_PARAMETER, "the listener must not be null");
        }
        return EventDispatcher.subscribe(listeners, listener);
    }

    /**
     * A new session snapshot after the server refused an access token the app thought good: one
     * refresh, shared with every caller refused with the same token at the same time.
     *
     * @param refusedToken the access token the server refused
     * @return the snapshot with the new access token
     */
    UserSnapshot renewRefused(String refusedToken) {
        return refresh(refusedToken);
    }

    UserSnapshot requireLoggedIn() {
        UserSnapshot s = snapshot;
        if (s.state() != UserState.LOGGED_IN) {
            throw new AuthException(ErrorCode.INVALID_SESSION, "user " + id + " is " + s.state().name().toLowerCase().replace('_', ' ')
                    + ": log in again");
        }
        return s;
    }

    /**
     * Refreshes, or joins the refresh already in flight. A caller that becomes the leader after
     * another refresh finished (the access token is no longer the one it saw) takes that result
     * instead of refreshing again.
     *
     * @param seenToken the access token the caller found stale (or wants replaced)
     */
    private UserSnapshot refresh(String seenToken) {
        CompletableFuture<UserSnapshot> shared;
        boolean leader = false;
        synchronized (refreshLock) {
            if (refreshInFlight == null) {
                refreshInFlight = new CompletableFuture<>();
                leader = true;
            }
            shared = refreshInFlight;
        }
        if (leader) {
            try {
                UserSnapshot now = snapshot;
                boolean refreshedMeanwhile = now.state() == UserState.LOGGED_IN && !seenToken.equals(now.accessToken());
                shared.complete(refreshedMeanwhile ? now : backedOffRefresh());
            } catch (Throwable t) {
                // Whatever happens, followers waiting on this refresh must be released.
                shared.completeExceptionally(t);
            } finally {
                synchronized (refreshLock) {
                    refreshInFlight = null;
                }
            }
        }
        try {
            return shared.join();
        } catch (CompletionException e) {
            throw Async.unwrap(e);
        }
    }

    /**
     * One refresh, unless an earlier one failed for a transient reason (the network, the server)
     * too recently: then it fails at once, with that reason and how long to wait, so an app that
     * asks for a token in a loop does not hammer a server that is down. The wait doubles from 1 s
     * to 5 minutes with each failure in a row (or is what the server's Retry-After said, if longer),
     * and a success resets it. Only the leader of a single-flight refresh gets here.
     */
    private UserSnapshot backedOffRefresh() {
        Instant now = app.clock().instant();
        synchronized (refreshLock) {
            if (now.isBefore(nextRefreshAllowed)) {
                Duration wait = Duration.between(now, nextRefreshAllowed);
                throw AuthException.retryLater(lastRefreshFailure.code(), "refreshing the session of user " + id
                        + " failed " + failedRefreshes + " time(s) in a row (" + lastRefreshFailure.getMessage()
                        + "); not trying again for " + Math.max(1, wait.toSeconds()) + " s", wait);
            }
        }
        try {
            UserSnapshot after = app.refresh(this);
            synchronized (refreshLock) {
                failedRefreshes = 0;
                nextRefreshAllowed = Instant.MIN;
                lastRefreshFailure = null;
            }
            return after;
        } catch (AuthException e) {
            if (TRANSIENT.contains(e.code())) {
                synchronized (refreshLock) {
                    failedRefreshes++;
                    Duration wait = BACKOFF_FIRST.multipliedBy(1L << Math.min(failedRefreshes - 1, 16));
                    if (wait.compareTo(BACKOFF_MAX) > 0) {
                        wait = BACKOFF_MAX;
                    }
                    if (e.retryAfter().isPresent() && e.retryAfter().get().compareTo(wait) > 0) {
                        wait = e.retryAfter().get();
                    }
                    nextRefreshAllowed = app.clock().instant().plus(wait);
                    lastRefreshFailure = e;
                }
            }
            throw e;
        }
    }

    @Override
    public String toString() {
        UserSnapshot s = snapshot;
        return "User[" + id + ", " + s.state() + ", " + s.providerType() + "]";
    }
}
