package dev.latchkey.benchmarks;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link ComparisonTiming} (issue #9) in rounds, each round running its three benchmarks once
 * (a JMH run of its own, N forks) in a shuffled order; before each JMH run it waits a while for the
 * machine to be quiet and records how much CPU other processes used during it. The cases of a
 * benchmark are interleaved inside each fork, so the ratios compare like with like even on a busy
 * machine; the rounds add forks, hence samples of the ratios. {@link TimingReport} turns JMH's JSON
 * into the Markdown report, printed and written beside it.
 */
public final class TimingRun {
    static final List<String> OPERATIONS = List.of("apiKeyInterleaved", "refreshInterleaved", "adminKeyInterleaved");

    static final String USAGE = """
            Usage: benchmarks/run-timing.sh [options]
              --quick                1 round, 2 forks, 3 warm-up + 4 measured iterations of 0.5 s (about 4 minutes)
              --rounds N             rounds; each runs every benchmark once, in a shuffled order (default: 3)
              --ops LIST             which of apiKeyInterleaved, refreshInterleaved, adminKeyInterleaved (default: all)
              --stores LIST          memory, h2 or both, for the api-key and refresh benchmarks (default: memory,h2)
              --forks N              JMH forks per benchmark and round (default: 2)
              --warmup-iterations N  warm-up iterations per fork (default: 5)
              --warmup-time SECONDS  length of a warm-up iteration (default: 1)
              --iterations N         measured iterations per fork (default: 5)
              --time SECONDS         length of a measured iteration (default: 1)
              --jvm-opts "FLAGS"     the forked JVMs' flags (default: "-Xms1g -Xmx1g")
              --quiet-below C        wait before each JMH run until other processes use under C cores (default: 0.25)
              --max-wait SECONDS     longest such wait (default: 20)
              --seed N               seeds the order of the benchmarks in each round (default: 42)
              --out DIR              where the JSON results, JMH's logs and report.md go (default: target/timing-<UTC time>)
              --report DIR           measure nothing: print the report of an earlier run's directory
            """;

    private TimingRun() {
    }

    /** The command line. */
    record Settings(int rounds, List<String> operations, List<String> stores, int forks, int warmupIterations, double warmupSeconds,
                    int iterations, double seconds, List<String> jvmOpts, double quietBelow, double maxWaitSeconds, long seed, Path out,
                    Path reportOnly) {

        static Settings parse(String[] args) {
            int rounds = 3;
            List<String> operations = OPERATIONS;
            List<String> stores = List.of("memory", "h2");
            int forks = 2;
            int warmupIterations = 5;
            double warmupSeconds = 1;
            int iterations = 5;
            double seconds = 1;
            List<String> jvmOpts = List.of("-Xms1g", "-Xmx1g");
            double quietBelow = 0.25;
            double maxWait = 20;
            long seed = 42;
            Path out = Path.of("target", "timing-" + Instant.now().toString().replaceAll("[-:]|\\.\\d+", ""));
            Path reportOnly = null;
            for (int i = 0; i < args.length; i++) {
                String name = args[i];
                if (name.equals("--help") || name.equals("-h")) {
                    throw new IllegalArgumentException("");
                }
                if (name.equals("--quick")) {
                    rounds = 1;
                    warmupIterations = 3;
                    warmupSeconds = 0.5;
                    iterations = 4;
                    seconds = 0.5;
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(name + " needs a value");
                }
                String value = args[++i];
                switch (name) {
                    case "--rounds" -> rounds = positive(name, value);
                    case "--ops" -> operations = list(name, value, OPERATIONS);
                    case "--stores" -> stores = list(name, value, List.of("memory", "h2"));
                    case "--forks" -> forks = positive(name, value);
                    case "--warmup-iterations" -> warmupIterations = Integer.parseInt(value);
                    case "--warmup-time" -> warmupSeconds = Double.parseDouble(value);
                    case "--iterations" -> iterations = positive(name, value);
                    case "--time" -> seconds = Double.parseDouble(value);
                    case "--jvm-opts" -> jvmOpts = value.isBlank() ? List.of() : List.of(value.trim().split("\\s+"));
                    case "--quiet-below" -> quietBelow = Double.parseDouble(value);
                    case "--max-wait" -> maxWait = Double.parseDouble(value);
                    case "--seed" -> seed = Long.parseLong(value);
                    case "--out" -> out = Path.of(value);
                    case "--report" -> reportOnly = Path.of(value);
                    default -> throw new IllegalArgumentException("unknown option " + name);
                }
            }
            return new Settings(rounds, operations, stores, forks, warmupIterations, warmupSeconds, iterations, seconds, jvmOpts,
                    quietBelow, maxWait, seed, out, reportOnly);
        }

        private static List<String> list(String name, String value, List<String> allowed) {
            List<String> items = Arrays.stream(value.split(",")).map(String::trim).toList();
            for (String item : items) {
                if (!allowed.contains(item)) {
                    throw new IllegalArgumentException(name + ": no " + item + "; choose from " + String.join(",", allowed));
                }
            }
            return items;
        }

        private static int positive(String name, String value) {
            int n = Integer.parseInt(value);
            if (n < 1) {
                throw new IllegalArgumentException(name + " must be at least 1");
            }
            return n;
        }
    }

    /**
     * Runs the benchmarks, or with {@code --report} only reports an earlier run; see {@link #USAGE}.
     *
     * @param args the options
     * @throws Exception when the run fails
     */
    public static void main(String[] args) throws Exception {
        Settings settings;
        try {
            settings = Settings.parse(args);
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().isEmpty()) {
                System.err.println(e.getMessage());
            }
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        Path dir = settings.reportOnly() != null ? settings.reportOnly() : settings.out();
        if (settings.reportOnly() == null) {
            measure(settings, String.join(" ", args));
        }
        String report = TimingReport.fromDirectory(dir).markdown();
        Files.writeString(dir.resolve("report.md"), report, StandardCharsets.UTF_8);
        System.out.print(report);
        Progress.say("report written to %s", dir.resolve("report.md"));
    }

    private static void measure(Settings s, String commandLine) throws IOException, InterruptedException, RunnerException {
        Path dir = s.out();
        Files.createDirectories(dir);
        CpuMonitor cpu = CpuMonitor.withChildren();
        Random random = new Random(s.seed());
        try (PrintWriter runs = new PrintWriter(Files.newBufferedWriter(dir.resolve(TimingReport.RUNS_FILE), StandardCharsets.UTF_8))) {
            runs.println("# " + describe(s, commandLine));
            runs.println("round\tbenchmark\tour_cores\tother_cores\tseconds");
            runs.flush();
            for (int round = 1; round <= s.rounds(); round++) {
                List<String> order = new ArrayList<>(s.operations());
                Collections.shuffle(order, random);
                Progress.say("round %d of %d: %s", round, s.rounds(), String.join(", ", order));
                for (String op : order) {
                    waitForQuiet(s, cpu);
                    String name = "round-" + round + "-" + op;
                    CpuMonitor.Snapshot before = cpu.snapshot();
                    new Runner(options(s, op, dir.resolve(name + ".json"), dir.resolve(name + ".log"))).run();
                    CpuMonitor.Snapshot after = cpu.snapshot();
                    CpuMonitor.Usage usage = cpu.between(before, after);
                    double seconds = (after.nanos() - before.nanos()) / 1e9;
                    runs.println(String.format(Locale.ROOT, "%d\t%s\t%.2f\t%.2f\t%.1f", round, op, usage.ourCores(), usage.otherCores(),
                            seconds));
                    runs.flush();
                    Progress.say("  %-20s %.0f s, CPU ours %.2f / others %.2f cores", op, seconds, usage.ourCores(), usage.otherCores());
                }
            }
        }
    }

    private static String describe(Settings s, String commandLine) {
        return String.format(Locale.ROOT, "%s; %s %s; %d cores; %d rounds × %d forks per benchmark (and store), warm-up %d × %s s,"
                        + " measured %d × %s s per fork; forked JVMs: `%s`; command: `benchmarks/run-timing.sh%s`",
                Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), System.getProperty("java.vm.name"),
                System.getProperty("java.runtime.version"), Runtime.getRuntime().availableProcessors(), s.rounds(), s.forks(),
                s.warmupIterations(), EmailTimingReport.fmt(s.warmupSeconds(), 1), s.iterations(), EmailTimingReport.fmt(s.seconds(), 1),
                String.join(" ", s.jvmOpts()), commandLine.isEmpty() ? "" : " " + commandLine);
    }

    private static org.openjdk.jmh.runner.options.Options options(Settings s, String op, Path json, Path log) {
        return new OptionsBuilder()
                .include("^" + Pattern.quote(ComparisonTiming.class.getName() + "." + op) + "$")
                .forks(s.forks())
                .warmupIterations(s.warmupIterations())
                .warmupTime(TimeValue.milliseconds(Math.round(s.warmupSeconds() * 1000)))
                .measurementIterations(s.iterations())
                .measurementTime(TimeValue.milliseconds(Math.round(s.seconds() * 1000)))
                .threads(1)
                .jvmArgs(s.jvmOpts().toArray(String[]::new))
                .param("store", s.stores().toArray(String[]::new))
                .resultFormat(ResultFormatType.JSON)
                .result(json.toString())
                .output(log.toString())
                .build();
    }

    private static void waitForQuiet(Settings s, CpuMonitor cpu) throws InterruptedException {
        if (!cpu.available()) {
            return;
        }
        long deadline = System.nanoTime() + (long) (s.maxWaitSeconds() * 1e9);
        double others = cpu.otherCoresOver(1000);
        while (others > s.quietBelow() && System.nanoTime() < deadline) {
            others = cpu.otherCoresOver(2000);
        }
        if (others > s.quietBelow()) {
            Progress.say("  running anyway: other processes use %.2f cores", others);
        }
    }
}
