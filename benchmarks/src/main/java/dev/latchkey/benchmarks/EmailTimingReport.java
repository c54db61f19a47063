package dev.latchkey.benchmarks;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The report of {@link EmailTimingRun}: reads the JSON files JMH wrote (one per round and operation)
 * and computes, per Argon2id memory setting, each operation's time and the ratios of issue #4.
 *
 * <p>A sample is one JMH fork: the mean of its measured iterations, in ms/op. Times are reported as
 * the median of all forks with their range. A ratio pairs fork k of one operation with fork k of the
 * other in the same round (measured a minute or two apart at most) and is reported as the median
 * and range of those pairs. As a reference for the noise, the same is done for two forks of one
 * operation in one run, a ratio whose true value is 1.
 */
final class EmailTimingReport {
    static final String RUNS_FILE = "runs.tsv";
    private static final Pattern RESULT = Pattern.compile("round-(\\d+)-(\\w+)\\.json");
    private static final String ARGON2 = "argon2idHashAlone";
    private static final String RIGHT = "logInRightPassword";
    private static final String WRONG = "logInWrongPassword";
    private static final String UNKNOWN = "logInUnknownAddress";
    /** |median − 1| of unknown ÷ wrong above this is reported as a difference, whatever the noise. */
    private static final double SAME_WITHIN = 0.02;

    /** memoryKib → operation → round → fork means (ms/op), in fork order. */
    private final Map<Integer, Map<String, Map<Integer, List<Double>>>> forks;
    private final String description;
    private final List<String> runs;

    private EmailTimingReport(Map<Integer, Map<String, Map<Integer, List<Double>>>> forks, String description, List<String> runs) {
        this.forks = forks;
        this.description = description;
        this.runs = runs;
    }

