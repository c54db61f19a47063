package dev.latchkey.benchmarks.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The machine line of the HTTP reports: CPU model, cores and memory, read from Linux's /proc. */
final class MachineInfo {
    private MachineInfo() {
    }

    /** For example "AMD EPYC, 2 cores, 24 GiB RAM"; "unknown" parts where /proc does not say. */
    static String describe() {
        return cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores, " + memTotal();
    }

    private static String cpuModel() {
        return firstLine(Path.of("/proc/cpuinfo"), "model name").replaceFirst("^[^:]*:\\s*", "");
    }

    private static String memTotal() {
        String[] f = firstLine(Path.of("/proc/meminfo"), "MemTotal").split("\\s+");
        return f.length >= 2 ? String.format(Locale.ROOT, "%.0f GiB RAM", Long.parseLong(f[1]) / 1024.0 / 1024.0) : "RAM unknown";
    }

    private static String firstLine(Path file, String prefix) {
        try {
            return Files.readAllLines(file, StandardCharsets.US_ASCII).stream().filter(l -> l.startsWith(prefix))
                    .findFirst().orElse("unknown");
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
