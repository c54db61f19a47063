package dev.latchkey.testkit.db;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Where this machine's PostgreSQL server programs ({@code initdb}, {@code pg_ctl}) are: the directory
 * {@code LATCHKEY_PG_BIN} names, else what {@code pg_config --bindir} says, else the newest
 * {@code /usr/lib/postgresql/<version>/bin} (Debian's layout, several versions side by side).
 */
final class PostgresBinaries {
    /** Debian and Ubuntu install each major version under its own directory here. */
    static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");

    static final String NOT_FOUND = "PostgreSQL not found: install Debian's postgresql package"
            + " (apt-get install -y postgresql) or set " + TestPostgres.URL_ENV + " / " + TestPostgres.BIN_ENV;

    private final Path directory;

    private PostgresBinaries(Path directory) {
        this.directory = directory;
    }

    /**
     * Finds the programs.
     *
     * @param env the environment to read {@code LATCHKEY_PG_BIN} and {@code PATH} from
     * @param debianRoot where versioned installs live ({@link #DEBIAN_ROOT} outside tests)
     * @throws IllegalStateException when none is found, saying where it looked and what to install
     */
    static PostgresBinaries find(Function<String, String> env, Path debianRoot) {
        String explicit = env.apply(TestPostgres.BIN_ENV);
        if (explicit != null && !explicit.isBlank()) {
            Path dir = Path.of(explicit.trim()).toAbsolutePath();
            if (!hasServerPrograms(dir)) {
                throw new IllegalStateException(TestPostgres.BIN_ENV + "=" + dir
                        + " holds no executable initdb and pg_ctl: point it at PostgreSQL's bin directory"
                        + " (for Debian, /usr/lib/postgresql/<version>/bin)");
            }
            return new PostgresBinaries(dir);
        }
        List<String> looked = new ArrayList<>();
        Optional<Path> pgConfig = onPath("pg_config", env.apply("PATH"));
        if (pgConfig.isPresent()) {
            Optional<Path> bindir = bindirOf(pgConfig.get());
            looked.add(pgConfig.get() + " --bindir" + bindir.map(d -> " (" + d + ")").orElse(""));
            if (bindir.isPresent() && hasServerPrograms(bindir.get())) {
                return new PostgresBinaries(bindir.get());
            }
        } else {
            looked.add("pg_config on PATH");
        }
        looked.add(debianRoot + "/*/bin");
        Optional<Path> newest = newestUnder(debianRoot);
        if (newest.isPresent()) {
            return new PostgresBinaries(newest.get());
        }
        throw new IllegalStateException(NOT_FOUND + " (looked at: " + String.join(", ", looked) + ")");
    }

    /** The directory holding the programs. */
    Path directory() {
        return directory;
    }

    /** The path of one program in it, such as {@code initdb}. */
    String program(String name) {
        return directory.resolve(name).toString();
    }

    private static boolean hasServerPrograms(Path dir) {
        return Files.isExecutable(dir.resolve("initdb")) && Files.isExecutable(dir.resolve("pg_ctl"));
    }

    /** The first executable {@code name} on a {@code PATH}-style list of directories. */
    static Optional<Path> onPath(String name, String path) {
        if (path == null || path.isBlank()) {
            return Optional.empty();
        }
        for (String entry : path.split(java.io.File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(entry).resolve(name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static Optional<Path> bindirOf(Path pgConfig) {
        try {
            Process p = new ProcessBuilder(pgConfig.toString(), "--bindir")
                    .redirectErrorStream(true)
                    .start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readNBytes(4096);
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            String dir = new String(out, StandardCharsets.UTF_8).trim();
            return p.exitValue() == 0 && !dir.isEmpty() && !dir.contains("\n")
                    ? Optional.of(Path.of(dir))
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The bin directory of the highest version under {@code root} that has the server programs. */
    private static Optional<Path> newestUnder(Path root) {
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions
                    .filter(v -> hasServerPrograms(v.resolve("bin")))
                    .max(Comparator.comparing((Path v) -> versionOf(v.getFileName().toString()),
                            PostgresBinaries::compareVersions))
                    .map(v -> v.resolve("bin"));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** "15" → [15], "9.6" → [9, 6]; anything unparsable sorts first. */
    static int[] versionOf(String name) {
        String[] parts = name.split("\\.");
        int[] version = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                version[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                return new int[] {-1};
            }
        }
        return version;
    }

    static int compareVersions(int[] a, int[] b) {
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            int x = i < a.length ? a[i] : 0;
            int y = i < b.length ? b[i] : 0;
            if (x != y) {
                return Integer.compare(x, y);
            }
        }
        return 0;
    }
}
