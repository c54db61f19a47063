package dev.latchkey.benchmarks;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.latchkey.api.ApiKey;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.AuthService;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.ProviderTypes;
import dev.latchkey.api.Session;
import dev.latchkey.api.spi.ProviderStore;
import dev.latchkey.core.Latchkey;
import dev.latchkey.core.config.StoreSettings;
import dev.latchkey.core.store.InMemoryStore;
import dev.latchkey.core.store.Store;
import dev.latchkey.core.store.StoredSession;
import dev.latchkey.core.store.jdbc.JdbcStores;
import dev.latchkey.core.token.Secrets;
import dev.latchkey.server.AdminKeyProbe;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Issue #9, timing: are the secret comparisons constant-time? Three benchmarks, each of which
 * interleaves its cases in one fork (a shuffled order per cycle, a batch of calls per case, the
 * batch timed with {@link System#nanoTime}), so that a busy spell of this shared 2-core machine hits
 * every case alike; each case's time per call (the median of its batches in an iteration) is a JMH
 * secondary result ({@link AuxCounters}) and
 * {@link TimingReport} divides it, fork by fork, by the baseline's.
 *
 * <ul>
 *   <li>{@code apiKeyInterleaved}: failed log-ins of the {@code api-key} provider, which finds the
 *   key's record by its 16-character id, SHA-256es the 48-character secret and compares the two
 *   base64url hashes with {@link MessageDigest#isEqual}. Cases: records whose stored hash equals the
 *   presented secret's hash in its first 0 (the baseline), 21 or 42 of 43 characters (real keys of
 *   the user whose stored hash is rewritten in the provider's documents, because no one can choose a
 *   secret with a given hash);
 *   presented secrets equal to the real key's secret in their first 0, 24 or 47 of 48 characters
 *   (what an attacker does control); an id with no record (the dummy hash).</li>
 *   <li>{@code refreshInterleaved}: failed refreshes, which look the session up by the SHA-256 of
 *   the token, in a hash map (in memory) or a B-tree index (H2). Cases: a stored session whose hash
 *   equals the presented token's hash in its first 0 (the baseline), 21 or 42 characters, so the
 *   index's nearest neighbour differs only at the end; a token with no such neighbour.</li>
 *   <li>{@code adminKeyInterleaved}: the auth-server's {@code AdminKey.matches} (SHA-256 of the
 *   presented key, {@link MessageDigest#isEqual} on the two digests), through {@link AdminKeyProbe}.
 *   Cases: a 40-character key equal to the admin key in its first 0 (the baseline), 20 or 39
 *   characters; a key whose digest equals the admin key's in its first 2 bytes (found by search at
 *   set-up: a longer common prefix of digests cannot be searched for); no key; the right key.</li>
 * </ul>
 * Every failing case must fail the expected way (INVALID_CREDENTIALS, INVALID_SESSION, false) on
 * every call, or the benchmark stops; the crafted records are first stored with the exact hash and
 * checked to succeed, so the measured failures are known to reach the comparison.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class ComparisonTiming {
    /** Calls per timed batch: enough for {@link System#nanoTime}'s cost (about 25 ns) to vanish. */
    static final int ENGINE_BATCH = 8;
    static final int ADMIN_BATCH = 64;

    static final String BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /** The engine with a user, an API key, crafted key records and sessions. */
    @State(Scope.Benchmark)
    public static class Engine {
        /** {@code memory}: {@link InMemoryStore}; {@code h2}: the embedded H2 file store, the engine's default. */
        @Param({"memory", "h2"})
        public String store;

        private Path directory;
        private AuthService service;
        /** The api-key cases, in the order of {@link ApiKeyTimes}'s methods. */
        Credentials[] apiKeyCases;
        /** The refresh cases, in the order of {@link RefreshTimes}'s methods. */
        String[] refreshCases;

        /** Builds the engine and the cases, and checks each case answers as it must. */
        @Setup
        public void setUp() throws IOException {
            // The engine logs its start at INFO; JMH would print it in the middle of its output.
            Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
            SecureRandom random = new SecureRandom();
            directory = Files.createTempDirectory("latchkey-comparison-timing");
            Store s = switch (store) {
                case "memory" -> new InMemoryStore();
                case "h2" -> JdbcStores.open(StoreSettings.DEFAULT, directory, "bench");
                default -> throw new IllegalArgumentException("store: memory or h2, not " + store);
            };
            String config = "{\"providers\":{\"api-key\":{\"enabled\":true},\"" + BenchIdp.TYPE + "\":{\"enabled\":true}},"
                    + "\"throttle\":{\"enabled\":false}}";
            service = Latchkey.service("bench").store(s).config(config).dataDirectory(directory).provider(new BenchIdp()).build();
            Session owner = service.logIn(BenchIdp.as("owner"));
            String userId = owner.user().id();

            // --- api-key
            ApiKey real = service.apiKeys(userId).create("real");
            String realId = real.value().substring(0, 16);
            String realSecret = real.value().substring(16);
            ProviderStore documents = s.documents(ProviderTypes.API_KEY);
            String wrongSecret = randomText(random, ALNUM, 48);
            String wrongHash = Secrets.sha256(wrongSecret);
            int[] hashPrefixes = {0, 21, 42};
            int[] secretPrefixes = {0, 24, 47};
            apiKeyCases = new Credentials[hashPrefixes.length + secretPrefixes.length + 1];
            for (int i = 0; i < hashPrefixes.length; i++) {
                // A real key of the user (its identity linked), whose stored hash is then replaced.
                String id = service.apiKeys(userId).create("crafted-" + i).id();
                Credentials credentials = Credentials.apiKey(id + wrongSecret);
                // First the exact hash, which must log in: the rewritten record is read and compared like any other.
                putKey(documents, id, documents.get(id).orElseThrow().json(), wrongHash, userId);
                service.logIn(credentials);
                putKey(documents, id, documents.get(id).orElseThrow().json(), alterFrom(wrongHash, hashPrefixes[i], BASE64URL), userId);
                apiKeyCases[i] = credentials;
            }
            service.logIn(Credentials.apiKey(real.value()));
            for (int i = 0; i < secretPrefixes.length; i++) {
                apiKeyCases[hashPrefixes.length + i] = Credentials.apiKey(realId + alterFrom(realSecret, secretPrefixes[i], ALNUM));
            }
            apiKeyCases[apiKeyCases.length - 1] = Credentials.apiKey(randomText(random, ALNUM, 16) + wrongSecret);
            for (Credentials c : apiKeyCases) {
                failedLogIn(c);
            }

            // --- refresh
            Secrets secrets = new Secrets(random);
            int[] tokenPrefixes = {0, 21, 42};
            refreshCases = new String[tokenPrefixes.length + 1];
            Instant now = Instant.now();
            for (int i = 0; i < tokenPrefixes.length; i++) {
                String token = secrets.newToken();
                String hash = Secrets.sha256(token);
                StoredSession exact = new StoredSession(secrets.newId(16), userId, owner.deviceId(), BenchIdp.TYPE, "owner", hash, now,
                        now.plus(Duration.ofDays(1)));
                if (!s.createSession(exact)) {
                    throw new IllegalStateException("could not store a session");
                }
                service.refresh(token);
                s.deleteSession(exact.id());
                StoredSession near = new StoredSession(secrets.newId(16), userId, owner.deviceId(), BenchIdp.TYPE, "owner",
                        alterFrom(hash, tokenPrefixes[i], BASE64URL), now, now.plus(Duration.ofDays(1)));
                if (!s.createSession(near)) {
                    throw new IllegalStateException("could not store a session");
                }
                refreshCases[i] = token;
            }
            refreshCases[refreshCases.length - 1] = secrets.newToken();
            for (String token : refreshCases) {
                failedRefresh(token);
            }
        }

        /** Stores the key's record again with another hash, the rest as the provider wrote it. */
        private static void putKey(ProviderStore documents, String id, String json, String hash, String owner) {
            JsonObject record = JsonParser.parseString(json).getAsJsonObject();
            record.addProperty("hash", hash);
            documents.transaction(tx -> {
                tx.put(id, record.toString(), owner);
                return null;
            });
        }

        /** Closes the engine and deletes its files. */
        @TearDown
        public void tearDown() throws IOException {
            service.close();
            try (Stream<Path> files = Files.walk(directory)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }

        AuthException failedLogIn(Credentials credentials) {
            try {
                service.logIn(credentials);
            } catch (AuthException e) {
                if (e.code() != ErrorCode.INVALID_CREDENTIALS) {
                    throw new IllegalStateException("a wrong API key answered " + e.code() + ", not INVALID_CREDENTIALS", e);
                }
                return e;
            }
            throw new IllegalStateException("a wrong API key logged in");
        }

        AuthException failedRefresh(String token) {
            try {
                service.refresh(token);
            } catch (AuthException e) {
                if (e.code() != ErrorCode.INVALID_SESSION) {
                    throw new IllegalStateException("an unknown refresh token answered " + e.code() + ", not INVALID_SESSION", e);
                }
                return e;
            }
            throw new IllegalStateException("an unknown refresh token refreshed");
        }
    }

    /** The admin key and the presented keys. */
    @State(Scope.Benchmark)
    public static class Admin {
        AdminKeyProbe key;
        /** The cases, in the order of {@link AdminTimes}'s methods; null is "no key". */
        String[] cases;
        /** Whether each case must match. */
        boolean[] expected;

        /** Picks the admin key and the presented keys. */
        @Setup
        public void setUp() {
            SecureRandom random = new SecureRandom();
            String admin;
            String prefix0;
            // The baseline's digest must differ from the admin key's in its first byte, so that it is the "0 bytes equal" case.
            do {
                admin = randomText(random, ALNUM, 40);
                prefix0 = alterFrom(admin, 0, ALNUM);
            } while (sha256(admin)[0] == sha256(prefix0)[0]);
            key = new AdminKeyProbe(admin);
            cases = new String[] {prefix0, alterFrom(admin, 20, ALNUM), alterFrom(admin, 39, ALNUM), digestPrefix(admin, 2, random), null,
                    admin};
            expected = new boolean[] {false, false, false, false, false, true};
            for (int i = 0; i < cases.length; i++) {
                if (key.matches(cases[i]) != expected[i]) {
                    throw new IllegalStateException("admin key case " + i + " answered " + !expected[i]);
                }
            }
        }

        /** A 40-character key, not the admin key, whose SHA-256 begins with the same {@code bytes} bytes as the admin key's. */
        private static String digestPrefix(String admin, int bytes, Random random) {
            byte[] target = sha256(admin);
            String base = randomText(random, ALNUM, 32);
            for (long n = 0; ; n++) {
                String candidate = base + String.format("%08x", n);
                byte[] d = sha256(candidate);
                if (Arrays.equals(d, 0, bytes, target, 0, bytes) && d[bytes] != target[bytes] && !candidate.equals(admin)) {
                    return candidate;
                }
            }
        }
    }

    /**
     * The cases of one interleaved benchmark: a shuffled order per cycle, and each batch's time per
     * call. A case's time in an iteration is the median of its batches, not the mean: on this busy
     * machine a thread is now and then descheduled for milliseconds, and one such batch would
     * otherwise outweigh hundreds of others (the first trial run's means spread 0.3-11x).
     */
    static final class Cycle {
        private final long[][] batches;
        private final int[] counts;
        private final int[] order;
        private final Random random = new Random(9);
        private int next;

        Cycle(int cases) {
            batches = new long[cases][1024];
            counts = new int[cases];
            order = new int[cases];
            for (int i = 0; i < cases; i++) {
                order[i] = i;
            }
            next = cases;
        }

        void reset() {
            Arrays.fill(counts, 0);
        }

        int next() {
            if (next == order.length) {
                for (int i = order.length - 1; i > 0; i--) {
                    int j = random.nextInt(i + 1);
                    int t = order[i];
                    order[i] = order[j];
                    order[j] = t;
                }
                next = 0;
            }
            return order[next++];
        }

        /** Records one batch: {@code took} ns for {@code count} calls, kept as ns per call × 1000 for precision. */
        void add(int c, long took, int count) {
            if (counts[c] == batches[c].length) {
                batches[c] = Arrays.copyOf(batches[c], counts[c] * 2);
            }
            batches[c][counts[c]++] = took * 1000 / count;
        }

        /** The median over this iteration's batches of ns per call. */
        double ns(int c) {
            int n = counts[c];
            if (n == 0) {
                return 0;
            }
            long[] sorted = Arrays.copyOf(batches[c], n);
            Arrays.sort(sorted);
            double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
            return median / 1000;
        }
    }

    /** ns per failed API-key log-in, per case, per iteration. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class ApiKeyTimes {
        final Cycle cycle = new Cycle(7);

        /** Starts each iteration from zero. */
        @Setup(Level.Iteration)
        public void reset() {
            cycle.reset();
        }

        /** @return ns per call: stored hash equal to the presented one's in 0 of 43 characters (the baseline) */
        public double hash0() {
            return cycle.ns(0);
        }

        /** @return ns per call: stored hash equal in its first 21 of 43 characters */
        public double hashHalf() {
            return cycle.ns(1);
        }

        /** @return ns per call: stored hash equal in its first 42 of 43 characters */
        public double hashAllButLast() {
            return cycle.ns(2);
        }

        /** @return ns per call: presented secret equal to the real one in 0 of 48 characters */
        public double secret0() {
            return cycle.ns(3);
        }

        /** @return ns per call: presented secret equal to the real one in its first 24 characters */
        public double secretHalf() {
            return cycle.ns(4);
        }

        /** @return ns per call: presented secret equal to the real one in its first 47 characters */
        public double secretAllButLast() {
            return cycle.ns(5);
        }

        /** @return ns per call: an id with no record (compared with the dummy hash) */
        public double unknownId() {
            return cycle.ns(6);
        }
    }

    /** ns per failed refresh, per case, per iteration. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class RefreshTimes {
        final Cycle cycle = new Cycle(4);

        /** Starts each iteration from zero. */
        @Setup(Level.Iteration)
        public void reset() {
            cycle.reset();
        }

        /** @return ns per call: a stored hash equal to the presented token's in 0 of 43 characters (the baseline) */
        public double tokenHash0() {
            return cycle.ns(0);
        }

        /** @return ns per call: a stored hash equal in its first 21 characters */
        public double tokenHashHalf() {
            return cycle.ns(1);
        }

        /** @return ns per call: a stored hash equal in its first 42 characters */
        public double tokenHashAllButLast() {
            return cycle.ns(2);
        }

        /** @return ns per call: no stored hash near the presented token's */
        public double tokenUnknown() {
            return cycle.ns(3);
        }
    }

    /** ns per admin-key check, per case, per iteration. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class AdminTimes {
        final Cycle cycle = new Cycle(6);

        /** Starts each iteration from zero. */
        @Setup(Level.Iteration)
        public void reset() {
            cycle.reset();
        }

        /** @return ns per call: a key equal to the admin key in 0 of 40 characters (the baseline) */
        public double adminKey0() {
            return cycle.ns(0);
        }

        /** @return ns per call: equal in its first 20 characters */
        public double adminKeyHalf() {
            return cycle.ns(1);
        }

        /** @return ns per call: equal in its first 39 characters */
        public double adminKeyAllButLast() {
            return cycle.ns(2);
        }

        /** @return ns per call: a key whose digest equals the admin key's in its first 2 bytes */
        public double adminDigest2Bytes() {
            return cycle.ns(3);
        }

        /** @return ns per call: no key */
        public double adminMissing() {
            return cycle.ns(4);
        }

        /** @return ns per call: the right key */
        public double adminRight() {
            return cycle.ns(5);
        }
    }

    /**
     * One batch of failed API-key log-ins of the next case.
     *
     * @param engine the engine and cases
     * @param times where the batch's time goes
     * @param sink keeps the results alive
     */
    @Benchmark
    public void apiKeyInterleaved(Engine engine, ApiKeyTimes times, Blackhole sink) {
        int c = times.cycle.next();
        Credentials credentials = engine.apiKeyCases[c];
        long start = System.nanoTime();
        for (int i = 0; i < ENGINE_BATCH; i++) {
            sink.consume(engine.failedLogIn(credentials));
        }
        times.cycle.add(c, System.nanoTime() - start, ENGINE_BATCH);
    }

    /**
     * One batch of failed refreshes of the next case.
     *
     * @param engine the engine and cases
     * @param times where the batch's time goes
     * @param sink keeps the results alive
     */
    @Benchmark
    public void refreshInterleaved(Engine engine, RefreshTimes times, Blackhole sink) {
        int c = times.cycle.next();
        String token = engine.refreshCases[c];
        long start = System.nanoTime();
        for (int i = 0; i < ENGINE_BATCH; i++) {
            sink.consume(engine.failedRefresh(token));
        }
        times.cycle.add(c, System.nanoTime() - start, ENGINE_BATCH);
    }

    /**
     * One batch of admin-key checks of the next case.
     *
     * @param admin the key and cases
     * @param times where the batch's time goes
     * @param sink keeps the results alive
     */
    @Benchmark
    public void adminKeyInterleaved(Admin admin, AdminTimes times, Blackhole sink) {
        int c = times.cycle.next();
        String presented = admin.cases[c];
        boolean expected = admin.expected[c];
        long start = System.nanoTime();
        for (int i = 0; i < ADMIN_BATCH; i++) {
            boolean matches = admin.key.matches(presented);
            if (matches != expected) {
                throw new IllegalStateException("the admin key check answered " + matches);
            }
            sink.consume(matches);
        }
        times.cycle.add(c, System.nanoTime() - start, ADMIN_BATCH);
    }

    /** {@code text} with every character from {@code from} on replaced by the next one of {@code alphabet}. */
    static String alterFrom(String text, int from, String alphabet) {
        StringBuilder sb = new StringBuilder(text);
        for (int i = from; i < sb.length(); i++) {
            int at = alphabet.indexOf(sb.charAt(i));
            if (at < 0) {
                throw new IllegalArgumentException("a character outside the alphabet");
            }
            sb.setCharAt(i, alphabet.charAt((at + 1) % alphabet.length()));
        }
        return sb.toString();
    }

    static String randomText(Random random, String alphabet, int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
