package dev.latchkey.benchmarks.http;

import java.util.Map;
import java.util.SortedMap;
import org.HdrHistogram.Histogram;

/**
 * One measured window of one scenario.
 *
 * @param scenario the scenario's name
 * @param concurrency client threads, each with its own connection
 * @param seconds the measured window's length
 * @param ok answers with the expected status, among requests started in the window
 * @param latency their latencies, in microseconds (failures are not in it)
 * @param errors failures by kind ({@code "HTTP 401"}, {@code "SocketTimeoutException"}) with their counts;
 *     those of the warm-up are prefixed {@code "warm-up "} and are not in {@link #errorCount()}
 * @param connections TCP connections the clients opened during the whole run (warm-up included): with
 *     keep-alive working, one per thread
 * @param serverCpuSeconds CPU time the server used in the window (NaN when unknown)
 * @param clientCpuSeconds CPU time this JVM (the load generator) used in the window
 * @param machineCpuSeconds CPU time the whole machine was busy in the window
 * @param idleServerCpuSeconds CPU time another server, running but not under load, used in the window (NaN
 *     when there is none)
 * @param firstError the first failure's kind with, for a wrong answer, its status and body (redacted), or null
 */
record LoadResult(String scenario, int concurrency, double seconds, long ok, Histogram latency,
                  SortedMap<String, Long> errors, long connections, double serverCpuSeconds, double clientCpuSeconds,
                  double machineCpuSeconds, double idleServerCpuSeconds, String firstError) {

    double requestsPerSecond() {
        return ok / seconds;
    }

    /** Successful requests per CPU-second of the server: what issue #10 compares, as the client shares the cores. */
    double requestsPerServerCpuSecond() {
        return ok / serverCpuSeconds;
    }

    long errorCount() {
        return errors.entrySet().stream().filter(e -> !e.getKey().startsWith("warm-up")).mapToLong(Map.Entry::getValue).sum();
    }

    /**
     * Cores used by processes other than the server, the load generator (and the idle server, when there is
     * one), on average over the window.
     */
    double otherCores() {
        double idle = Double.isNaN(idleServerCpuSeconds) ? 0 : idleServerCpuSeconds;
        return Math.max(0, (machineCpuSeconds - serverCpuSeconds - clientCpuSeconds - idle) / seconds);
    }
}
