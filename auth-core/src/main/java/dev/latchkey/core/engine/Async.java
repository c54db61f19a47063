package dev.latchkey.core.engine;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;

/** The {@code ...Async} twins: the blocking call on an executor, failing with the call's own {@link AuthException}. */
public final class Async {
    private Async() {
    }

    /**
     * Runs a blocking call on an executor.
     *
     * @param call the call
     * @param executor where to run it
     * @param <T> its result
     * @return a future that completes with the result or the call's exception
     */
    public static <T> CompletableFuture<T> run(Supplier<T> call, Executor executor) {
        CompletableFuture<T> future = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    future.complete(call.get());
                } catch (Throwable t) {
                    future.completeExceptionally(t);
                }
            });
        } catch (RejectedExecutionException e) {
            future.completeExceptionally(new AuthException(ErrorCode.INTERNAL, "the app or engine has been closed"));
        }
        return future;
    }

    /**
     * Runs a blocking call that returns nothing on an executor.
     *
     * @param call the call
     * @param executor where to run it
     * @return a future that completes when the call returns, or with its exception
     */
    public static CompletableFuture<Void> run(Runnable call, Executor executor) {
        return run(() -> {
            call.run();
            return null;
        }, executor);
    }

    /**
     * The exception a failed future's {@code join} hides in a {@link CompletionException}.
     *
     * @param e the exception from {@code join}
     * @return the underlying exception
     */
    public static RuntimeException unwrap(CompletionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException r) {
            return r;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        return e;
    }
}
