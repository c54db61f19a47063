package dev.latchkey.testkit.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One throwaway PostgreSQL cluster on this machine: {@code initdb} into a fresh temporary directory,
 * {@code pg_ctl start} on a free loopback port, and {@code pg_ctl stop} plus deleting the directory at
 * the end. When the JVM runs as root the programs run as the {@code postgres} system user through
 * {@code runuser}, because {@code initdb} and {@code postgres} refuse to run as root.
 *
 * <p>Durability is switched off ({@code fsync}, {@code synchronous_commit}, {@code full_page_writes}):
 * the cluster lives for one test JVM, and a crash only loses a directory about to be deleted.
 */
final class PostgresCluster {
    /** The cluster's superuser, created by {@code initdb}. */
    static final String SUPERUSER = "latchkey";
    /** Who runs the server when the JVM is root (Debian's package creates this user). */
    static final String SERVER_OS_USER = "postgres";

    private static final int PORT_ATTEMPTS = 5;
    private static final Duration INITDB_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final int LOG_TAIL_LINES = 40;

    /** Appended to postgresql.conf; the port is given on each start instead, so a clash can retry. */
    private static final List<String> SETTINGS = List.of(
            "# Added by Latchkey's TestPostgres: a throwaway cluster for tests, never for real data.",
            "listen_addresses = '127.0.0.1'",
            "unix_socket_directories = ''",
            "max_connections = 200",
            "fsync = off",
            "synchronous_commit = off",
            "full_page_writes = off");

    private final PostgresBinaries binaries;
    private final boolean asRoot;
    private final Path root;
    private final Path data;
    private final Path serverLog;
    private final Path toolLog;
    private final String password;
    private final Thread shutdownHook;
    private int port;
    private boolean stopped;

    private PostgresCluster(PostgresBinaries binaries, boolean asRoot, Path root, String password) {
        this.binaries = binaries;
        this.asRoot = asRoot;
        this.root = root;
        this.data = root.resolve("data");
        this.serverLog = root.resolve("server.log");
        this.toolLog = root.resolve("tools.log");
        this.password = password;
        this.shutdownHook = new Thread(this::stopQuietly, "latchkey-test-postgres-stop " + root.getFileName());
    }

