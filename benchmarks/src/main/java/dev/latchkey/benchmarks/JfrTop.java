package dev.latchkey.benchmarks;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a JFR recording of a server under load (issue #10's profiling) and prints where its CPU went:
 * the execution samples' top methods by self and by inclusive count, a split into what the work is
 * (RSA signing, H2, Jetty, JSON, ...), and the server's user and system CPU.
 *
 * <pre>
 *   java -cp benchmarks/target/benchmarks.jar dev.latchkey.benchmarks.JfrTop server.jfr [--last SECONDS] [--top N] [--grep TEXT]
 * </pre>
 *
 * {@code --last} keeps only events of the last SECONDS of the recording: with {@code --memory-sessions 0}
 * the server is stopped right after the measured window, so that is the window, without start-up and fixture.
 * {@code --grep} adds the inclusive counts of the methods whose name contains TEXT (for example {@code org.h2.mvstore}).
 */
public final class JfrTop {

    /** First match wins: a sample is charged to the first category whose marker is on its stack. */
    private static final Map<String, List<String>> CATEGORIES = new LinkedHashMap<>();

    static {
        CATEGORIES.put("RSA signature (sun.security.rsa, BigInteger)", List.of("sun.security.rsa.", "java.math.BigInteger."));
        CATEGORIES.put("H2 / JDBC (org.h2, HikariCP)", List.of("org.h2.", "com.zaxxer.hikari."));
        CATEGORIES.put("logging (java.util.logging, slf4j, access log)", List.of("java.util.logging.", "org.slf4j.",
                "dev.latchkey.server.AccessLog."));
        CATEGORIES.put("JSON (Gson, engine JSON, Nimbus JSON)", List.of("com.google.gson.", "dev.latchkey.core.json.",
                "com.nimbusds.jose.shaded.gson.", "com.nimbusds.jose.util.JSONObjectUtils"));
        CATEGORIES.put("JWT assembly (Nimbus, Base64)", List.of("com.nimbusds.", "java.util.Base64"));
        CATEGORIES.put("hashing / random (SHA-256, SecureRandom)", List.of("sun.security.provider.", "java.security.SecureRandom"));
        CATEGORIES.put("Jetty (HTTP, I/O)", List.of("org.eclipse.jetty."));
    }

    private JfrTop() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: JfrTop recording.jfr [--last SECONDS] [--top N] [--grep TEXT]");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        Duration last = null;
        int top = 25;
        String grep = null;
        for (int i = 1; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--last" -> last = Duration.ofMillis((long) (Double.parseDouble(args[i + 1]) * 1000));
                case "--top" -> top = Integer.parseInt(args[i + 1]);
                case "--grep" -> grep = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        Instant end = events.stream().map(RecordedEvent::getEndTime).max(Instant::compareTo).orElseThrow();
        Instant from = last == null ? Instant.MIN : end.minus(last);

        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> inclusive = new HashMap<>();
        Map<String, Integer> categories = new LinkedHashMap<>();
        Map<String, Integer> latchkey = new HashMap<>();
        int cpuLoads = 0;
        double jvmUser = 0;
        double jvmSystem = 0;
        double machine = 0;
        double gcPauseMs = 0;
        int samples = 0;
        for (RecordedEvent e : events) {
            if (e.getStartTime().isBefore(from)) {
                continue;
            }
            String type = e.getEventType().getName();
            if (type.equals("jdk.CPULoad")) {
                cpuLoads++;
                jvmUser += e.getFloat("jvmUser");
                jvmSystem += e.getFloat("jvmSystem");
                machine += e.getFloat("machineTotal");
            } else if (type.equals("jdk.GarbageCollection")) {
                gcPauseMs += e.getDuration("sumOfPauses").toNanos() / 1e6;
            } else if (type.equals("jdk.ExecutionSample")) {
                RecordedStackTrace stack = e.getStackTrace();
                if (stack == null || stack.getFrames().isEmpty()) {
                    continue;
                }
                samples++;
                List<String> frames = new ArrayList<>();
                for (RecordedFrame f : stack.getFrames()) {
                    frames.add(name(f.getMethod()));
                }
                self.merge(frames.get(0), 1, Integer::sum);
                Set<String> seen = new HashSet<>();
                for (String f : frames) {
                    if (seen.add(f)) {
                        inclusive.merge(f, 1, Integer::sum);
                    }
                }
                categories.merge(category(frames), 1, Integer::sum);
                // The outermost-but-one Latchkey frame says which route or engine step the sample is in.
                for (int i = 0; i < frames.size(); i++) {
                    if (frames.get(i).startsWith("dev.latchkey.")) {
                        latchkey.merge(frames.get(i), 1, Integer::sum);
                        break;
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "%s: %d execution samples%s; GC pauses %.0f ms%n", file, samples,
                last == null ? "" : " in the last " + last.toMillis() / 1000.0 + " s", gcPauseMs);
        print("where the samples are (first match on the stack)", categories, samples, top);
        print("self (top frame)", self, samples, top);
        print("inclusive (method anywhere on the stack)", inclusive, samples, top);
        print("innermost Latchkey frame", latchkey, samples, top);
        if (grep != null) {
            String text = grep;
            Map<String, Integer> matching = new HashMap<>();
            inclusive.forEach((method, count) -> {
                if (method.contains(text)) {
                    matching.put(method, count);
                }
            });
            print("inclusive, methods containing '" + grep + "'", matching, samples, top);
        }
        if (cpuLoads > 0) {
            // The recording is read on the machine that made it (the cores are this machine's).
            int cores = Runtime.getRuntime().availableProcessors();
            // jdk.CPULoad: fractions of the whole machine (all cores), averaged over the window. Execution samples see
            // only Java code; the kernel's share (writes to the H2 file, sockets) shows here as system time.
            System.out.println();
            System.out.printf(Locale.ROOT, "## CPU (jdk.CPULoad, mean of %d): server user %.2f, system %.2f cores; machine %.2f cores%n",
                    cpuLoads, cores * jvmUser / cpuLoads, cores * jvmSystem / cpuLoads, cores * machine / cpuLoads);
        }
    }

    private static String category(List<String> frames) {
        for (Map.Entry<String, List<String>> c : CATEGORIES.entrySet()) {
            for (String f : frames) {
                for (String marker : c.getValue()) {
                    if (f.startsWith(marker)) {
                        return c.getKey();
                    }
                }
            }
        }
        return "other";
    }

    private static String name(RecordedMethod m) {
        return m == null ? "?" : m.getType().getName() + "." + m.getName();
    }

    private static void print(String title, Map<String, Integer> counts, int total, int top) {
        System.out.println();
        System.out.println("## " + title);
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
                .forEach(c -> System.out.printf(Locale.ROOT, "%6.1f%%  %6d  %s%n", 100.0 * c.getValue() / total,
                        c.getValue(), c.getKey()));
    }
}
