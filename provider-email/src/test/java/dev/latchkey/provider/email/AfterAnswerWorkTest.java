package dev.latchkey.provider.email;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Work after the answer runs on few threads, waits in a bounded queue, and is never lost while there is room. */
class AfterAnswerWorkTest {
    private final AtomicInteger tasksGiven = new AtomicInteger();
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final ExecutorService counting = new java.util.concurrent.AbstractExecutorService() {
        @Override
        public void execute(Runnable command) {
            tasksGiven.incrementAndGet();
            threads.execute(command);
        }

        @Override
        public void shutdown() {
            threads.shutdown();
        }

        @Override
        public List<Runnable> shutdownNow() {
            return threads.shutdownNow();
        }

        @Override
        public boolean isShutdown() {
            return threads.isShutdown();
        }

        @Override
        public boolean isTerminated() {
            return threads.isTerminated();
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
            return threads.awaitTermination(timeout, unit);
        }
    };

    @AfterEach
    void close() {
        threads.shutdownNow();
    }

    @Test
    void atMostTheRunnersTakeThreadsAndBeyondTheQueueWorkIsDropped() throws Exception {
        AfterAnswerWork work = new AfterAnswerWork(counting, 2, 5);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch bothBusy = new CountDownLatch(2);
        AtomicInteger done = new AtomicInteger();
        Runnable blocking = () -> {
            bothBusy.countDown();
            await(release);
            done.incrementAndGet();
        };
        work.submit("test", blocking);
        work.submit("test", blocking);
        assertThat(bothBusy.await(10, TimeUnit.SECONDS)).isTrue();
        // Two are running (no longer waiting); five more may wait; the rest are dropped.
        for (int i = 0; i < 10; i++) {
            work.submit("test", done::incrementAndGet);
        }
        release.countDown();
        awaitCount(done, 7);
        assertThat(tasksGiven.get()).isLessThanOrEqualTo(4);
        Thread.sleep(100);
        assertThat(done.get()).isEqualTo(7);
    }

    @Test
    void everythingQueuedRunsAndAFailureStopsNothing() throws Exception {
        AfterAnswerWork work = new AfterAnswerWork(counting, 1, 100);
        List<Integer> order = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 50; i++) {
            int n = i;
            work.submit("test", () -> {
                if (n == 10) {
                    throw new IllegalStateException("one piece fails");
                }
                order.add(n);
            });
        }
        awaitSize(order, 49);
        assertThat(order).doesNotContain(10).isSorted();
    }

    @Test
    void aClosedExecutorDropsWorkWithoutThrowing() {
        threads.shutdown();
        AfterAnswerWork work = new AfterAnswerWork(counting, 2, 10);
        AtomicInteger ran = new AtomicInteger();
        work.submit("test", ran::incrementAndGet);
        assertThat(ran.get()).isZero();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitCount(AtomicInteger count, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (count.get() < expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(count.get()).isGreaterThanOrEqualTo(expected);
    }

    private static void awaitSize(List<?> list, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (list.size() < expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(list).hasSize(expected);
    }
}