    /**
     * Creates and starts a cluster.
     *
     * @throws IllegalStateException when it cannot, with the tail of the server's log
     */
    static PostgresCluster start(PostgresBinaries binaries) {
        boolean asRoot = runningAsRoot();
        if (asRoot) {
            requireServerUser();
        }
        Path root;
        try {
            root = Files.createTempDirectory(baseDirectory(asRoot), "latchkey-pg-");
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a directory for the test PostgreSQL cluster", e);
        }
        PostgresCluster cluster = new PostgresCluster(binaries, asRoot, root, randomPassword());
        Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
        try {
            cluster.initdb();
            cluster.configure();
            cluster.startServer();
            return cluster;
        } catch (RuntimeException | Error e) {
            try {
                cluster.stop();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    int port() {
        return port;
    }

    String password() {
        return password;
    }

    Path directory() {
        return root;
    }

    /**
     * Stops the server ({@code fast}, then {@code immediate}, then a kill) and deletes the directory.
     * Idempotent.
     *
     * @throws IllegalStateException when the server could not be stopped
     */
    synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // We are the shutdown hook, or the JVM is already exiting: nothing to unregister.
        }
        try {
            stopServer();
        } finally {
            deleteTree(root);
        }
    }

    private void stopQuietly() {
        try {
            stop();
        } catch (RuntimeException e) {
            System.err.println("latchkey: could not stop the test PostgreSQL server in " + root + ": " + e.getMessage());
        }
    }

    private void initdb() {
        Path pwfile = root.resolve("pwfile");
        try {
            if (asRoot) {
                chownToServerUser(root);
            }
            Files.writeString(Files.createFile(pwfile,
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
                    password, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
            if (asRoot) {
                chownToServerUser(pwfile);
            }
            int exit = run(INITDB_TIMEOUT,
                    binaries.program("initdb"),
                    "--pgdata=" + data,
                    "--username=" + SUPERUSER,
                    "--pwfile=" + pwfile,
                    "--auth=scram-sha-256",
                    "--encoding=UTF8",
                    "--locale=C",
                    "--no-sync");
            if (exit != 0) {
                throw new IllegalStateException("initdb failed (exit " + exit + ") in " + root
                        + "; its output ends with:\n" + tail(toolLog));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not prepare the test PostgreSQL cluster in " + root, e);
        } finally {
            try {
                Files.deleteIfExists(pwfile);
            } catch (IOException e) {
                // The whole directory goes at stop(); the file is readable by the server's user only.
            }
        }
    }

    private void configure() {
        try {
            // Appending keeps the file's owner (the server's user), so no chown is needed.
            Files.write(data.resolve("postgresql.conf"), SETTINGS, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("could not configure the test PostgreSQL cluster in " + root, e);
        }
    }

    private void startServer() {
        for (int attempt = 1; ; attempt++) {
            port = freeLoopbackPort();
            long logSizeBefore = sizeOf(serverLog);
            long toolLogSizeBefore = sizeOf(toolLog);
            int exit = run(START_TIMEOUT.plusSeconds(10),
                    binaries.program("pg_ctl"),
                    "start",
                    "--pgdata=" + data,
                    "--log=" + serverLog,
                    "--wait",
                    "--timeout=" + START_TIMEOUT.toSeconds(),
                    "-o", "-p " + port);
            if (exit == 0) {
                return;
            }
            String fresh = newSince(serverLog, logSizeBefore);
            boolean portClash = fresh.contains("could not bind") || fresh.contains("Address already in use");
            if (portClash && attempt < PORT_ATTEMPTS) {
                stopServer();
                continue;
            }
            throw new IllegalStateException("PostgreSQL did not start in " + root + " on 127.0.0.1:" + port
                    + " (pg_ctl exit " + exit + ", attempt " + attempt + "); server log ends with:\n" + tail(serverLog)
                    + "\npg_ctl said:\n" + indent(newSince(toolLog, toolLogSizeBefore)));
        }
    }

    private void stopServer() {
        Path pidFile = data.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        Optional<Long> pid = postmasterPid(pidFile);
        if (run(STOP_TIMEOUT.plusSeconds(5), binaries.program("pg_ctl"), "stop", "--pgdata=" + data,
                "--mode=fast", "--wait", "--timeout=" + STOP_TIMEOUT.toSeconds()) == 0) {
            return;
        }
        if (run(STOP_TIMEOUT.plusSeconds(5), binaries.program("pg_ctl"), "stop", "--pgdata=" + data,
                "--mode=immediate", "--wait", "--timeout=" + STOP_TIMEOUT.toSeconds()) == 0) {
            return;
        }
        Optional<ProcessHandle> postmaster = pid.flatMap(ProcessHandle::of);
        if (postmaster.isEmpty()) {
            return;
        }
        postmaster.get().destroyForcibly();
        try {
            postmaster.get().onExit().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // Checked below.
        }
        if (postmaster.get().isAlive()) {
            throw new IllegalStateException("the test PostgreSQL server (pid " + pid.get() + ", data " + data
                    + ") would not stop; pg_ctl said:\n" + tail(toolLog));
        }
    }

    private static Optional<Long> postmasterPid(Path pidFile) {
        try {
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
            return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Runs one PostgreSQL program, as the server's user when we are root, appending its output to the
     * tools log (a file, not a pipe: {@code pg_ctl start} leaves a server running that must not hold
     * our pipe open).
     */
    private int run(Duration timeout, String... command) {
        List<String> argv = new ArrayList<>();
        if (asRoot) {
            argv.add(runuser());
            argv.add("-u");
            argv.add(SERVER_OS_USER);
            argv.add("--");
        }
        argv.addAll(List.of(command));
        ProcessBuilder pb = new ProcessBuilder(argv)
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(toolLog.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Map<String, String> env = pb.environment();
        // Inherited PG* variables (PGDATA, PGPORT, PGOPTIONS...) would steer the programs elsewhere;
        // English messages make the port-clash check reliable.
        env.keySet().removeIf(k -> k.startsWith("PG") || k.startsWith("LC_"));
        env.put("LANG", "C");
        env.put("LC_ALL", "C");
        try {
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                return -1;
            }
            return p.exitValue();
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + argv, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command[0], e);
        }
    }

    /** Whether this JVM runs as uid 0. */
    static boolean runningAsRoot() {
        try {
            return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
        } catch (LinkageError | RuntimeException notUnix) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private static void requireServerUser() {
        String runuser = runuserOrNull();
        if (runuser == null) {
            throw new IllegalStateException("this JVM runs as root and initdb refuses root, but runuser was not found"
                    + " to run PostgreSQL as '" + SERVER_OS_USER + "': install util-linux (Debian: apt-get install -y"
                    + " util-linux), run the tests as another user, or set " + TestPostgres.URL_ENV);
        }
        try {
            lookupServerUser();
        } catch (IOException e) {
            throw new IllegalStateException("this JVM runs as root and initdb refuses root, but there is no system user '"
                    + SERVER_OS_USER + "' to run PostgreSQL as: install Debian's postgresql package (it creates"
                    + " the user), run the tests as another user, or set " + TestPostgres.URL_ENV, e);
        }
    }

    private static String runuser() {
        String runuser = runuserOrNull();
        if (runuser == null) {
            throw new IllegalStateException("runuser not found");
        }
        return runuser;
    }

    private static String runuserOrNull() {
        Optional<Path> found = PostgresBinaries.onPath("runuser", System.getenv("PATH"));
        if (found.isPresent()) {
            return found.get().toString();
        }
        for (String candidate : List.of("/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return null;
    }

    private static UserPrincipal lookupServerUser() throws IOException {
        return Path.of("/").getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(SERVER_OS_USER);
    }

    private static void chownToServerUser(Path path) throws IOException {
        Files.setOwner(path, lookupServerUser());
    }

    /**
     * {@code java.io.tmpdir}, unless we are root and the server's user could not reach a directory
     * in it (a home directory of mode 0700, say); then {@code /tmp}.
     */
    private static Path baseDirectory(boolean asRoot) {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
        if (!asRoot || searchableByAll(tmp)) {
            return tmp;
        }
        Path fallback = Path.of("/tmp");
        if (searchableByAll(fallback)) {
            return fallback;
        }
        throw new IllegalStateException("neither " + tmp + " nor /tmp can be reached by the '" + SERVER_OS_USER
                + "' user, which must own the test PostgreSQL cluster's directory");
    }

    private static boolean searchableByAll(Path dir) {
        try {
            for (Path p = dir.toRealPath(); p != null; p = p.getParent()) {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
                if (!perms.contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    return false;
                }
            }
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static int freeLoopbackPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("could not find a free port on the loopback interface", e);
        }
    }

    private static String randomPassword() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    private static String newSince(Path file, long offset) {
        try {
            byte[] all = Files.readAllBytes(file);
            int from = (int) Math.min(offset, all.length);
            return new String(all, from, all.length - from, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** The last lines of a log, each cut to a printable length, for exception messages. */
    static String tail(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return "  (no log written)";
        } catch (IOException | UncheckedIOException e) {
            return "  (log unreadable: " + e.getMessage() + ")";
        }
        return indent(lines);
    }

    private static String indent(String text) {
        return indent(text.lines().toList());
    }

    private static String indent(List<String> lines) {
        StringBuilder out = new StringBuilder();
        for (String line : lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size())) {
            String cut = line.length() > 300 ? line.substring(0, 300) + "..." : line;
            out.append("  ").append(cut.replaceAll("\\p{Cntrl}", "?")).append('\n');
        }
        return out.length() == 0 ? "  (empty)" : out.toString().stripTrailing();
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete the test PostgreSQL cluster's directory " + dir, e);
        }
    }
}
