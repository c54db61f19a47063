package dev.latchkey.benchmarks.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import okhttp3.Call;
import okhttp3.ConnectionPool;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.HdrHistogram.Histogram;

/**
 * A closed-loop HTTP load generator: N threads, each with its own OkHttp client and so its own
 * keep-alive connection, send a scenario's requests back to back for a warm-up (not measured) and then
 * a measured window. Every request is bounded by a call timeout, and the threads stop at the window's
 * end, so a run cannot hang. Latencies go into per-thread HdrHistograms in microseconds.
 *
 * <p>Closed loop: a slow answer delays that thread's next request, so the percentiles are those of the
 * requests sent, at this concurrency, not of a fixed arrival rate (no coordinated-omission correction).
 */
final class LoadGenerator {
    private final Duration requestTimeout;
    private final DoubleSupplier serverCpuSeconds;
    private final DoubleSupplier idleServerCpuSeconds;
    private final long selfPid = ProcessHandle.current().pid();

    /**
     * @param requestTimeout the most one request may take, connecting included; a slower one is a failure
     * @param serverCpuSeconds the server's CPU time so far, read at the window's start and end
     */
    LoadGenerator(Duration requestTimeout, DoubleSupplier serverCpuSeconds) {
        this(requestTimeout, serverCpuSeconds, () -> Double.NaN);
    }

    /**
     * @param idleServerCpuSeconds the CPU time so far of another server that runs beside the loaded one but
     *     gets no requests from this generator (its background work is then known too)
     */
    LoadGenerator(Duration requestTimeout, DoubleSupplier serverCpuSeconds, DoubleSupplier idleServerCpuSeconds) {
        this.requestTimeout = requestTimeout;
        this.serverCpuSeconds = serverCpuSeconds;
        this.idleServerCpuSeconds = idleServerCpuSeconds;
    }

    LoadResult run(Scenario scenario, int concurrency, Duration warmup, Duration measure) throws InterruptedException {
        AtomicLong connections = new AtomicLong();
        OkHttpClient base = new OkHttpClient.Builder()
                .callTimeout(requestTimeout)
                .connectTimeout(requestTimeout)
                .readTimeout(requestTimeout)
                .writeTimeout(requestTimeout)
                // A failed request must show as an error, not be retried quietly on a new connection.
                .retryOnConnectionFailure(false)
                .followRedirects(false)
                .eventListener(new EventListener() {
                    @Override
                    public void connectStart(Call call, InetSocketAddress address, Proxy proxy) {
                        connections.incrementAndGet();
                    }
                })
                .build();
        long highestMicros = Math.max(1_000, requestTimeout.toNanos() / 1_000 * 2);
        long warmupEnd = System.nanoTime() + warmup.toNanos();
        long measureEnd = warmupEnd + measure.toNanos();
        Worker[] workers = new Worker[concurrency];
        Thread[] threads = new Thread[concurrency];
        SplittableRandom seeds = new SplittableRandom(scenario.name().hashCode() * 31L + concurrency);
        for (int i = 0; i < concurrency; i++) {
            // Its own pool of one connection: the thread's requests reuse it (keep-alive), never another thread's.
            OkHttpClient client = base.newBuilder().connectionPool(new ConnectionPool(1, 5, TimeUnit.MINUTES)).build();
            workers[i] = new Worker(client, scenario, seeds.split(), warmupEnd, measureEnd, highestMicros);
            threads[i] = new Thread(workers[i], "load-" + scenario.name() + "-" + i);
            threads[i].setDaemon(true);
        }
        for (Thread t : threads) {
            t.start();
        }
        sleepUntil(warmupEnd);
        double server0 = serverCpuSeconds.getAsDouble();
        double idle0 = idleServerCpuSeconds.getAsDouble();
        double client0 = Proc.cpuSeconds(selfPid);
        double machine0 = Proc.machineBusySeconds();
        long windowStart = System.nanoTime();
        sleepUntil(measureEnd);
        double server1 = serverCpuSeconds.getAsDouble();
        double idle1 = idleServerCpuSeconds.getAsDouble();
        double client1 = Proc.cpuSeconds(selfPid);
        double machine1 = Proc.machineBusySeconds();
        double seconds = (System.nanoTime() - windowStart) / 1e9;
        joinAll(threads, workers, measureEnd + requestTimeout.toNanos() + TimeUnit.SECONDS.toNanos(5));

        Histogram latency = new Histogram(highestMicros, 3);
        long ok = 0;
        SortedMap<String, Long> errors = new TreeMap<>();
        String firstError = null;
        long firstErrorAt = Long.MAX_VALUE;
        for (Worker w : workers) {
            latency.add(w.latency);
            ok += w.ok;
            if (w.firstError != null && w.firstErrorAt - firstErrorAt < 0) {
                firstError = w.firstError;
                firstErrorAt = w.firstErrorAt;
            }
            w.errors.forEach((k, v) -> errors.merge(k, v, Long::sum));
            w.client.connectionPool().evictAll();
        }
        return new LoadResult(scenario.name(), concurrency, seconds, ok, latency, errors, connections.get(),
                server1 - server0, client1 - client0, machine1 - machine0, idle1 - idle0, firstError);
    }

