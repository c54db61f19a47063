package dev.latchkey.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * How much CPU the processes of this benchmark (this JVM and the PostgreSQL server it started, or
 * this JVM and its child processes, such as JMH's forked JVMs) used
 * over an interval, and how much everything else on the machine did. The machine is shared (a
 * build or test run of another checkout may be running), so a measurement that other processes
 * disturbed is recognisable and can be repeated. Reads Linux's /proc; elsewhere it reports nothing.
 */
final class CpuMonitor {
    /** USER_HZ: the unit of /proc's CPU times, 100 on every Linux architecture Java runs on. */
    private static final double TICKS_PER_SECOND = 100.0;
    private static final Path PROC = Path.of("/proc");

    private final long jvmPid = ProcessHandle.current().pid();
    private final long postmasterPid;
    private final boolean withChildren;
    private final boolean available = Files.isReadable(PROC.resolve("stat"));

    /** @param postgresPort the port of the PostgreSQL server this run started, or 0 */
    CpuMonitor(int postgresPort) {
        this.postmasterPid = postgresPort > 0 ? findPostmaster(postgresPort).orElse(-1) : -1;
        this.withChildren = false;
    }

    private CpuMonitor(boolean withChildren) {
        this.postmasterPid = -1;
        this.withChildren = withChildren;
    }

    /**
     * Counts this JVM and its direct children (JMH's forks) as ours: a running child's CPU time
     * from its own /proc entry, a finished one's from this JVM's {@code cutime + cstime}, where
     * the kernel adds it once the child has been waited for (JMH waits for its forks).
     */
    static CpuMonitor withChildren() {
        return new CpuMonitor(true);
    }

    boolean available() {
        return available;
    }

    boolean seesPostgres() {
        return postmasterPid > 0;
    }

    /** CPU time so far, in ticks: the machine's busy time (steal included) and our processes'. */
    record Snapshot(long nanos, long machineBusy, long ours, long ioWait, long diskReadKb) {
    }

    /** CPU used between two snapshots, in cores (1.0 = one core busy the whole time). */
    record Usage(double ourCores, double otherCores, double ioWaitCores, double diskReadMbPerSecond) {
        static final Usage UNKNOWN = new Usage(Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }

    Snapshot snapshot() {
        if (!available) {
            return new Snapshot(System.nanoTime(), 0, 0, 0, 0);
        }
        long ours = 0;
        long[] machine = machine();
        long busy = machine[0];
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(PROC, p -> p.getFileName().toString().matches("[0-9]+"))) {
            for (Path p : processes) {
                long[] stat = stat(p);
                if (stat == null) {
                    continue;
                }
                long pid = stat[0];
                long ppid = stat[1];
                if (pid == jvmPid || (withChildren && ppid == jvmPid)
                        || (postmasterPid > 0 && (pid == postmasterPid || ppid == postmasterPid))) {
                    ours += stat[2];
                }
                if (withChildren && pid == jvmPid) {
                    ours += stat[3];
                }
            }
        } catch (IOException e) {
            return new Snapshot(System.nanoTime(), 0, 0, 0, 0);
        }
        return new Snapshot(System.nanoTime(), busy, ours, machine[1], diskReadKb());
    }

    Usage between(Snapshot a, Snapshot b) {
        if (!available || b.machineBusy() == 0 || a.machineBusy() == 0) {
            return Usage.UNKNOWN;
        }
        double seconds = (b.nanos() - a.nanos()) / 1e9;
        double ours = (b.ours() - a.ours()) / TICKS_PER_SECOND / seconds;
        double all = (b.machineBusy() - a.machineBusy()) / TICKS_PER_SECOND / seconds;
        return new Usage(ours, Math.max(0, all - ours), (b.ioWait() - a.ioWait()) / TICKS_PER_SECOND / seconds,
                (b.diskReadKb() - a.diskReadKb()) / 1024.0 / seconds);
    }

    /** Samples for a moment how busy the machine is with other processes. */
    double otherCoresOver(long millis) throws InterruptedException {
        Snapshot a = snapshot();
        Thread.sleep(millis);
        return between(a, snapshot()).otherCores();
    }

    /** Busy ticks (steal included) and iowait ticks of the whole machine. */
    private static long[] machine() {
        try {
            String first = Files.readAllLines(PROC.resolve("stat"), StandardCharsets.US_ASCII).get(0);
            String[] f = first.trim().split("\\s+");
            // cpu user nice system idle iowait irq softirq steal ...
            long busy = 0;
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
                if (i < f.length) {
                    busy += Long.parseLong(f[i]);
                }
            }
            return new long[] {busy, Long.parseLong(f[5])};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    /** KiB read from block devices since boot (pgpgin of /proc/vmstat): reads the page cache could not serve. */
    private static long diskReadKb() {
        try {
            for (String line : Files.readAllLines(PROC.resolve("vmstat"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("pgpgin ")) {
                    return Long.parseLong(line.substring(7).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // Unknown: report no reads.
        }
        return 0;
    }

    /** pid, ppid, utime + stime, and cutime + cstime (its waited-for children's) of a process, or null when it is gone. */
    private static long[] stat(Path process) {
        try {
            String s = Files.readString(process.resolve("stat"), StandardCharsets.US_ASCII);
            // The command name is in parentheses and may hold spaces: the fields after it are split safely.
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            // f[0] is field 3 (state): ppid is field 4, utime 14, stime 15, cutime 16, cstime 17.
            return new long[] {Long.parseLong(s.substring(0, s.indexOf(' '))), Long.parseLong(f[1]),
                    Long.parseLong(f[11]) + Long.parseLong(f[12]), Long.parseLong(f[13]) + Long.parseLong(f[14])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The postmaster is started as {@code postgres -D <dir> -p <port>}. */
    private static OptionalLong findPostmaster(int port) {
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(PROC, p -> p.getFileName().toString().matches("[0-9]+"))) {
            for (Path p : processes) {
                List<String> args = cmdline(p);
                if (!args.isEmpty() && args.get(0).endsWith("postgres")) {
                    int at = args.indexOf("-p");
                    if (at >= 0 && at + 1 < args.size() && args.get(at + 1).equals(Integer.toString(port))) {
                        return OptionalLong.of(Long.parseLong(p.getFileName().toString()));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // Fall through: PostgreSQL's CPU then counts as other processes', which the report says.
        }
        return OptionalLong.empty();
    }

    private static List<String> cmdline(Path process) {
        try {
            byte[] raw = Files.readAllBytes(process.resolve("cmdline"));
            List<String> args = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < raw.length; i++) {
                if (raw[i] == 0) {
                    args.add(new String(raw, start, i - start, StandardCharsets.UTF_8));
                    start = i + 1;
                }
            }
            if (start < raw.length) {
                args.add(new String(raw, start, raw.length - start, StandardCharsets.UTF_8));
            }
            // pg_ctl -o "-p 5432" may reach the server as one argument "-p 5432" on some shells.
            List<String> split = new ArrayList<>();
            for (String a : args) {
                split.addAll(List.of(a.split(" ")));
            }
            return split;
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
