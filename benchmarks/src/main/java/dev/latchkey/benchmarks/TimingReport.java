package dev.latchkey.benchmarks;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The report of {@link TimingRun}. A sample is one JMH fork: per case, the mean over its measured
 * iterations of the case's ns per call (each iteration's value is the median of its batches). Each
 * case's time is shown as the median over all forks (min–max), and its ratio to the benchmark's
 * baseline case is taken fork by fork (both measured interleaved in that fork) and shown the same
 * way. A ratio whose range holds 1 shows no difference
 * at this resolution; the ranges say what that resolution is.
 */
final class TimingReport {
    static final String RUNS_FILE = "runs.tsv";
    private static final Pattern RESULT = Pattern.compile("round-(\\d+)-(\\w+)\\.json");
    /** Benchmark → its baseline case and what each case means, in the order shown. */
    private static final Map<String, Map<String, String>> CASES = Map.of(
            "apiKeyInterleaved", cases(
                    "hash0", "stored hash ≠ presented secret's hash from character 0 of 43 (baseline)",
                    "hashHalf", "stored hash = presented secret's hash in its first 21 of 43 characters",
                    "hashAllButLast", "stored hash = presented secret's hash in its first 42 of 43 characters",
                    "secret0", "presented secret ≠ real secret from character 0 of 48",
                    "secretHalf", "presented secret = real secret in its first 24 of 48 characters",
                    "secretAllButLast", "presented secret = real secret in its first 47 of 48 characters",
                    "unknownId", "key id with no record (dummy hash compared)"),
            "refreshInterleaved", cases(
                    "tokenHash0", "nearest stored hash ≠ token's hash from character 0 of 43 (baseline)",
                    "tokenHashHalf", "a stored hash = token's hash in its first 21 of 43 characters",
                    "tokenHashAllButLast", "a stored hash = token's hash in its first 42 of 43 characters",
                    "tokenUnknown", "no stored hash near the token's"),
            "adminKeyInterleaved", cases(
                    "adminKey0", "presented key ≠ admin key from character 0 of 40 (baseline)",
                    "adminKeyHalf", "presented key = admin key in its first 20 of 40 characters",
                    "adminKeyAllButLast", "presented key = admin key in its first 39 of 40 characters",
                    "adminDigest2Bytes", "presented key's SHA-256 = admin key's in its first 2 of 32 bytes",
                    "adminMissing", "no key",
                    "adminRight", "the right key (matches)"));

    /** "benchmark / store" → case → fork means (ns per call), all rounds' forks in order. */
    private final Map<String, Map<String, List<Double>>> forks;
    private final List<String> runLines;
    private final String description;

    private TimingReport(Map<String, Map<String, List<Double>>> forks, List<String> runLines, String description) {
        this.forks = forks;
        this.runLines = runLines;
        this.description = description;
    }

    private static Map<String, String> cases(String... nameAndMeaning) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < nameAndMeaning.length; i += 2) {
            m.put(nameAndMeaning[i], nameAndMeaning[i + 1]);
        }
        return m;
    }

    static TimingReport fromDirectory(Path dir) throws IOException {
        Map<String, Map<String, List<Double>>> forks = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> RESULT.matcher(p.getFileName().toString()).matches()).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IOException("no round-<n>-<benchmark>.json files in " + dir);
        }
        for (Path file : files) {
            Matcher m = RESULT.matcher(file.getFileName().toString());
            if (!m.matches()) {
                continue;
            }
            JsonArray all = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonArray();
            for (JsonElement e : all) {
                JsonObject b = e.getAsJsonObject();
                String benchmark = b.get("benchmark").getAsString();
                String op = benchmark.substring(benchmark.lastIndexOf('.') + 1);
                JsonObject params = b.getAsJsonObject("params");
                String key = op + (params != null && params.has("store") ? " / " + params.get("store").getAsString() : "");
                JsonObject secondary = b.getAsJsonObject("secondaryMetrics");
                if (secondary == null) {
                    continue;
                }
                for (Map.Entry<String, JsonElement> s : secondary.entrySet()) {
                    forks.computeIfAbsent(key, k -> new TreeMap<>()).computeIfAbsent(s.getKey(), k -> new ArrayList<>())
                            .addAll(forkMeans(s.getValue().getAsJsonObject()));
                }
            }
        }
        List<String> runLines = new ArrayList<>();
        String description = "";
        Path runs = dir.resolve(RUNS_FILE);
        if (Files.exists(runs)) {
            for (String line : Files.readAllLines(runs, StandardCharsets.UTF_8)) {
                if (line.startsWith("# ")) {
                    description = line.substring(2);
                } else if (!line.startsWith("round\t") && !line.isBlank()) {
                    runLines.add(line);
                }
            }
        }
        return new TimingReport(forks, runLines, description);
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

    String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("# Comparison timing (issue #9)\n\n").append(description).append("\n\n");
        sb.append("Per case: ns per call (per iteration the median of its batches, per fork the mean of its iterations), median over forks (min–max); ratio to the baseline, fork by fork (both interleaved in that"
                + " fork), median (min–max).\n");
        for (Map.Entry<String, Map<String, List<Double>>> group : forks.entrySet()) {
            String op = group.getKey().split(" / ")[0];
            Map<String, String> meanings = CASES.getOrDefault(op, Map.of());
            String baseline = meanings.keySet().stream().findFirst().orElse(null);
            List<Double> base = baseline == null ? List.of() : group.getValue().getOrDefault(baseline, List.of());
            sb.append("\n### `").append(group.getKey()).append("`\n\n");
            sb.append("| case | what | ns per call | ÷ baseline | spread of ratio (max−min) | forks |\n|---|---|---:|---:|---:|---:|\n");
            List<String> order = new ArrayList<>(meanings.keySet());
            group.getValue().keySet().stream().filter(k -> !order.contains(k)).forEach(order::add);
            for (String c : order) {
                List<Double> values = group.getValue().get(c);
                if (values == null) {
                    continue;
                }
                List<Double> ratios = new ArrayList<>();
                for (int k = 0; k < Math.min(values.size(), base.size()); k++) {
                    ratios.add(values.get(k) / base.get(k));
                }
                EmailTimingReport.Spread ratio = EmailTimingReport.Spread.of(ratios);
                sb.append("| `").append(c).append("` | ").append(meanings.getOrDefault(c, "")).append(" | ")
                        .append(EmailTimingReport.Spread.of(values).show(0)).append(" | ")
                        .append(c.equals(baseline) ? "1" : ratio.show(3)).append(" | ")
                        .append(c.equals(baseline) ? "" : EmailTimingReport.fmt(ratio.max() - ratio.min(), 3)).append(" | ")
                        .append(values.size()).append(" |\n");
            }
        }
        if (!runLines.isEmpty()) {
            sb.append("\n### JMH runs\n\n| round | benchmark | CPU ours (cores) | CPU others (cores) | seconds |\n|---:|---|---:|---:|---:|\n");
            for (String line : runLines) {
                sb.append("| ").append(String.join(" | ", line.split("\t"))).append(" |\n");
            }
        }
        return sb.toString();
    }
}
