package dev.latchkey.benchmarks;

import com.password4j.Argon2Function;
import de.mkammerer.argon2.Argon2Advanced;
import de.mkammerer.argon2.Argon2Factory;
import de.mkammerer.argon2.Argon2Version;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue #10: the same Argon2id (v1.3, p=1, 16-byte salt, 32-byte output) computed by three
 * implementations, at Keycloak's cost (m=7168 KiB, t=5) and at provider-email's default (m=19456 KiB,
 * t=2), in one JMH run:
 * <ul>
 *   <li>{@code bouncyCastle}: {@link Argon2Baseline}, exactly as provider-email's {@code PasswordHasher}
 *   (and Keycloak) compute it;</li>
 *   <li>{@code libargon2}: the reference C implementation, Debian's {@code libargon2-1}, called through
 *   argon2-jvm's JNA binding ({@code Argon2Advanced.rawHashAdvanced}, which allocates the memory natively
 *   per call);</li>
 *   <li>{@code password4j}: password4j's pure-Java {@code Argon2Function}.</li>
 * </ul>
 * Each call starts from the password as a {@code String} and encodes it to UTF-8, as the provider must.
 * {@link #check} (run by {@code @Setup} and by {@link Argon2Run} before JMH starts) refuses to measure an
 * implementation whose output differs from Bouncy Castle's, or from RFC 9106's Argon2id test vector.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 5, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@State(Scope.Benchmark)
public class Argon2Implementations {
    static final String PASSWORD = "correct horse battery staple 42";
    static final int PARALLELISM = Argon2Baseline.PARALLELISM;
    static final int HASH_BYTES = Argon2Baseline.HASH_BYTES;
    /** RFC 9106 §5.3: password 32 × 0x01, salt 16 × 0x02, secret 8 × 0x03, associated data 12 × 0x04, m=32, t=3, p=4. */
    static final String RFC9106_TAG = "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659";

    /** "memory KiB:passes": Keycloak's cost, then provider-email's default. */
    @Param({"7168:5", "19456:2"})
    public String cost;

    private int memoryKib;
    private int iterations;
    private byte[] salt;
    private Argon2Function password4j;

    @Setup
    public void setUp() {
        String[] parts = cost.split(":");
        memoryKib = Integer.parseInt(parts[0]);
        iterations = Integer.parseInt(parts[1]);
        salt = new byte[Argon2Baseline.SALT_BYTES];
        new Random(42).nextBytes(salt);
        password4j = Argon2Function.getInstance(memoryKib, iterations, PARALLELISM, HASH_BYTES, com.password4j.types.Argon2.ID,
                Argon2Function.ARGON2_VERSION_13);
        check(memoryKib, iterations);
    }

    @Benchmark
    public byte[] bouncyCastle() {
        return Argon2Baseline.bouncyCastle(PASSWORD, salt, memoryKib, iterations);
    }

    @Benchmark
    public byte[] libargon2() {
        return Argon2Baseline.libargon2(PASSWORD, salt, memoryKib, iterations);
    }

    @Benchmark
    public byte[] password4j() {
        byte[] bytes = PASSWORD.getBytes(StandardCharsets.UTF_8);
        try {
            return password4j.hash(bytes, salt).getBytes();
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /**
     * Refuses a wrong implementation: libargon2 must give RFC 9106's Argon2id tag (with secret and associated
     * data; Bouncy Castle's is checked by provider-email's tests, and here too), and all three must give the
     * same bytes for several passwords (ASCII, non-ASCII, empty, 128 characters) and salts at the given cost.
     *
     * @param memoryKib memory in KiB
     * @param iterations passes
     * @throws IllegalStateException naming the implementation that differs
     */
    static void check(int memoryKib, int iterations) {
        byte[] pw = filled(32, 0x01);
        byte[] salt = filled(16, 0x02);
        byte[] secret = filled(8, 0x03);
        byte[] ad = filled(12, 0x04);
        Argon2Advanced native2 = Argon2Factory.createAdvanced(Argon2Factory.Argon2Types.ARGON2id);
        expect("libargon2, RFC 9106 vector", RFC9106_TAG,
                HexFormat.of().formatHex(native2.rawHashAdvanced(3, 32, 4, pw, salt, secret, ad, 32, Argon2Version.V13)));
        org.bouncycastle.crypto.generators.Argon2BytesGenerator bc = new org.bouncycastle.crypto.generators.Argon2BytesGenerator();
        bc.init(new org.bouncycastle.crypto.params.Argon2Parameters.Builder(org.bouncycastle.crypto.params.Argon2Parameters.ARGON2_id)
                .withVersion(org.bouncycastle.crypto.params.Argon2Parameters.ARGON2_VERSION_13).withMemoryAsKB(32).withIterations(3)
                .withParallelism(4).withSalt(salt).withSecret(secret).withAdditional(ad).build());
        byte[] tag = new byte[32];
        bc.generateBytes(pw, tag);
        expect("Bouncy Castle, RFC 9106 vector", RFC9106_TAG, HexFormat.of().formatHex(tag));

        Argon2Function p4j = Argon2Function.getInstance(memoryKib, iterations, PARALLELISM, HASH_BYTES, com.password4j.types.Argon2.ID,
                Argon2Function.ARGON2_VERSION_13);
        Random random = new Random(7);
        String[] passwords = {PASSWORD, "pässwörd ✓ 密码", "", "x".repeat(128)};
        for (String password : passwords) {
            byte[] s = new byte[Argon2Baseline.SALT_BYTES];
            random.nextBytes(s);
            String expected = HexFormat.of().formatHex(Argon2Baseline.bouncyCastle(password, s, memoryKib, iterations));
            byte[] bytes = password.getBytes(StandardCharsets.UTF_8);
            if (bytes.length == 0) {
                // argon2-jvm cannot pass an empty password (JNA refuses a zero-byte Memory); the C library could.
                expect("password4j at m=" + memoryKib + ",t=" + iterations, expected,
                        HexFormat.of().formatHex(p4j.hash(bytes, s).getBytes()));
                continue;
            }
            expect("libargon2 at m=" + memoryKib + ",t=" + iterations, expected, HexFormat.of().formatHex(
                    native2.rawHashAdvanced(iterations, memoryKib, PARALLELISM, bytes, s, null, null, HASH_BYTES, Argon2Version.V13)));
            expect("password4j at m=" + memoryKib + ",t=" + iterations, expected,
                    HexFormat.of().formatHex(p4j.hash(bytes, s).getBytes()));
        }
    }

    private static void expect(String what, String expected, String actual) {
        if (!expected.equals(actual)) {
            throw new IllegalStateException(what + " differs from the expected Argon2id output: " + actual + " instead of " + expected);
        }
    }

    private static byte[] filled(int length, int value) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) value);
        return b;
    }
}
