package dev.latchkey.benchmarks;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link EmailLogInTiming} (issue #4) the way this noisy 2-core machine needs: in rounds, each
 * round running every operation once (a JMH run of its own with N forks) in a shuffled order, so a
 * slow spell hits all operations alike and a ratio compares forks measured within a minute or two
 * of each other. Before each run it waits for the machine to be quiet, measures how much CPU other
 * processes used during the run, and runs again one that they disturbed (keeping the least
 * disturbed). JMH writes one JSON file per run; {@link EmailTimingReport} turns them into the
 * Markdown report, printed on standard output and written to the output directory.
 */
public final class EmailTimingRun {
    static final List<String> OPERATIONS = List.of("argon2idHashAlone", "logInRightPassword", "logInWrongPassword",
            "logInUnknownAddress", "allFourInterleaved");

    static final String USAGE = """
            Usage: benchmarks/run-email-timing.sh [options]
              --rounds N             rounds; each runs every operation once, in a shuffled order (default: 3); the
                                     operations are EmailLogInTiming's four and allFourInterleaved
              --ops LIST             which of them to run (default: all five)
              --forks N              JMH forks per operation and round (default: 2)
              --warmup-iterations N  JMH warm-up iterations per fork (default: 5)
              --warmup-time SECONDS  length of a warm-up iteration (default: 1)
              --iterations N         JMH measured iterations per fork (default: 5)
              --time SECONDS         length of a measured iteration (default: 1)
              --memory-kib LIST      Argon2id memory of the provider's hashes and of the baseline; a small value such as
                                     64 makes the hash cheap, so the engine's own work shows (default: 19456, the default)
              --jvm-opts "FLAGS"     the forked JVMs' flags (default: "-Xms2g -Xmx2g")
              --quiet-below C        other processes may use at most C cores (default 0.25): the run waits for that before
                                     each JMH run, and runs again one they disturbed more
              --max-wait SECONDS     longest wait for a quiet machine (default: 20)
              --retries N            re-runs of a disturbed JMH run; the least disturbed is kept (default: 0: on a
                                     machine that stays busy, more rounds help more than re-runs)
              --seed N               seeds the order of the operations in each round (default: 42)
              --out DIR              where the JSON results, JMH's logs and report.md go (default: target/email-timing-<UTC time>)
              --report DIR           measure nothing: print the report of an earlier run's directory
            """;

    private EmailTimingRun() {
    }

    /** The command line. */
    record Settings(int rounds, List<String> operations, int forks, int warmupIterations, double warmupSeconds, int iterations, double seconds,
                    List<Integer> memoryKib, List<String> jvmOpts, double quietBelow, double maxWaitSeconds, int retries, long seed,
                    Path out, Path reportOnly) {

        static Settings parse(String[] args) {
            int rounds = 3;
            List<String> operations = OPERATIONS;
            int forks = 2;
            int warmupIterations = 5;
            double warmupSeconds = 1;
            int iterations = 5;
            double seconds = 1;
            List<Integer> memoryKib = List.of(19_456);
            List<String> jvmOpts = List.of("-Xms2g", "-Xmx2g");
            double quietBelow = 0.25;
            double maxWait = 20;
            int retries = 0;
            long seed = 42;
            Path out = Path.of("target", "email-timing-" + Instant.now().toString().replaceAll("[-:]|\\.\\d+", ""));
            Path reportOnly = null;
            for (int i = 0; i < args.length; i++) {
                String name = args[i];
                if (name.equals("--help") || name.equals("-h")) {
                    throw new IllegalArgumentException("");
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(name + " needs a value");
                }
                String value = args[++i];
                switch (name) {
                    case "--rounds" -> rounds = positive(name, value);
                    case "--ops" -> operations = operations(value);
                    case "--forks" -> forks = positive(name, value);
                    case "--warmup-iterations" -> warmupIterations = Integer.parseInt(value);
                    case "--warmup-time" -> warmupSeconds = Double.parseDouble(value);
                    case "--iterations" -> iterations = positive(name, value);
                    case "--time" -> seconds = Double.parseDouble(value);
                    case "--memory-kib" -> memoryKib = Arrays.stream(value.split(",")).map(v -> positive(name, v.trim())).toList();
                    case "--jvm-opts" -> jvmOpts = value.isBlank() ? List.of() : List.of(value.trim().split("\\s+"));
                    case "--quiet-below" -> quietBelow = Double.parseDouble(value);
                    case "--max-wait" -> maxWait = Double.parseDouble(value);
                    case "--retries" -> retries = Integer.parseInt(value);
                    case "--seed" -> seed = Long.parseLong(value);
                    case "--out" -> out = Path.of(value);
                    case "--report" -> reportOnly = Path.of(value);
                    default -> throw new IllegalArgumentException("unknown option " + name);
                }
            }
            if (forks < 2) {
                throw new IllegalArgumentException("--forks must be at least 2");
            }
            return new Settings(rounds, operations, forks, warmupIterations, warmupSeconds, iterations, seconds, memoryKib, jvmOpts, quietBelow,
                    maxWait, retries, seed, out, reportOnly);
        }

        private static List<String> operations(String value) {
            List<String> ops = Arrays.stream(value.split(",")).map(String::trim).toList();
            for (String op : ops) {
                if (!OPERATIONS.contains(op)) {
                    throw new IllegalArgumentException("--ops: no operation " + op + "; they are " + String.join(",", OPERATIONS));
                }
            }
            return ops;
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
     * Runs the benchmark, or with {@code --report} only reports an earlier run; see {@link #USAGE}.
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
        String report = EmailTimingReport.fromDirectory(dir).markdown();
        Files.writeString(dir.resolve("report.md"), report, StandardCharsets.UTF_8);
        System.out.print(report);
        Progress.say("report written to %s", dir.resolve("report.md"));
    }

    private static void measure(Settings s, String commandLine) throws IOException, InterruptedException, RunnerException {
        Path dir = s.out();
        Files.createDirectories(dir);
        CpuMonitor cpu = CpuMonitor.withChildren();
        Random random = new Random(s.seed());
        try (PrintWriter runs = new PrintWriter(Files.newBufferedWriter(dir.resolve(EmailTimingReport.RUNS_FILE), StandardCharsets.UTF_8))) {
            runs.println("# " + EmailTimingReport.describeRun(s, commandLine, cpu.available()));
            runs.println("round\toperation\tattempt\tkept\tour_cores\tother_cores\tseconds");
            runs.flush();
            for (int round = 1; round <= s.rounds(); round++) {
                List<String> order = new ArrayList<>(s.operations());
                Collections.shuffle(order, random);
                Progress.say("round %d of %d: %s", round, s.rounds(), String.join(", ", order));
                for (String op : order) {
                    runKeepingLeastDisturbed(s, cpu, round, op, runs);
                }
            }
        }
    }

    private static void runKeepingLeastDisturbed(Settings s, CpuMonitor cpu, int round, String op, PrintWriter runs)
            throws IOException, InterruptedException, RunnerException {
        Path dir = s.out();
        String name = "round-" + round + "-" + op;
        List<String> lines = new ArrayList<>();
        int best = -1;
        double bestOthers = Double.POSITIVE_INFINITY;
        for (int attempt = 1; attempt <= 1 + s.retries(); attempt++) {
            waitForQuiet(s, cpu);
            Path json = dir.resolve(name + ".attempt-" + attempt + ".json");
            CpuMonitor.Snapshot before = cpu.snapshot();
            new Runner(options(s, op, json, dir.resolve(name + ".attempt-" + attempt + ".log"))).run();
            CpuMonitor.Snapshot after = cpu.snapshot();
            CpuMonitor.Usage usage = cpu.between(before, after);
            double seconds = (after.nanos() - before.nanos()) / 1e9;
            lines.add(String.format(Locale.ROOT, "%d\t%s\t%d\t%%s\t%.2f\t%.2f\t%.1f", round, op, attempt, usage.ourCores(),
                    usage.otherCores(), seconds));
            Progress.say("  %-20s attempt %d: %.0f s, CPU ours %.2f / others %.2f cores; %s", op, attempt, seconds, usage.ourCores(),
                    usage.otherCores(), EmailTimingReport.summary(json));
            double others = Double.isNaN(usage.otherCores()) ? 0 : usage.otherCores();
            if (others < bestOthers) {
                bestOthers = others;
                best = attempt;
            }
            if (others <= s.quietBelow()) {
                break;
            }
        }
        Files.copy(dir.resolve(name + ".attempt-" + best + ".json"), dir.resolve(name + ".json"), StandardCopyOption.REPLACE_EXISTING);
        for (int i = 0; i < lines.size(); i++) {
            runs.println(String.format(Locale.ROOT, lines.get(i), i + 1 == best ? "yes" : "no"));
        }
        runs.flush();
    }

    private static org.openjdk.jmh.runner.options.Options options(Settings s, String op, Path json, Path log) {
        ChainedOptionsBuilder b = new OptionsBuilder()
                .include("^" + Pattern.quote(EmailLogInTiming.class.getName() + "." + op) + "$")
                .forks(s.forks())
                .warmupIterations(s.warmupIterations())
                .warmupTime(seconds(s.warmupSeconds()))
                .measurementIterations(s.iterations())
                .measurementTime(seconds(s.seconds()))
                .threads(1)
                .jvmArgs(s.jvmOpts().toArray(String[]::new))
                .param("memoryKib", s.memoryKib().stream().map(String::valueOf).toArray(String[]::new))
                .resultFormat(ResultFormatType.JSON)
                .result(json.toString())
                .output(log.toString());
        return b.build();
    }

    private static TimeValue seconds(double seconds) {
        return TimeValue.milliseconds(Math.round(seconds * 1000));
    }

    private static void waitForQuiet(Settings s, CpuMonitor cpu) throws InterruptedException {
        if (!cpu.available()) {
            return;
        }
        long deadline = System.nanoTime() + (long) (s.maxWaitSeconds() * 1e9);
        double others = cpu.otherCoresOver(1000);
        boolean said = false;
        while (others > s.quietBelow() && System.nanoTime() < deadline) {
            if (!said) {
                Progress.say("  waiting for a quiet machine: other processes use %.2f cores", others);
                said = true;
            }
            others = cpu.otherCoresOver(2000);
        }
        if (others > s.quietBelow()) {
            Progress.say("  running anyway: other processes still use %.2f cores", others);
        }
    }
}
