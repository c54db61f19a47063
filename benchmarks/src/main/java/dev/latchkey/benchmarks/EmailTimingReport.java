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
    private static final String INTERLEAVED = "allFourInterleaved";
    /** The secondary results of {@link #INTERLEAVED}, in the order of the four operations. */
    private static final List<String> CALLS = List.of("argon2Ms", "rightMs", "wrongMs", "unknownMs");
    /** Unknown ÷ wrong is "the same" when its range holds 1 and its median is this close to 1. */
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
                Map<String, Map<Integer, List<Double>>> byOp = forks.computeIfAbsent(r.memoryKib(), k -> new TreeMap<>());
                byOp.computeIfAbsent(r.operation(), k -> new TreeMap<>()).put(round, r.forkMeans());
                // Secondary results (allFourInterleaved's time per kind of call) as operations "<op>:<result>".
                r.secondary().forEach((name, means) ->
                        byOp.computeIfAbsent(r.operation() + ":" + name, k -> new TreeMap<>()).put(round, means));
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

    /** One benchmark of a JMH JSON file: per fork, the mean of its iterations' primary and secondary results. */
    record Result(String operation, int memoryKib, List<Double> forkMeans, String unit, Map<String, List<Double>> secondary) {
    }

    private static List<Double> forkMeans(JsonObject metric) {
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
        return means;
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
            Map<String, List<Double>> secondary = new TreeMap<>();
            JsonObject others = b.getAsJsonObject("secondaryMetrics");
            if (others != null) {
                for (Map.Entry<String, JsonElement> e2 : others.entrySet()) {
                    secondary.put(e2.getKey(), forkMeans(e2.getValue().getAsJsonObject()));
                }
            }
            results.add(new Result(operation, memoryKib, forkMeans(metric), metric.get("scoreUnit").getAsString(), secondary));
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
                r.secondary().forEach((name, means) ->
                        sb.append("; ").append(name).append(' ').append(String.join(", ", means.stream().map(v -> fmt(v, 3)).toList())));
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
                cpuMonitored ? "measured (before each JMH run the harness waits up to " + fmt(s.maxWaitSeconds(), 0)
                        + " s for them to use under " + fmt(s.quietBelow(), 2) + " cores"
                        + (s.retries() > 0 ? ", and re-runs one they disturbed more, up to " + s.retries() + " times)" : "; no re-runs)")
                        : "not measured (no /proc)",
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
        for (Map.Entry<String, Map<Integer, List<Double>>> e : byOp.entrySet()) {
            if (e.getKey().contains(":")) {
                continue;   // a secondary result: its forks are the primary's
            }
            Map<Integer, List<Double>> rounds = e.getValue();
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
                + "Ratios, *separate runs*: fork k of one operation ÷ fork k of the other, both from the same round; median (min–max)\n"
                + "of those pairs. Ratios, *interleaved*: per fork of `allFourInterleaved`, one kind of call ÷ another (their\n"
                + "mean times in that fork); median (min–max) over its forks.\n\n");
        for (Map.Entry<Integer, Map<String, Map<Integer, List<Double>>>> e : forks.entrySet()) {
            section(md, e.getKey(), e.getValue());
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

    private void section(StringBuilder md, int memoryKib, Map<String, Map<Integer, List<Double>>> byOp) {
        md.append("### Argon2id m=").append(memoryKib).append(" KiB, t=").append(EmailLogInTiming.ITERATIONS)
                .append(", p=").append(EmailLogInTiming.PARALLELISM)
                .append(memoryKib == 19_456 ? " (the provider's default)" : "").append("\n\n");
        md.append("| operation | ms/op, median (min–max) | spread (max−min)/median | forks |\n|---|---:|---:|---:|\n");
        List<String> rows = new ArrayList<>(EmailTimingRun.OPERATIONS);
        for (String call : CALLS) {
            rows.add(INTERLEAVED + ":" + call);
        }
        for (String op : rows) {
            Map<Integer, List<Double>> rounds = byOp.get(op);
            if (rounds == null) {
                continue;
            }
            Spread s = Spread.of(all(rounds));
            int decimals = s.median() < 1 ? 4 : 2;
            String label = op.contains(":") ? "`" + INTERLEAVED + "`: " + label(op.substring(op.indexOf(':') + 1)) : "`" + op + "`";
            md.append("| ").append(label).append(" | ").append(s.show(decimals)).append(" | ")
                    .append(fmt(100 * (s.max() - s.min()) / s.median(), 1)).append("% | ").append(s.n()).append(" |\n");
        }

        md.append("\n| ratio | separate runs | pairs | interleaved | forks |\n|---|---:|---:|---:|---:|\n");
        ratioRow(md, "unknown address ÷ wrong password", byOp, UNKNOWN, WRONG, "unknownMs", "wrongMs");
        ratioRow(md, "wrong password ÷ Argon2id alone", byOp, WRONG, ARGON2, "wrongMs", "argon2Ms");
        ratioRow(md, "right password ÷ Argon2id alone", byOp, RIGHT, ARGON2, "rightMs", "argon2Ms");
        ratioRow(md, "unknown address ÷ Argon2id alone", byOp, UNKNOWN, ARGON2, "unknownMs", "argon2Ms");
        Spread noise = Spread.of(sameRunRatios(byOp));
        md.append("| *noise reference: a fork ÷ the first fork of the same JMH run (true value 1)* | ")
                .append(noise.n() == 0 ? "–" : noise.show(3)).append(" | ").append(noise.n()).append(" | | |\n");

        Spread separateUs = Spread.of(pairs(byOp, UNKNOWN, WRONG, true).stream().map(d -> d * 1000).toList());
        Spread interleavedUs = Spread.of(pairs(byOp, INTERLEAVED + ":unknownMs", INTERLEAVED + ":wrongMs", true).stream()
                .map(d -> d * 1000).toList());
        md.append("\nunknown address − wrong password, µs per log-in: separate runs ")
                .append(separateUs.n() == 0 ? "–" : separateUs.show(0)).append("; interleaved ")
                .append(interleavedUs.n() == 0 ? "–" : interleavedUs.show(0)).append(".\n\n");

        Spread interleaved = Spread.of(pairs(byOp, INTERLEAVED + ":unknownMs", INTERLEAVED + ":wrongMs", false));
        Spread separate = Spread.of(pairs(byOp, UNKNOWN, WRONG, false));
        Spread judged = interleaved.n() > 0 ? interleaved : separate;
        String basis = interleaved.n() > 0 ? "interleaved" : "separate runs";
        if (judged.n() == 0) {
            md.append("**Unknown ÷ wrong:** not measured.\n\n");
        } else if (judged.min() <= 1 && judged.max() >= 1 && Math.abs(judged.median() - 1) <= SAME_WITHIN) {
            md.append("**Unknown ÷ wrong = ").append(fmt(judged.median(), 3)).append(" (").append(basis)
                    .append("): the same within noise** (the range ").append(fmt(judged.min(), 3)).append("–")
                    .append(fmt(judged.max(), 3)).append(" holds 1).\n\n");
        } else if (judged.min() > 1 || judged.max() < 1) {
            md.append("**Unknown ÷ wrong = ").append(fmt(judged.median(), 3)).append(" (").append(basis)
                    .append("): NOT the same** (every sample on one side of 1: ").append(fmt(judged.min(), 3)).append("–")
                    .append(fmt(judged.max(), 3)).append(").\n\n");
        } else {
            md.append("**Unknown ÷ wrong = ").append(fmt(judged.median(), 3)).append(" (").append(basis)
                    .append("): inconclusive**: the range ").append(fmt(judged.min(), 3)).append("–").append(fmt(judged.max(), 3))
                    .append(" holds 1 but the median is more than ").append(fmt(100 * SAME_WITHIN, 0))
                    .append("% from it; too noisy to tell.\n\n");
        }
    }

    private static String label(String call) {
        return switch (call) {
            case "argon2Ms" -> "Argon2id alone";
            case "rightMs" -> "right password";
            case "wrongMs" -> "wrong password";
            case "unknownMs" -> "unknown address";
            default -> call;
        };
    }

    private void ratioRow(StringBuilder md, String label, Map<String, Map<Integer, List<Double>>> byOp, String a, String b,
                          String callA, String callB) {
        Spread separate = Spread.of(pairs(byOp, a, b, false));
        Spread interleaved = Spread.of(pairs(byOp, INTERLEAVED + ":" + callA, INTERLEAVED + ":" + callB, false));
        md.append("| ").append(label).append(" | ").append(separate.n() == 0 ? "–" : separate.show(3)).append(" | ")
                .append(separate.n()).append(" | ").append(interleaved.n() == 0 ? "–" : interleaved.show(3)).append(" | ")
                .append(interleaved.n()).append(" |\n");
    }

    static String fmt(double v, int decimals) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }
}
