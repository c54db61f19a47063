package dev.latchkey.provider.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * libargon2 (the reference C implementation, through JNA) and Bouncy Castle compute the same Argon2id:
 * the same bytes for the same input, so each verifies the other's stored hashes. These tests need the
 * system's libargon2 (Debian: libargon2-1; .ci/run installs it) and fail, saying so, without it; the
 * fallback to Bouncy Castle is tested with a failed load handed in.
 */
class Argon2EnginesTest {
    private static final Argon2Engine JAVA = new BouncyCastleArgon2();
    /** "native" rather than "auto": a machine without libargon2 must fail here, not quietly test Bouncy Castle twice. */
    private final Argon2Engine nativeEngine = Argon2Engines.choose(Argon2Engines.Implementation.NATIVE).engine();

    @Test
    void onThisMachineAutoChoosesLibargon2() {
        Argon2Engines.Choice auto = Argon2Engines.choose(Argon2Engines.Implementation.AUTO);
        assertThat(auto.engine()).isInstanceOf(LibArgon2.class).isSameAs(nativeEngine);
        assertThat(auto.engine().description()).startsWith("libargon2 (native, ").contains("libargon2.so");
        assertThat(auto.reason()).contains("RFC 9106");
    }

    @Test
    void bothComputeTheRfc9106Argon2idTestVector() {
        for (Argon2Engine engine : List.of(JAVA, nativeEngine)) {
            byte[] tag = engine.argon2id(filled(32, 0x01), filled(16, 0x02), filled(8, 0x03), filled(12, 0x04),
                    new Argon2Parameters(32, 3, 4), 32);
            assertThat(HexFormat.of().formatHex(tag)).as(engine.description()).isEqualTo(LibArgon2.RFC9106_TAG);
        }
    }

    @Test
    void bothGiveTheSameBytesForEveryPasswordSaltCostAndLength() {
        String[] passwords = {"correct horse battery staple", "pässwörd ✓ 密码 🔑", "", " ", "\u0000nul inside", "x".repeat(128),
            "🔑".repeat(128)};
        Argon2Parameters[] costs = {new Argon2Parameters(8, 1, 1), new Argon2Parameters(64, 1, 1), new Argon2Parameters(1024, 2, 1),
            new Argon2Parameters(256, 3, 2), new Argon2Parameters(512, 1, 4), new Argon2Parameters(7_168, 5, 1)};
        int[] lengths = {16, 32, 64};
        Random random = new Random(9106);
        for (String password : passwords) {
            for (Argon2Parameters cost : costs) {
                for (int length : lengths) {
                    byte[] salt = new byte[8 + random.nextInt(25)];
                    random.nextBytes(salt);
                    byte[] bytes = password.getBytes(StandardCharsets.UTF_8);
                    assertThat(nativeEngine.argon2id(bytes, salt, null, null, cost, length))
                            .as("%s, %d-byte salt, %d-byte output, password of %d bytes", cost, salt.length, length, bytes.length)
                            .isEqualTo(JAVA.argon2id(bytes, salt, null, null, cost, length));
                }
            }
        }
    }

    @Test
    void bothGiveTheSameBytesAtTheEdgesAStoredHashMayReach() {
        // PasswordHasher.parse accepts salts of 8 to 48 bytes and tags of 16 to 96: past 64 bytes the tag
        // comes from Argon2's variable-length H', a separate path in each implementation.
        Argon2Parameters cost = new Argon2Parameters(64, 1, 1);
        byte[] password = "pässwörd ✓".getBytes(StandardCharsets.UTF_8);
        Random random = new Random(48);
        for (int saltLength : new int[] {8, 47, 48}) {
            for (int length : new int[] {16, 17, 63, 65, 95, 96}) {
                byte[] salt = new byte[saltLength];
                random.nextBytes(salt);
                assertThat(nativeEngine.argon2id(password, salt, null, null, cost, length))
                        .as("%d-byte salt, %d-byte output", saltLength, length)
                        .isEqualTo(JAVA.argon2id(password, salt, null, null, cost, length));
            }
        }
    }

    @Test
    void eachVerifiesTheOthersStoredHashesInTheSameFormat() {
        for (Argon2Parameters cost : List.of(new Argon2Parameters(1024, 1, 1), Argon2Parameters.OWASP)) {
            PasswordHasher java = new PasswordHasher(JAVA, cost, new SecureRandom());
            PasswordHasher c = new PasswordHasher(nativeEngine, cost, new SecureRandom());
            String byJava = java.hash("s3cret-pass ✓");
            String byC = c.hash("s3cret-pass ✓");
            String format = "\\$argon2id\\$v=19\\$m=" + cost.memoryKib() + ",t=" + cost.iterations() + ",p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}";
            assertThat(byJava).matches(format);
            assertThat(byC).matches(format);
            assertThat(c.verify("s3cret-pass ✓", byJava)).isEqualTo(PasswordHasher.Verdict.RIGHT);
            assertThat(java.verify("s3cret-pass ✓", byC)).isEqualTo(PasswordHasher.Verdict.RIGHT);
            assertThat(c.verify("s3cret-pass ✗", byJava)).isEqualTo(PasswordHasher.Verdict.WRONG);
            assertThat(java.verify("s3cret-pass ✗", byC)).isEqualTo(PasswordHasher.Verdict.WRONG);
            assertThat(c.verify("", byJava)).as("an empty password is checked, and fails").isEqualTo(PasswordHasher.Verdict.WRONG);
        }
    }

