package dev.latchkey.provider.email;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters.Builder;

/**
 * Argon2id from Bouncy Castle's pure-Java {@link Argon2BytesGenerator}: always there, and the one
 * Keycloak uses. Its memory (m KiB per call) is allocated on the Java heap.
 */
final class BouncyCastleArgon2 implements Argon2Engine {
    @Override
    public byte[] argon2id(byte[] password, byte[] salt, byte[] secret, byte[] associatedData, Argon2Parameters p, int length) {
        Builder builder = new Builder(org.bouncycastle.crypto.params.Argon2Parameters.ARGON2_id)
                .withVersion(org.bouncycastle.crypto.params.Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(p.memoryKib())
                .withIterations(p.iterations())
                .withParallelism(p.parallelism())
                .withSalt(salt);
        if (secret != null) {
            builder.withSecret(secret);
        }
        if (associatedData != null) {
            builder.withAdditional(associatedData);
        }
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(builder.build());
        byte[] out = new byte[length];
        generator.generateBytes(password, out);
        return out;
    }

    @Override
    public String description() {
        return "Bouncy Castle (pure Java)";
    }
}
