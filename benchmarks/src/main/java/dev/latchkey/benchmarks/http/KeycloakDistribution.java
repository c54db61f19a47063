package dev.latchkey.benchmarks.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Keycloak's server distribution, {@code org.keycloak:keycloak-quarkus-dist:VERSION:zip} from Maven
 * Central, downloaded once into a cache directory, checked against the checksum Central publishes beside
 * it (SHA-512 when served, else SHA-1) every time it is used, and unpacked once. The checksum file is cached
 * too, so a later run needs no network.
 */
final class KeycloakDistribution {
    private static final String CENTRAL = "https://repo.maven.apache.org/maven2/org/keycloak/keycloak-quarkus-dist/";

    private KeycloakDistribution() {
    }

    /** The unpacked distribution's home directory ({@code bin/kc.sh} is in it), fetching and unpacking what is missing. */
    static Path prepare(String version, Path cache, PrintStream progress) throws IOException, InterruptedException {
        Files.createDirectories(cache);
        Path home = cache.resolve("keycloak-" + version);
        Path zip = cache.resolve("keycloak-quarkus-dist-" + version + ".zip");
        String url = CENTRAL + version + "/keycloak-quarkus-dist-" + version + ".zip";
        OkHttpClient client = new OkHttpClient.Builder().callTimeout(Duration.ofMinutes(15))
                .readTimeout(Duration.ofMinutes(1)).build();
        try {
            Checksum expected = checksum(client, url, cache, zip);
            if (!Files.isRegularFile(zip)) {
                download(client, url, zip, progress);
            }
            String actual = digest(zip, expected.algorithm());
            if (!actual.equals(expected.hex())) {
                Path bad = zip.resolveSibling(zip.getFileName() + ".bad");
                Files.move(zip, bad, StandardCopyOption.REPLACE_EXISTING);
                throw new IOException(zip + ": " + expected.algorithm() + " " + actual + " is not Maven Central's "
                        + expected.hex() + "; moved to " + bad + " (delete it and run again to download anew)");
            }
            progress.println("Keycloak " + version + ": " + zip + " matches Maven Central's " + expected.algorithm());
        } finally {
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        }
        if (!Files.isExecutable(home.resolve("bin").resolve("kc.sh"))) {
            unzip(zip, home, "keycloak-" + version + "/", progress);
        }
        return home;
    }

    private record Checksum(String algorithm, String hex) {
    }

    /** Central's checksum of the zip: the cached file if there is one, else fetched (SHA-512 first, then SHA-1) and cached. */
    private static Checksum checksum(OkHttpClient client, String url, Path cache, Path zip) throws IOException {
        for (String[] kind : new String[][] {{"sha512", "SHA-512"}, {"sha1", "SHA-1"}}) {
            Path file = cache.resolve(zip.getFileName() + "." + kind[0]);
            if (Files.isRegularFile(file)) {
                return new Checksum(kind[1], parse(Files.readString(file, StandardCharsets.US_ASCII), file.toString()));
            }
        }
        for (String[] kind : new String[][] {{"sha512", "SHA-512"}, {"sha1", "SHA-1"}}) {
            try (Response r = client.newCall(new Request.Builder().url(url + "." + kind[0]).get().build()).execute()) {
                if (r.code() == 404) {
                    continue;
                }
                if (!r.isSuccessful()) {
                    throw new IOException(url + "." + kind[0] + " answered " + r.code());
                }
                String text = r.body().string();
                String hex = parse(text, url + "." + kind[0]);
                Path file = cache.resolve(zip.getFileName() + "." + kind[0]);
                Files.writeString(file, hex + "\n", StandardCharsets.US_ASCII);
                return new Checksum(kind[1], hex);
            }
        }
        throw new IOException("Maven Central serves no .sha512 or .sha1 for " + url);
    }

    /** The first word of a checksum file (Central's hold the hex digest, some followed by the file name). */
    private static String parse(String text, String source) throws IOException {
        String hex = text.strip().split("\\s+")[0].toLowerCase(Locale.ROOT);
        if (!hex.matches("[0-9a-f]{40}|[0-9a-f]{128}")) {
            throw new IOException(source + ": not a SHA-1 or SHA-512 digest");
        }
        return hex;
    }

    private static void download(OkHttpClient client, String url, Path zip, PrintStream progress) throws IOException {
        Path part = zip.resolveSibling(zip.getFileName() + ".part");
        progress.println("downloading " + url);
        long t = System.nanoTime();
        try (Response r = client.newCall(new Request.Builder().url(url).get().build()).execute()) {
            if (!r.isSuccessful()) {
                throw new IOException(url + " answered " + r.code());
            }
            try (InputStream in = r.body().byteStream()) {
                Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.move(part, zip, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        progress.printf("downloaded %,d bytes in %.0f s%n", Files.size(zip), (System.nanoTime() - t) / 1e9);
    }

    private static String digest(Path file, String algorithm) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every JDK", e);
        }
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                md.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * Unpacks the zip's {@code prefix} folder into {@code home}, through a temporary sibling renamed at the
     * end, so an interrupted unpacking never leaves a half distribution that looks whole. The zip does not
     * keep Unix modes through java.util.zip, so the scripts of {@code bin/} are made executable.
     */
    private static void unzip(Path zip, Path home, String prefix, PrintStream progress) throws IOException {
        Path part = home.resolveSibling(home.getFileName() + ".part");
        deleteTree(part);
        deleteTree(home);
        progress.println("unpacking " + zip + " into " + home);
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                if (!e.getName().startsWith(prefix) || e.getName().equals(prefix)) {
                    continue;
                }
                Path target = part.resolve(e.getName().substring(prefix.length())).normalize();
                if (!target.startsWith(part)) {
                    throw new IOException(zip + ": entry " + e.getName() + " points outside the distribution");
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    try (OutputStream out = Files.newOutputStream(target)) {
                        in.transferTo(out);
                    }
                }
            }
        }
        try (Stream<Path> scripts = Files.list(part.resolve("bin"))) {
            for (Path s : scripts.filter(p -> p.toString().endsWith(".sh")).toList()) {
                if (!s.toFile().setExecutable(true, false)) {
                    throw new IOException("cannot make " + s + " executable");
                }
            }
        }
        Files.move(part, home, StandardCopyOption.ATOMIC_MOVE);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
