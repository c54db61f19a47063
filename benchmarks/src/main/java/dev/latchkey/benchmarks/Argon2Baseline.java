package dev.latchkey.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id alone, as provider-email's {@code PasswordHasher} computes it to check a password: the
 * password's UTF-8 bytes, parameters built for the call, version 1.3, a 16-byte salt, a 32-byte
 * hash. The baseline that password log-ins are measured against (issues #4 and #10).
 */
final class Argon2Baseline {
    /** The provider's default memory cost in KiB (OWASP: m=19 MiB, t=2, p=1). */
    static final int DEFAULT_MEMORY_KIB = 19_456;
    static final int ITERATIONS = 2;
    static final int PARALLELISM = 1;
    static final int SALT_BYTES = 16;
    static final int HASH_BYTES = 32;

    private Argon2Baseline() {
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
}