    private static void joinAll(Thread[] threads, Worker[] workers, long deadline) throws InterruptedException {
        for (int i = 0; i < threads.length; i++) {
            long left = deadline - System.nanoTime();
            threads[i].join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            if (threads[i].isAlive()) {
                // The call timeout should have ended it; cancel its call so that it does.
                workers[i].client.dispatcher().cancelAll();
                threads[i].join(TimeUnit.SECONDS.toMillis(5));
                if (threads[i].isAlive()) {
                    throw new IllegalStateException(threads[i].getName() + " did not stop after its window");
                }
            }
        }
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    private static final class Worker implements Runnable {
        final OkHttpClient client;
        final Histogram latency;
        final Map<String, Long> errors = new HashMap<>();
        long ok;
        String firstError;
        long firstErrorAt;
        private final List<Request> requests;
        private final int expectedStatus;
        private final String expectedField;
        private final SplittableRandom random;
        private final long warmupEnd;
        private final long measureEnd;
        private final long highestMicros;

        Worker(OkHttpClient client, Scenario scenario, SplittableRandom random, long warmupEnd, long measureEnd,
               long highestMicros) {
            this.client = client;
            this.requests = scenario.requests();
            this.expectedStatus = scenario.expectedStatus();
            this.expectedField = scenario.expectedField();
            this.random = random;
            this.warmupEnd = warmupEnd;
            this.measureEnd = measureEnd;
            this.highestMicros = highestMicros;
            this.latency = new Histogram(highestMicros, 3);
        }

        @Override
        public void run() {
            long start;
            while ((start = System.nanoTime()) - measureEnd < 0) {
                Request request = requests.get(requests.size() == 1 ? 0 : random.nextInt(requests.size()));
                String failure = null;
                String detail = null;
                try (Response response = client.newCall(request).execute()) {
                    // Read the whole body: the answer is complete and the connection free for the next request.
                    byte[] body = response.body().bytes();
                    if (response.code() != expectedStatus) {
                        failure = "HTTP " + response.code();
                    } else if (expectedField != null && !AnswerCheck.hasField(body, expectedField)) {
                        failure = "HTTP " + response.code() + " without " + expectedField;
                    }
                    if (failure != null) {
                        detail = failure + ": " + AnswerCheck.redacted(body);
                    }
                } catch (IOException | RuntimeException e) {
                    failure = e.getClass().getSimpleName();
                    detail = failure;
                }
                long micros = (System.nanoTime() - start) / 1_000;
                boolean measured = start - warmupEnd >= 0;
                if (failure != null) {
                    errors.merge(measured ? failure : "warm-up " + failure, 1L, Long::sum);
                    if (firstError == null) {
                        firstError = (measured ? "" : "warm-up ") + detail;
                        firstErrorAt = start;
                    }
                } else if (measured) {
                    ok++;
                    latency.recordValue(Math.min(micros, highestMicros));
                }
            }
        }
    }
}
