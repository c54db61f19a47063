package dev.latchkey.core.engine;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.core.LatchkeyOptions;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;

/**
 * The services an engine shares with its providers: one HTTP client, one scheduler, one source of
 * randomness. Owned by the engine and closed with it.
 */
@Singleton
public final class EngineServices implements AutoCloseable {
    /** Timeouts for calls to identity providers: a stalled backend must not hold a log-in for long. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(15);

    private final OkHttpClient http;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService worker;
    private final SecureRandom random;
    /** What {@link #get} offers providers: the engine's own services, then the application's. */
    private final Map<Class<?>, Object> byType;

    /**
     * Creates the services.
     *
     * @param random the engine's random source
     * @param options the app's options, with the services the application registered for its providers
     */
    @Inject
    public EngineServices(SecureRandom random, LatchkeyOptions options) {
        this.random = random;
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(2, DaemonThreads.named("latchkey-scheduler"));
        pool.setRemoveOnCancelPolicy(true);
        this.scheduler = pool;
        this.worker = Executors.newCachedThreadPool(DaemonThreads.named("latchkey-worker"));
        this.http = new OkHttpClient.Builder()
                .connectTimeout(CONNECT_TIMEOUT)
                .readTimeout(READ_TIMEOUT)
                .writeTimeout(READ_TIMEOUT)
                .callTimeout(CALL_TIMEOUT)
                // Identity-provider endpoints answer directly; following redirects would let a
                // misbehaving backend point our requests anywhere.
                .followRedirects(false)
                .followSslRedirects(false)
                .build();
        Map<Class<?>, Object> all = new HashMap<>(options.services());
        all.put(OkHttpClient.class, http);
        all.put(ScheduledExecutorService.class, scheduler);
        all.put(ExecutorService.class, worker);
        all.put(SecureRandom.class, random);
        this.byType = Map.copyOf(all);
    }

    /**
     * The shared HTTP client.
     *
     * @return the client
     */
    public OkHttpClient http() {
        return http;
    }

    /**
     * The shared scheduler (daemon threads).
     *
     * @return the scheduler
     */
    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /**
     * The threads that run the engine's {@code ...Async} calls.
     *
     * @return the executor
     */
    public ExecutorService worker() {
        return worker;
    }

    /**
     * A service by type, for {@link dev.latchkey.api.spi.ProviderContext#service(Class)}.
     *
     * @param type the service type
     * @param <T> the service type
     * @return the service
     */
    <T> T get(Class<T> type) {
        return find(type).orElseThrow(() -> new AuthException(ErrorCode.CONFIGURATION, "no service of type "
                + type.getName() + " is available: the engine offers OkHttpClient, ScheduledExecutorService, ExecutorService"
                + " and SecureRandom; register others with .service(" + type.getSimpleName() + ".class, ...) on the builder"));
    }

    /**
     * A service by type that may be absent, for {@link dev.latchkey.api.spi.ProviderContext#optionalService(Class)}.
     *
     * @param type the service type
     * @param <T> the service type
     * @return the service, or empty
     */
    <T> Optional<T> find(Class<T> type) {
        return Optional.ofNullable(byType.get(type)).map(type::cast);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        worker.shutdown();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
            // Work already handed to the workers (a registration's store writes under enumeration
            // protection, a mail being sent) gets a moment to finish before the store closes under it.
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
