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
    private final DefaultAuthApp app;
    private final String id;
    private final List<AuthChangeListener> listeners = new CopyOnWriteArrayList<>();
    private final Object refreshLock = new Object();
    private volatile UserSnapshot snapshot;
    private CompletableFuture<UserSnapshot> refreshInFlight;

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
                shared.complete(refreshedMeanwhile ? now : app.refresh(this));
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

    @Override
    public String toString() {
        UserSnapshot s = snapshot;
        return "User[" + id + ", " + s.state() + ", " + s.providerType() + "]";
    }
}
