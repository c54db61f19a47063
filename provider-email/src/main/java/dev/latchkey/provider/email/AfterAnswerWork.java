package dev.latchkey.provider.email;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Work that must not run on the caller's thread (under enumeration protection, whatever depends on
 * the address having an account), bounded both ways: at most {@code maxRunning} tasks of the
 * engine's executor take work from one queue, and at most {@code maxPending} pieces of work wait.
 * A caller cannot make threads without limit by asking cheaply and often; work beyond the bound is
 * dropped and logged, which tells nothing about any account (the decision happens before the
 * account is looked at).
 */
final class AfterAnswerWork {
    private static final System.Logger LOG = System.getLogger(AfterAnswerWork.class.getName());
    static final int MAX_RUNNING = 2;
    static final int MAX_PENDING = 1_000;

    private record Job(String what, Runnable work) {
    }

    private final Executor executor;
    private final int maxRunning;
    private final int maxPending;
    private final Queue<Job> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();

    AfterAnswerWork(Executor executor, int maxRunning, int maxPending) {
        this.executor = executor;
        this.maxRunning = maxRunning;
        this.maxPending = maxPending;
    }

    /**
     * Queues work; returns at once and never throws.
     *
     * @param what what the work is, for the log (never an address)
     * @param work the work
     */
    void submit(String what, Runnable work) {
        if (pending.incrementAndGet() > maxPending) {
            pending.decrementAndGet();
            LOG.log(System.Logger.Level.WARNING, "dropped the {0} of an email/password account: {1} pieces of work are waiting",
                    what, maxPending);
            return;
        }
        queue.add(new Job(what, work));
        startDrainer();
    }

    private void startDrainer() {
        while (true) {
            int n = running.get();
            if (n >= maxRunning) {
                return;
            }
            if (running.compareAndSet(n, n + 1)) {
                break;
            }
        }
        try {
            executor.execute(this::drain);
        } catch (RejectedExecutionException e) {
            running.decrementAndGet();
            Job dropped = queue.poll();
            if (dropped != null) {
                pending.decrementAndGet();
                LOG.log(System.Logger.Level.WARNING, "dropped the {0} of an email/password account: the engine is closing",
                        dropped.what());
            }
        }
    }

    private void drain() {
        try {
            for (Job job = queue.poll(); job != null; job = queue.poll()) {
                pending.decrementAndGet();
                run(job);
            }
        } finally {
            running.decrementAndGet();
        }
        // Work added after the last poll but before the decrement found every drainer busy: take it up.
        if (!queue.isEmpty()) {
            startDrainer();
        }
    }

    private static void run(Job job) {
        try {
            job.work().run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "the {0} of an email/password account failed after the answer: {1}",
                    job.what(), e.getClass().getName());
        }
    }
}
