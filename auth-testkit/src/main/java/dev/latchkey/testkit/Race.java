package dev.latchkey.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs many calls at the same moment, to make races happen in tests: every caller waits at a
 * gate that opens once all are ready, so they collide as hard as the machine allows.
 */
public final class Race {
    /** How long one caller may take before the race counts as hung. */
    public static final Duration TIMEOUT = Duration.ofSeconds(60);

    private Race() {
    }

    /**
     * Runs {@code callers} calls at once, each on its own thread, and returns their results in caller order. The first
     * failure of a call is rethrown (unwrapped when it is a runtime exception or an error).
     *
     * @param callers how many calls
     * @param call what each caller does, given its index
     * @param <T> what a call returns
     * @return the results, by index
     * @throws Exception what a call threw, or a {@link TimeoutException} when one hangs
     */
    public static <T> List<T> run(int callers, Call<T> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        CountDownLatch ready = new CountDownLatch(callers);
        CountDownLatch gate = new CountDownLatch(1);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                int index = i;
                Callable<T> task = () -> {
                    ready.countDown();
                    gate.await();
                    return call.call(index);
                };
                futures.add(pool.submit(task));
            }
            if (!ready.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new TimeoutException("not every racer reached the gate within " + TIMEOUT);
            }
            gate.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                try {
                    results.add(f.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof Exception ex) {
                        throw ex;
                    }
                    if (cause instanceof Error err) {
                        throw err;
                    }
                    throw e;
                }
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * One racer's work.
     *
     * @param <T> what it returns
     */
    @FunctionalInterface
    public interface Call<T> {
        /**
         * Does the work.
         *
         * @param index this caller's index, from 0
         * @return a result
         * @throws Exception anything; the race rethrows it
         */
        T call(int index) throws Exception;
    }
}
