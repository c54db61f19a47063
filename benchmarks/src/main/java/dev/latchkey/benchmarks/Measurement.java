package dev.latchkey.benchmarks;

/**
 * One measured run of one cell: the operations that started inside the measuring window.
 *
 * @param ops operations that succeeded
 * @param errors operations that threw (not in the latencies)
 * @param opsPerSecond the sum over threads of each thread's successes per second
 * @param p50Micros median latency
 * @param p99Micros 99th percentile
 * @param p999Micros 99.9th percentile
 * @param maxMicros slowest operation
 * @param ourCores CPU used by this JVM and our PostgreSQL server while measuring, in cores
 * @param otherCores CPU used by every other process (and stolen by the hypervisor), in cores
 * @param ioWaitCores time the machine's cores sat idle waiting for I/O, in cores
 * @param diskReadMbPerSecond reads from block devices (page-cache misses), MB/s
 * @param attempts how many times the cell was run before this measurement was kept
 */
record Measurement(long ops, long errors, double opsPerSecond, double p50Micros, double p99Micros, double p999Micros,
                   double maxMicros, double ourCores, double otherCores, double ioWaitCores, double diskReadMbPerSecond,
                   int attempts) {

    Measurement withAttempts(int attempts) {
        return new Measurement(ops, errors, opsPerSecond, p50Micros, p99Micros, p999Micros, maxMicros, ourCores, otherCores, ioWaitCores,
                diskReadMbPerSecond, attempts);
    }
}