    static EmailTimingReport fromDirectory(Path dir) throws IOException {
        Map<Integer, Map<String, Map<Integer, List<Double>>>> forks = new TreeMap<>((a, b) -> Integer.compare(b, a));
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> RESULT.matcher(p.getFileName().toString()).matches()).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IOException("no round-<n>-<operation>.json files in " + dir);
        }
        for (Path file : files) {
            Matcher m = RESULT.matcher(file.getFileName().toString());
            if (!m.matches()) {
                continue;
            }
            int round = Integer.parseInt(m.group(1));
            for (Result r : read(file)) {
                forks.computeIfAbsent(r.memoryKib(), k -> new TreeMap<>())
                        .computeIfAbsent(r.operation(), k -> new TreeMap<>())
                        .put(round, r.forkMeans());
            }
        }
        String description = "";
        List<String> runs = new ArrayList<>();
        Path runsFile = dir.resolve(RUNS_FILE);
        if (Files.exists(runsFile)) {
            for (String line : Files.readAllLines(runsFile, StandardCharsets.UTF_8)) {
                if (line.startsWith("# ")) {
                    description = line.substring(2);
                } else if (!line.startsWith("round\t") && !line.isBlank()) {
                    runs.add(line);
                }
            }
        }
        return new EmailTimingReport(forks, description, runs);
    }

    /** One benchmark of a JMH JSON file. */
    record Result(String operation, int memoryKib, List<Double> forkMeans, String unit) {
    }

    static List<Result> read(Path json) throws IOException {
        JsonArray all = JsonParser.parseString(Files.readString(json, StandardCharsets.UTF_8)).getAsJsonArray();
        List<Result> results = new ArrayList<>();
        for (JsonElement e : all) {
            JsonObject b = e.getAsJsonObject();
            String benchmark = b.get("benchmark").getAsString();
            String operation = benchmark.substring(benchmark.lastIndexOf('.') + 1);
            int memoryKib = b.getAsJsonObject("params").get("memoryKib").getAsInt();
            JsonObject metric = b.getAsJsonObject("primaryMetric");
            List<Double> means = new ArrayList<>();
            for (JsonElement fork : metric.getAsJsonArray("rawData")) {
                double sum = 0;
                int n = 0;
                for (JsonElement iteration : fork.getAsJsonArray()) {
                    sum += iteration.getAsDouble();
                    n++;
                }
                means.add(sum / n);
            }
            results.add(new Result(operation, memoryKib, means, metric.get("scoreUnit").getAsString()));
        }
        return results;
    }

    /** One line for the progress output: each fork's mean. */
    static String summary(Path json) {
        try {
            StringBuilder sb = new StringBuilder();
            for (Result r : read(json)) {
                sb.append(sb.length() == 0 ? "" : "; ").append("m=").append(r.memoryKib()).append(": ");
                sb.append(String.join(", ", r.forkMeans().stream().map(v -> fmt(v, 3)).toList())).append(' ').append(r.unit());
            }
            return sb.toString();
        } catch (IOException | RuntimeException e) {
            return "no result (" + e.getClass().getSimpleName() + ")";
        }
    }

    static String describeRun(EmailTimingRun.Settings s, String commandLine, boolean cpuMonitored) {
        String cpu = "?";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.US_ASCII).stream()
                    .filter(l -> l.startsWith("model name")).findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
        } catch (IOException | RuntimeException e) {
            // Not Linux: the CPU stays unnamed.
        }
        return String.format(Locale.ROOT, "%s; %s %s (%s); %d cores (%s); %d rounds × %d forks per operation, warm-up %d × %s s,"
                        + " measured %d × %s s per fork; forked JVMs: `%s`; CPU of other processes %s; command: `benchmarks/run-email-timing.sh%s`",
                Instant.now().truncatedTo(ChronoUnit.SECONDS), System.getProperty("java.vm.name"),
                System.getProperty("java.runtime.version"), System.getProperty("java.vm.vendor"),
                Runtime.getRuntime().availableProcessors(), cpu, s.rounds(), s.forks(), s.warmupIterations(), fmt(s.warmupSeconds(), 1),
                s.iterations(), fmt(s.seconds(), 1), String.join(" ", s.jvmOpts()),
                cpuMonitored ? "measured (before each JMH run the harness waits for them to use under " + fmt(s.quietBelow(), 2)
                        + " cores, and re-runs one they disturbed more)" : "not measured (no /proc)",
                commandLine.isEmpty() ? "" : " " + commandLine);
    }

    /** Median, smallest and largest of some samples. */
    record Spread(double median, double min, double max, int n) {
        static Spread of(List<Double> values) {
            List<Double> v = values.stream().sorted().toList();
            int n = v.size();
            if (n == 0) {
                return new Spread(Double.NaN, Double.NaN, Double.NaN, 0);
            }
            double median = n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
            return new Spread(median, v.get(0), v.get(n - 1), n);
        }

        String show(int decimals) {
            return fmt(median, decimals) + " (" + fmt(min, decimals) + "–" + fmt(max, decimals) + ")";
        }
    }

    /** Fork k of {@code a} over fork k of {@code b}, in each round both ran. */
    private List<Double> pairs(Map<String, Map<Integer, List<Double>>> byOp, String a, String b, boolean difference) {
        List<Double> out = new ArrayList<>();
        Map<Integer, List<Double>> ra = byOp.getOrDefault(a, Map.of());
        Map<Integer, List<Double>> rb = byOp.getOrDefault(b, Map.of());
        for (Map.Entry<Integer, List<Double>> e : ra.entrySet()) {
            List<Double> fb = rb.get(e.getKey());
            if (fb == null) {
                continue;
            }
            for (int k = 0; k < Math.min(e.getValue().size(), fb.size()); k++) {
                out.add(difference ? e.getValue().get(k) - fb.get(k) : e.getValue().get(k) / fb.get(k));
            }
        }
        return out;
    }

    /** Every later fork over the first fork of the same run, for all operations: ratios whose true value is 1. */
    private static List<Double> sameRunRatios(Map<String, Map<Integer, List<Double>>> byOp) {
        List<Double> out = new ArrayList<>();
        for (Map<Integer, List<Double>> rounds : byOp.values()) {
            for (List<Double> f : rounds.values()) {
                for (int k = 1; k < f.size(); k++) {
                    out.add(f.get(k) / f.get(0));
                }
            }
        }
        return out;
    }

    private static List<Double> all(Map<Integer, List<Double>> rounds) {
        return rounds.values().stream().flatMap(List::stream).toList();
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("## Email/password log-in timing (EmailLogInTiming, issue #4)\n\n");
        if (!description.isEmpty()) {
            md.append(description).append(".\n\n");
        }
        md.append("A sample is one JMH fork: the mean of its measured iterations. Times: median of all forks (min–max).\n"
                + "Ratios: fork k of one operation ÷ fork k of the other in the same round; median (min–max) of those pairs.\n\n");
        for (Map.Entry<Integer, Map<String, Map<Integer, List<Double>>>> e : forks.entrySet()) {
            int memoryKib = e.getKey();
            Map<String, Map<Integer, List<Double>>> byOp = e.getValue();
            md.append("### Argon2id m=").append(memoryKib).append(" KiB, t=").append(EmailLogInTiming.ITERATIONS)
                    .append(", p=").append(EmailLogInTiming.PARALLELISM)
                    .append(memoryKib == 19_456 ? " (the provider's default)" : "").append("\n\n");
            md.append("| operation | ms/op, median (min–max) | spread (max−min)/median | forks |\n|---|---:|---:|---:|\n");
            for (String op : EmailTimingRun.OPERATIONS) {
                Map<Integer, List<Double>> rounds = byOp.get(op);
                if (rounds == null) {
                    continue;
                }
                Spread s = Spread.of(all(rounds));
                int decimals = s.median() < 1 ? 4 : 2;
                md.append("| `").append(op).append("` | ").append(s.show(decimals)).append(" | ")
                        .append(fmt(100 * (s.max() - s.min()) / s.median(), 1)).append("% | ").append(s.n()).append(" |\n");
            }
            md.append("\n| ratio | median (min–max) | pairs |\n|---|---:|---:|\n");
            ratioRow(md, "unknown address ÷ wrong password", pairs(byOp, UNKNOWN, WRONG, false));
            ratioRow(md, "wrong password ÷ Argon2id alone", pairs(byOp, WRONG, ARGON2, false));
            ratioRow(md, "right password ÷ Argon2id alone", pairs(byOp, RIGHT, ARGON2, false));
            ratioRow(md, "unknown address ÷ Argon2id alone", pairs(byOp, UNKNOWN, ARGON2, false));
            List<Double> noise = sameRunRatios(byOp);
            ratioRow(md, "*noise reference: a fork ÷ the first fork of the same run (every operation; true value 1)*", noise);

            Spread ratio = Spread.of(pairs(byOp, UNKNOWN, WRONG, false));
            Spread differenceUs = Spread.of(pairs(byOp, UNKNOWN, WRONG, true).stream().map(d -> d * 1000).toList());
            Spread ref = Spread.of(noise);
            double noiseHalfWidth = Math.max(Math.abs(ref.max() - 1), Math.abs(ref.min() - 1));
            md.append("\nunknown address − wrong password: ").append(differenceUs.n() == 0 ? "–" : differenceUs.show(1))
                    .append(" µs per log-in (pairs as above).\n\n");
            if (ratio.n() == 0) {
                md.append("**Unknown ÷ wrong:** not measured.\n\n");
            } else if (ratio.min() <= 1 && ratio.max() >= 1 && Math.abs(ratio.median() - 1) <= SAME_WITHIN) {
                md.append("**Unknown ÷ wrong = ").append(fmt(ratio.median(), 3)).append(": the same within noise** (the pairs' range holds 1;"
                        + " forks of one run differ by up to ").append(fmt(100 * noiseHalfWidth, 1)).append("%).\n\n");
            } else {
                md.append("**Unknown ÷ wrong = ").append(fmt(ratio.median(), 3)).append(": NOT the same** (range ").append(fmt(ratio.min(), 3))
                        .append("–").append(fmt(ratio.max(), 3)).append(", forks of one run differ by up to ")
                        .append(fmt(100 * noiseHalfWidth, 1)).append("%).\n\n");
            }
        }
        if (!runs.isEmpty()) {
            md.append("### JMH runs\n\nCPU in cores over each JMH run (the forks and the JVM that started them are \"ours\").\n\n"
                    + "| round | operation | attempt | kept | CPU ours | CPU others | seconds |\n|---:|---|---:|---|---:|---:|---:|\n");
            for (String line : runs) {
                md.append("| ").append(String.join(" | ", line.split("\t"))).append(" |\n");
            }
            md.append('\n');
        }
        return md.toString();
    }

    private static void ratioRow(StringBuilder md, String label, List<Double> values) {
        Spread s = Spread.of(values);
        md.append("| ").append(label).append(" | ").append(s.n() == 0 ? "–" : s.show(3)).append(" | ").append(s.n()).append(" |\n");
    }

    static String fmt(double v, int decimals) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }
}
