package dev.latchkey.benchmarks.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * CPU time and memory of processes, read from Linux's /proc. A value that cannot be read is NaN or -1,
 * and the report shows it as unknown rather than as zero.
 */
final class Proc {
    /** Clock ticks per second, the unit of /proc's CPU times ({@code getconf CLK_TCK}). */
    static final double TICKS_PER_SECOND = clockTicks();

    private Proc() {
    }

    /** utime + stime of a process (fields 14 and 15 of /proc/PID/stat), in seconds; NaN when it is gone. */
    static double cpuSeconds(long pid) {
        try {
            String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            // The command name is in parentheses and may hold spaces: split only what follows it.
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            // f[0] is field 3 (state), so utime (field 14) is f[11] and stime (15) f[12].
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** VmRSS of /proc/PID/status in KiB, or -1. */
    static long rssKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).replace("kB", "").trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // Unknown.
        }
        return -1;
    }

    /**
     * CPU time of a process and of every descendant alive now, in seconds; NaN when the process is gone. A
     * server started through a script ({@code kc.sh} forks {@code java}) is measured as a whole this way.
     */
    static double treeCpuSeconds(ProcessHandle root) {
        double sum = cpuSeconds(root.pid());
        for (ProcessHandle p : root.descendants().toList()) {
            double s = cpuSeconds(p.pid());
            // A descendant that exited between the listing and the read adds nothing.
            sum += Double.isNaN(s) ? 0 : s;
        }
        return sum;
    }

    /** VmRSS of a process and of every descendant alive now, in KiB, or -1 when the process is gone. */
    static long treeRssKib(ProcessHandle root) {
        long sum = rssKib(root.pid());
        if (sum < 0) {
            return -1;
        }
        for (ProcessHandle p : root.descendants().toList()) {
            sum += Math.max(0, rssKib(p.pid()));
        }
        return sum;
    }

    /** CPU time the whole machine has been busy (user, nice, system, irq, softirq, steal of /proc/stat), in seconds. */
    static double machineBusySeconds() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat"), StandardCharsets.US_ASCII).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
                busy += Long.parseLong(f[i]);
            }
            return busy / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    private static double clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return Double.parseDouble(out);
            }
        } catch (IOException | RuntimeException e) {
            // Fall back below.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // USER_HZ is 100 on every Linux architecture the JDK runs on.
        return 100.0;
    }
}
