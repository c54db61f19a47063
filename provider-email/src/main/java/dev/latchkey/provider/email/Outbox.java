package dev.latchkey.provider.email;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Sends mail off the caller's thread, so that registering or asking for a reset never waits for
 * an SMTP server, and retries a failed send with growing delays (the first retry after
 * {@code firstRetryDelay}, each further one after twice the previous wait). A failure that trying
 * again cannot cure (the server refused the log-in, answered 5xx, or the address is invalid) ends
 * the retries at once.
 *
 * <p>A mail that is not delivered is reported, never swallowed: its future fails with a
 * {@link MailDeliveryException}, one line is logged at {@code WARNING} through {@link System.Logger},
 * and the {@link MailFailureListener} is called once. The log line names the recipient's domain
 * (not the whole address: the log keeps less personal data than the listener, which the application
 * controls, receives), the kind, the number of attempts and the safe reason; never the body, which
 * carries the link. A listener that throws is logged and does not disturb the outbox.
 *
 * <p>The outbox does not own its executors: the caller shuts them down. After {@link #close()}, or
 * when an executor refuses a task, a mail fails (future, log, listener) instead of throwing into the
 * caller. Thread-safe.
 */
final class Outbox implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Outbox.class.getName());
    /** 2^16 times the first delay is past any useful wait; beyond it the delay stops growing. */
    private static final int MAX_DOUBLINGS = 16;

    private final MailSender sender;
    private final Executor executor;
    private final ScheduledExecutorService scheduler;
    private final int maxAttempts;
    private final Duration firstRetryDelay;
    private final MailFailureListener listener;
    private volatile boolean closed;

    /**
     * Makes an outbox.
     *
     * @param sender what sends one mail, blocking
     * @param executor where sending runs
     * @param scheduler what waits between attempts (a retry is handed from it to {@code executor})
     * @param maxAttempts how often one mail is tried, at least 1
     * @param firstRetryDelay the wait before the first retry, not negative
     * @param listener told of every mail given up on
     */
    Outbox(MailSender sender, Executor executor, ScheduledExecutorService scheduler, int maxAttempts,
           Duration firstRetryDelay, MailFailureListener listener) {
        this.sender = Objects.requireNonNull(sender, "sender");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.firstRetryDelay = Objects.requireNonNull(firstRetryDelay, "firstRetryDelay");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        if (firstRetryDelay.isNegative()) {
            throw new IllegalArgumentException("firstRetryDelay must not be negative");
        }
        this.maxAttempts = maxAttempts;
    }

    /**
     * Queues a mail and returns at once.
     *
     * @param message what to send
     * @param kind what it is, for reports
     * @return completes when the server accepted the mail; fails with a {@link MailDeliveryException}
     *     when it was given up on (after the listener was called)
     */
    CompletableFuture<Void> submit(MailMessage message, MailKind kind) {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(kind, "kind");
        CompletableFuture<Void> result = new CompletableFuture<>();
        if (closed) {
            giveUp(message, kind, 0, "the outbox is closed", result);
        } else {
            attempt(message, kind, 1, result);
        }
        return result;
    }

    /** Refuses new mail from now on and lets scheduled retries fail. Mail being sent goes on. Idempotent. */
    @Override
    public void close() {
        closed = true;
    }

    private void attempt(MailMessage message, MailKind kind, int attempt, CompletableFuture<Void> result) {
        try {
            executor.execute(() -> send(message, kind, attempt, result));
        } catch (RejectedExecutionException e) {
            giveUp(message, kind, attempt - 1, "the mail executor refused the task", result);
        }
    }

    private void send(MailMessage message, MailKind kind, int attempt, CompletableFuture<Void> result) {
        MailDeliveryException failure;
        try {
            sender.send(message);
            result.complete(null);
            return;
        } catch (MailDeliveryException e) {
            failure = e;
        } catch (RuntimeException e) {
            // A bug in a sender, not the server: report the class only, its message could hold anything.
            failure = new MailDeliveryException("the sender failed (" + e.getClass().getName() + ")", null, false);
        }
        if (failure.permanent() || attempt >= maxAttempts) {
            giveUp(message, kind, attempt, failure.getMessage(), result);
        } else if (closed) {
            giveUp(message, kind, attempt, "the outbox was closed before a retry (last failure: " + failure.getMessage() + ")", result);
        } else {
            retryLater(message, kind, attempt, failure, result);
        }
    }

    private void retryLater(MailMessage message, MailKind kind, int attempt, MailDeliveryException failure,
                            CompletableFuture<Void> result) {
        long delayMillis = firstRetryDelay.toMillis() << Math.min(attempt - 1, MAX_DOUBLINGS);
        try {
            scheduler.schedule(() -> {
                if (closed) {
                    giveUp(message, kind, attempt, "the outbox was closed before a retry (last failure: "
                            + failure.getMessage() + ")", result);
                } else {
                    attempt(message, kind, attempt + 1, result);
                }
            }, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            giveUp(message, kind, attempt, "the retry scheduler refused the task (last failure: " + failure.getMessage() + ")", result);
        }
    }

    private void giveUp(MailMessage message, MailKind kind, int attempts, String reason, CompletableFuture<Void> result) {
        MailFailure failure = new MailFailure(message.to(), kind, attempts, reason);
        LOG.log(System.Logger.Level.WARNING, "{0} mail to a recipient at {1} not delivered after {2} attempt(s): {3}",
                kind, domainOf(message.to()), attempts, reason);
        try {
            listener.mailFailed(failure);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "the mail failure listener threw; the failure was logged above", e);
        }
        result.completeExceptionally(new MailDeliveryException(kind + " mail to " + message.to() + " not delivered after "
                + attempts + " attempt(s): " + reason, null, true));
    }

    /** The part after the last '@', without line breaks (the address came from a user). */
    private static String domainOf(String address) {
        int at = address.lastIndexOf('@');
        String domain = at < 0 ? "(no domain)" : address.substring(at + 1);
        return domain.replaceAll("\\p{Cntrl}", "?");
    }
}
