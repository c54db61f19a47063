package dev.latchkey.benchmarks;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Runs one operation on N threads for a warm-up and then a fixed measuring window, recording
 * every operation's latency in a per-thread HdrHistogram (fixed size: memory does not grow with
 * the number of operations). Closed loop: each thread starts its next call when the last returns.
 */
final class LoadRun {
    /** Latencies above this are recorded as this; a log-in never comes near it. */
    private static final long HIGHEST_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** Keeps results alive so no call can be optimised away. */
    private static volatile int sink;

    /** One call. */
    @FunctionalInterface
    interface Call {
        Object run(SplittableRandom random);
    }

    private LoadRun() {
    }

    static Measurement run(int threads, Duration warmup, Duration measure, long seed, CpuMonitor cpu, Call call)
            throws InterruptedException {
        Worker[] workers = new Worker[threads];
        CountDownLatch go = new CountDownLatch(1);
        long[] origin = new long[1];
        for (int t = 0; t < threads; t++) {
            workers[t] = new Worker(call, new SplittableRandom(seed * 31 + t), go, origin, warmup.toNanos(), measure.toNanos());
            workers[t].setName("bench-worker-" + t);
            workers[t].start();
        }
        synchronized (origin) {
            origin[0] = System.nanoTime();
        }
        go.countDown();
        long untilMeasuring = origin[0] + warmup.toNanos() - System.nanoTime();
        if (untilMeasuring > 0) {
            TimeUnit.NANOSECONDS.sleep(untilMeasuring);
        }
        CpuMonitor.Snapshot before = cpu.snapshot();
        Histogram all = new Histogram(HIGHEST_NANOS, 3);
        long ops = 0;
        long errors = 0;
        double rate = 0;
        for (Worker w : workers) {
            w.join();
            all.add(w.histogram);
            ops += w.ops;
            errors += w.errors;
            rate += w.ops / Math.max(1e-9, (w.lastEnd - w.firstStart) / 1e9);
            if (w.firstError != null) {
                Progress.say("  %s: %,d errors, first: %s", w.getName(), w.errors, w.firstError);
            }
        }
        CpuMonitor.Usage usage = cpu.between(before, cpu.snapshot());
        return new Measurement(ops, errors, rate, micros(all.getValueAtPercentile(50)), micros(all.getValueAtPercentile(99)),
                micros(all.getValueAtPercentile(99.9)), micros(all.getMaxValue()), usage.ourCores(), usage.otherCores(), usage.ioWaitCores(),
                usage.diskReadMbPerSecond(), 1);
    }

    private static double micros(long nanos) {
        return nanos / 1_000.0;
    }

    private static final class Worker extends Thread {
        private final Call call;
        private final SplittableRandom random;
        private final CountDownLatch go;
        private final long[] origin;
        private final long warmupNanos;
        private final long measureNanos;
        final Histogram histogram = new Histogram(HIGHEST_NANOS, 3);
        long ops;
        long errors;
        long firstStart;
        long lastEnd;
        String firstError;

        Worker(Call call, SplittableRandom random, CountDownLatch go, long[] origin, long warmupNanos, long measureNanos) {
            this.call = call;
            this.random = random;
            this.go = go;
            this.origin = origin;
            this.warmupNanos = warmupNanos;
            this.measureNanos = measureNanos;
        }

        @Override
        public void run() {
            try {
                go.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            long start;
            synchronized (origin) {
                start = origin[0];
            }
            long measureFrom = start + warmupNanos;
            long measureUntil = measureFrom + measureNanos;
            int local = 0;
            while (System.nanoTime() < measureFrom) {
                try {
                    local ^= System.identityHashCode(call.run(random));
                } catch (RuntimeException e) {
                    noteError(e);
                }
            }
            errors = 0;
            firstStart = System.nanoTime();
            lastEnd = firstStart;
            while (true) {
                long s = System.nanoTime();
                if (s >= measureUntil) {
                    break;
                }
                try {
                    local ^= System.identityHashCode(call.run(random));
                    long e = System.nanoTime();
                    histogram.recordValue(Math.min(e - s, HIGHEST_NANOS));
                    ops++;
                    lastEnd = e;
                } catch (RuntimeException e) {
                    noteError(e);
                    lastEnd = System.nanoTime();
                }
            }
            sink ^= local;
        }

        private void noteError(RuntimeException e) {
            errors++;
            if (firstError == null) {
                firstError = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
        }
    }
}