    @Test
    void aFailureInsideLibargon2IsAnInternalErrorThatNamesItAndNotThePassword() {
        // The hasher never passes a salt under 8 bytes (a stored one is refused unread): only the engine can be
        // made to fail this way, and a failed native allocation takes the same path.
        byte[] password = "hunter2-native-secret".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> nativeEngine.argon2id(password, new byte[4], null, null, new Argon2Parameters(64, 1, 1), 32))
                .isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL))
                .hasMessageContaining("libargon2 could not compute the Argon2id hash")
                .hasMessageContaining("Salt is too short")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void racingHashesOnLibargon2GiveWhatEachGivesAlone() throws Exception {
        Argon2Parameters cost = new Argon2Parameters(1024, 2, 1);
        int threads = 8;
        int perThread = 6;
        byte[][] salts = new byte[threads * perThread][];
        byte[][] expected = new byte[threads * perThread][];
        Random random = new Random(42);
        for (int i = 0; i < salts.length; i++) {
            salts[i] = new byte[16];
            random.nextBytes(salts[i]);
            expected[i] = JAVA.argon2id(("password " + i).getBytes(StandardCharsets.UTF_8), salts[i], null, null, cost, 32);
        }
        PasswordHasher hasher = new PasswordHasher(nativeEngine, cost, new SecureRandom());
        String stored = hasher.hash("the shared one");
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<List<String>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t * perThread;
                results.add(pool.submit(() -> {
                    start.await();
                    List<String> wrong = new ArrayList<>();
                    for (int i = first; i < first + perThread; i++) {
                        byte[] actual = nativeEngine.argon2id(("password " + i).getBytes(StandardCharsets.UTF_8), salts[i], null, null,
                                cost, 32);
                        if (!Arrays.equals(actual, expected[i])) {
                            wrong.add("hash " + i);
                        }
                        // Through the hasher too (its semaphore lets CONCURRENT_HASHES in at once).
                        if (hasher.verify("the shared one", stored) != PasswordHasher.Verdict.RIGHT
                                || hasher.verify("not the shared one", stored) != PasswordHasher.Verdict.WRONG) {
                            wrong.add("verify " + i);
                        }
                    }
                    return wrong;
                }));
            }
            start.countDown();
            for (Future<List<String>> result : results) {
                assertThat(result.get(2, TimeUnit.MINUTES)).isEmpty();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void withoutLibargon2AutoFallsBackToBouncyCastleAndSaysWhy() {
        LibArgon2.Loaded missing = new LibArgon2.Loaded(null, "UnsatisfiedLinkError: Unable to load library 'argon2'");
        Argon2Engines.Choice auto = Argon2Engines.choose(Argon2Engines.Implementation.AUTO, missing);
        assertThat(auto.engine()).isInstanceOf(BouncyCastleArgon2.class);
        assertThat(auto.engine().description()).isEqualTo("Bouncy Castle (pure Java)");
        assertThat(auto.reason()).contains("libargon2 cannot be used", "UnsatisfiedLinkError", "libargon2-1");
    }

    @Test
    void withoutLibargon2NativeFailsStartUpNamingTheFix() {
        LibArgon2.Loaded missing = new LibArgon2.Loaded(null, "UnsatisfiedLinkError: Unable to load library 'argon2'");
        assertThatThrownBy(() -> Argon2Engines.choose(Argon2Engines.Implementation.NATIVE, missing))
                .isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION))
                .hasMessageContaining("passwordHashing.implementation is \"native\"")
                .hasMessageContaining("apt-get install libargon2-1");
    }

    @Test
    void javaIsBouncyCastleEvenWhereLibargon2Loads() {
        assertThat(Argon2Engines.choose(Argon2Engines.Implementation.JAVA).engine()).isInstanceOf(BouncyCastleArgon2.class);
    }

    @Test
    void theSettingTakesThreeWordsAndNothingElse() {
        assertThat(Argon2Engines.Implementation.of(null)).isEqualTo(Argon2Engines.Implementation.AUTO);
        assertThat(Argon2Engines.Implementation.of("auto")).isEqualTo(Argon2Engines.Implementation.AUTO);
        assertThat(Argon2Engines.Implementation.of("native")).isEqualTo(Argon2Engines.Implementation.NATIVE);
        assertThat(Argon2Engines.Implementation.of("java")).isEqualTo(Argon2Engines.Implementation.JAVA);
        for (String bad : List.of("", "Java", "bouncycastle", "jvm", "NATIVE ")) {
            assertThatThrownBy(() -> Argon2Engines.Implementation.of(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("passwordHashing: implementation must be");
        }
    }

    private static byte[] filled(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }
}
