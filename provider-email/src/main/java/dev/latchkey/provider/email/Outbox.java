package dev.latchkey.provider.email;

import java.time.Duration;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends mail off the caller's thread, so that registering or asking for a reset never waits for
 * an SMTP server, and retries a failed send with growing delays (the first retry after
 * {@code firstRetryDelay}, each further one after twice the previous wait). A failure that trying
 * again cannot cure (the server refused the log-in, answered 5xx, or the address is invalid) ends
 * the retries at once.
 *
 * <p>The outbox is bounded, so that a flood of requests while the server stalls costs neither
 * unlimited threads nor unlimited memory: at most {@code maxConcurrentSends} mails are being sent at
 * once (no more tasks than that run on the executor; they take mails from one queue, oldest first,
 * until it is empty), and at most {@code maxPending} mails are accepted and not yet finished
 * (queued, being sent, or waiting for a retry). A mail waiting for a retry holds no executor
 * thread: when its delay is over it goes back into the queue. A mail beyond {@code maxPending} is
 * given up on at once, like a mail to a closed outbox.
 *
 * <p>A mail that is not delivered is reported, never swallowed: its future fails with a
 * {@link MailDeliveryException}, one line is logged at {@code WARNING} through {@link System.Logger},
 * and the {@link MailFailureListener} is called once. The log line names the recipient's domain
 * (not the whole address: the log keeps less personal data than the listener, which the application
 * controls, receives), the kind, the number of attempts and the safe reason; never the body, which
 * carries the link. A listener that throws is logged and does not disturb the outbox.
 *
 * <p>The outbox does not own its executors: the caller shuts them down. After {@link #close()}, when
 * the outbox is full, or when an executor refuses a task, a mail fails (future, log, listener)
 * instead of throwing into the caller; only then does the caller's thread do any of the reporting.
 * Thread-safe.
 */
final class Outbox implements AutoCloseable {
    /** The default limit on mails being sent at once: the SMTP connections the outbox holds open. */
    static final int MAX_CONCURRENT_SENDS = 4;
    /** The default limit on mails accepted and not finished: queued, being sent, or waiting for a retry. */
    static final int MAX_PENDING = 1_000;

    private static final System.Logger LOG = System.getLogger(Outbox.class.getName());
    /** 2^16 times the first delay is past any useful wait; beyond it the delay stops growing. */
    private static final int MAX_DOUBLINGS = 16;

    private final MailSender sender;
    private final Executor executor;
    private final ScheduledExecutorService scheduler;
    private final int maxAttempts;
    private final Duration firstRetryDelay;
    private final MailFailureListener listener;
    private final int maxConcurrentSends;
    private final int maxPending;
    /** Attempts due now, oldest first. */
    private final Queue<Send> queue = new ConcurrentLinkedQueue<>();
    /** Tasks handed to the executor and not yet finished: each takes from {@link #queue} until it is empty. */
    private final AtomicInteger drainers = new AtomicInteger();
    /** Mails accepted and not yet delivered or given up on. */
    private final AtomicInteger pending = new AtomicInteger();
    private volatile boolean closed;

    /**
     * Makes an outbox with the default limits, {@link #MAX_CONCURRENT_SENDS} and {@link #MAX_PENDING}.
     *
     * @param sender what sends one mail, blocking
     * @param executor where sending runs
     * @param scheduler what waits between attempts (a retry due goes back into the queue)
     * @param maxAttempts how often one mail is tried, at least 1
     * @param firstRetryDelay the wait before the first retry, not negative
     * @param listener told of every mail given up on
     */
    Outbox(MailSender sender, Executor executor, ScheduledExecutorService scheduler, int maxAttempts,
           Duration firstRetryDelay, MailFailureListener listener) {
        this(sender, executor, scheduler, maxAttempts, firstRetryDelay, listener, MAX_CONCURRENT_SENDS, MAX_PENDING);
    }

    /**
     * Makes an outbox.
     *
     * @param sender what sends one mail, blocking
     * @param executor where sending runs
     * @param scheduler what waits between attempts (a retry due goes back into the queue)
     * @param maxAttempts how often one mail is tried, at least 1
     * @param firstRetryDelay the wait before the first retry, not negative
     * @param listener told of every mail given up on
     * @param maxConcurrentSends how many mails may be sent at once (tasks on {@code executor}), at least 1
     * @param maxPending how many mails may be accepted and not finished, at least 1
     */
    Outbox(MailSender sender, Executor executor, ScheduledExecutorService scheduler, int maxAttempts,
           Duration firstRetryDelay, MailFailureListener listener, int maxConcurrentSends, int maxPending) {
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
        if (maxConcurrentSends < 1) {
            throw new IllegalArgumentException("maxConcurrentSends must be at least 1");
        }
        if (maxPending < 1) {
            throw new IllegalArgumentException("maxPending must be at least 1");
        }
        this.maxAttempts = maxAttempts;
        this.maxConcurrentSends = maxConcurrentSends;
        this.maxPending = maxPending;
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
            report(message, kind, 0, "the outbox is closed", result);
        } else if (!reservePending()) {
            report(message, kind, 0, "the outbox is full (" + maxPending + " mails pending)", result);
        } else {
            enqueue(new Send(message, kind, 1, result));
        }
        return result;
    }

    /** Refuses new mail from now on and lets scheduled retries fail. Mail queued or being sent goes on. Idempotent. */
    @Override
    public void close() {
        closed = true;
    }

    private boolean reservePending() {
        while (true) {
            int now = pending.get();
            if (now >= maxPending) {
                return false;
            }
            if (pending.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    private boolean reserveDrainer() {
        while (true) {
            int now = drainers.get();
            if (now >= maxConcurrentSends) {
                return false;
            }
            if (drainers.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    private void enqueue(Send send) {
        queue.add(send);
        // Added before looking at the drainers, and a drainer looks at the queue after it stops
        // counting itself: so either a drainer running now takes this mail, or a new one is started.
        while (!queue.isEmpty() && reserveDrainer()) {
            try {
                executor.execute(this::drain);
                return;
            } catch (RejectedExecutionException e) {
                drainers.decrementAndGet();
                if (drainers.get() > 0) {
                    return; // a drainer that runs, or one still being handed over, takes the queue
                }
                // Nobody will take the queue: give up on its oldest mail (perhaps not this one) and try again.
                Send refused = queue.poll();
                if (refused != null) {
                    giveUp(refused, refused.attempt() - 1, "the mail executor refused the task");
                }
            }
        }
    }

    private void drain() {
        do {
            try {
                for (Send send = queue.poll(); send != null; send = queue.poll()) {
                    send(send);
                }
            } finally {
                drainers.decrementAndGet();
            }
            // A mail added after the last poll, while every drainer still counted, is this one's to take.
        } while (!queue.isEmpty() && reserveDrainer());
    }

    private void send(Send send) {
        MailDeliveryException failure;
        try {
            sender.send(send.message());
            pending.decrementAndGet();
            send.result().complete(null);
            return;
        } catch (MailDeliveryException e) {
            failure = e;
        } catch (RuntimeException | LinkageError | StackOverflowError e) {
            // A bug in a sender or a missing class of the mail stack, not the server: report the class
            // only, its message could hold anything. The mail is given up on, so its place is freed.
            failure = new MailDeliveryException("the sender failed (" + e.getClass().getName() + ")", null,
                    e instanceof LinkageError);
        }
        if (failure.permanent() || send.attempt() >= maxAttempts) {
            giveUp(send, send.attempt(), failure.getMessage());
        } else if (closed) {
            giveUp(send, send.attempt(), "the outbox was closed before a retry (last failure: " + failure.getMessage() + ")");
        } else {
            retryLater(send, failure);
        }
    }

    private void retryLater(Send send, MailDeliveryException failure) {
        long delayMillis = firstRetryDelay.toMillis() << Math.min(send.attempt() - 1, MAX_DOUBLINGS);
        try {
            scheduler.schedule(() -> {
                if (closed) {
                    giveUp(send, send.attempt(), "the outbox was closed before a retry (last failure: " + failure.getMessage() + ")");
                } else {
                    enqueue(new Send(send.message(), send.kind(), send.attempt() + 1, send.result()));
                }
            }, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            giveUp(send, send.attempt(), "the retry scheduler refused the task (last failure: " + failure.getMessage() + ")");
        }
    }

    /** Ends an accepted mail: its place is free before its future fails, so the caller may queue another at once. */
    private void giveUp(Send send, int attempts, String reason) {
        pending.decrementAndGet();
        report(send.message(), send.kind(), attempts, reason, send.result());
    }

    private void report(MailMessage message, MailKind kind, int attempts, String reason, CompletableFuture<Void> result) {
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

    /** One attempt at one mail, due now. */
    private record Send(MailMessage message, MailKind kind, int attempt, CompletableFuture<Void> result) {
    }
}
