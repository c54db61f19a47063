package dev.latchkey.benchmarks;

import de.mkammerer.argon2.Argon2Advanced;
import de.mkammerer.argon2.Argon2Factory;
import de.mkammerer.argon2.Argon2Version;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id alone, as provider-email's {@code PasswordHasher} computes it to check a password: the
 * password's UTF-8 bytes, parameters built for the call, version 1.3, a 16-byte salt, a 32-byte
 * hash. The baseline that password log-ins are measured against (issues #4 and #10).
 *
 * <p>Since issue #10 the provider computes Argon2id with libargon2 (native) when it loads, with Bouncy
 * Castle otherwise; both give the same bytes at different CPU cost. So that a log-in is compared with the
 * hash it really computes, the baseline uses {@link #IMPLEMENTATION}, and the benchmarks pin the
 * provider's {@code passwordHashing.implementation} to the same value.
 */
final class Argon2Baseline {
    /** The provider's default memory cost in KiB (OWASP: m=19 MiB, t=2, p=1). */
    static final int DEFAULT_MEMORY_KIB = 19_456;
    static final int ITERATIONS = 2;
    static final int PARALLELISM = 1;
    static final int SALT_BYTES = 16;
    static final int HASH_BYTES = 32;

    /**
     * {@code "native"} when libargon2 loads here (what the provider's default, {@code "auto"}, then chooses),
     * {@code "java"} otherwise; {@code -Dlatchkey.argon2=java} (or {@code native}) decides instead. Fixed
     * when the class loads, so a JMH fork measures one implementation throughout.
     */
    static final String IMPLEMENTATION = System.getProperty("latchkey.argon2", libargon2Loads() ? "native" : "java");

    private Argon2Baseline() {
    }

    private static boolean libargon2Loads() {
        try {
            libargon2(new byte[] {1}, new byte[SALT_BYTES], 8, 1);
            return true;
        } catch (LinkageError | RuntimeException e) {
            return false;
        }
    }

    /**
     * Hashes a password.
     *
     * @param password the password
     * @param salt the salt, {@link #SALT_BYTES} long
     * @param memoryKib the memory cost in KiB
     * @return the {@link #HASH_BYTES}-byte hash
     */
    static byte[] hash(String password, byte[] salt, int memoryKib) {
        return hash(password, salt, memoryKib, ITERATIONS);
    }

    /**
     * Hashes a password with another number of passes (Keycloak's cost is m=7168 KiB, t=5, p=1).
     *
     * @param password the password
     * @param salt the salt, {@link #SALT_BYTES} long
     * @param memoryKib the memory cost in KiB
     * @param iterations the passes over the memory
     * @return the {@link #HASH_BYTES}-byte hash
     */
    static byte[] hash(String password, byte[] salt, int memoryKib, int iterations) {
        return "native".equals(IMPLEMENTATION) ? libargon2(password, salt, memoryKib, iterations)
                : bouncyCastle(password, salt, memoryKib, iterations);
    }

    /**
     * Bouncy Castle's Argon2id, whatever {@link #IMPLEMENTATION} says.
     *
     * @param password the password
     * @param salt the salt
     * @param memoryKib the memory cost in KiB
     * @param iterations the passes
     * @return the {@link #HASH_BYTES}-byte hash
     */
    static byte[] bouncyCastle(String password, byte[] salt, int memoryKib, int iterations) {
        byte[] bytes = password.getBytes(StandardCharsets.UTF_8);
        try {
            Argon2BytesGenerator generator = new Argon2BytesGenerator();
            generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                    .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                    .withMemoryAsKB(memoryKib)
                    .withIterations(iterations)
                    .withParallelism(PARALLELISM)
                    .withSalt(salt)
                    .build());
            byte[] out = new byte[HASH_BYTES];
            generator.generateBytes(bytes, out);
            return out;
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /**
     * libargon2's Argon2id through argon2-jvm's JNA binding, as provider-email's {@code LibArgon2} calls it.
     *
     * @param password the password
     * @param salt the salt
     * @param memoryKib the memory cost in KiB
     * @param iterations the passes
     * @return the {@link #HASH_BYTES}-byte hash
     */
    static byte[] libargon2(String password, byte[] salt, int memoryKib, int iterations) {
        byte[] bytes = password.getBytes(StandardCharsets.UTF_8);
        try {
            return libargon2(bytes, salt, memoryKib, iterations);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private static byte[] libargon2(byte[] password, byte[] salt, int memoryKib, int iterations) {
        return Native.ARGON2.rawHashAdvanced(iterations, memoryKib, PARALLELISM, password, salt, null, null, HASH_BYTES, Argon2Version.V13);
    }

    /** The binding, made at first use: a class that loads only where libargon2 is wanted. */
    private static final class Native {
        static final Argon2Advanced ARGON2 = Argon2Factory.createAdvanced(Argon2Factory.Argon2Types.ARGON2id);
    }
}
