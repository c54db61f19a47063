package dev.latchkey.core.client;

import dev.latchkey.api.AuthChange;
import dev.latchkey.api.AuthChangeListener;
import dev.latchkey.api.Subscription;
import dev.latchkey.core.engine.DaemonThreads;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * Delivers changes on one thread, in the order they were emitted. Emitting only queues, so it
 * is safe while holding the app's lock; delivery never holds it, so a listener may call back
 * into the app.
 */
final class EventDispatcher implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EventDispatcher.class.getName());

    private final ExecutorService thread = Executors.newSingleThreadExecutor(DaemonThreads.named("latchkey-events"));
    private final List<AuthChangeListener> appListeners = new CopyOnWriteArrayList<>();

    Subscription addAppListener(AuthChangeListener listener) {
        return subscribe(appListeners, listener);
    }

    static Subscription subscribe(List<AuthChangeListener> listeners, AuthChangeListener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    void emit(AuthChange change, List<AuthChangeListener> userListeners) {
        try {
            thread.execute(() -> {
                deliver(appListeners, change);
                deliver(userListeners, change);
            });
        } catch (RejectedExecutionException closed) {
            // The app is closed: nobody is listening any more.
        }
    }

    private static void deliver(List<AuthChangeListener> listeners, AuthChange change) {
        for (AuthChangeListener listener : listeners) {
            try {
                listener.onChange(change);
            } catch (VirtualMachineError fatal) {
                throw fatal;
            } catch (Throwable e) {
                // An AssertionError in a test's listener is as much a listener bug as an exception.
                LOG.log(System.Logger.Level.WARNING, "an auth-change listener threw {0}; the other listeners still get {1}",
                        e.getClass().getName(), change.type());
            }
        }
    }

    @Override
    public void close() {
        thread.shutdown();
    }
}
