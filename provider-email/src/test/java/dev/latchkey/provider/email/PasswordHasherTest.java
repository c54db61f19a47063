package dev.latchkey.provider.email;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {
    /** Cheap parameters, so the tests run fast; the cost itself is not what they check. */
    private static final Argon2Parameters CHEAP = new Argon2Parameters(64, 1, 1);
    /** Bouncy Castle here; Argon2EnginesTest runs the same checks across both implementations. */
    private static final Argon2Engine JAVA = new BouncyCastleArgon2();
    private final PasswordHasher hasher = new PasswordHasher(JAVA, CHEAP, new SecureRandom());

    /** RFC 9106, section 5.3: the Argon2id test vector, so we know the library computes Argon2id v1.3. */
    @Test
    void computesTheRfc9106Argon2idTestVector() {
        byte[] password = filled(32, 0x01);
        byte[] salt = filled(16, 0x02);
        byte[] secret = filled(8, 0x03);
        byte[] associatedData = filled(12, 0x04);
        byte[] tag = JAVA.argon2id(password, salt, secret, associatedData, new Argon2Parameters(32, 3, 4), 32);
        assertThat(HexFormat.of().formatHex(tag)).isEqualTo("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659");
    }

    @Test
    void aHashIsAPhcStringThatVerifiesOnlyItsPassword() {
        String hash = hasher.hash("correct horse");
        assertThat(hash).matches("\\$argon2id\\$v=19\\$m=64,t=1,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
        assertThat(hash).doesNotContain("correct horse");
        assertThat(hasher.verify("correct horse", hash)).isEqualTo(PasswordHasher.Verdict.RIGHT);
        assertThat(hasher.verify("correct horsE", hash)).isEqualTo(PasswordHasher.Verdict.WRONG);
        assertThat(hasher.verify("correct horse ", hash)).as("never trimmed").isEqualTo(PasswordHasher.Verdict.WRONG);
        assertThat(hasher.hash("correct horse")).as("a new salt each time").isNotEqualTo(hash);
    }

    @Test
    void theOwaspDefaultsAreTheDefaults() {
        assertThat(Argon2Parameters.OWASP).isEqualTo(new Argon2Parameters(19_456, 2, 1));
        PasswordHasher owasp = new PasswordHasher(JAVA, Argon2Parameters.OWASP, new SecureRandom());
        String hash = owasp.hash("pässwörd ✓");
        assertThat(hash).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(owasp.verify("pässwörd ✓", hash)).isEqualTo(PasswordHasher.Verdict.RIGHT);
    }

    @Test
    void aHashWithOtherParametersVerifiesButAsksToBeMadeAgain() {
        String old = hasher.hash("s3cret-pass");
        PasswordHasher stronger = new PasswordHasher(JAVA, new Argon2Parameters(128, 2, 1), new SecureRandom());
        assertThat(stronger.verify("s3cret-pass", old)).isEqualTo(PasswordHasher.Verdict.RIGHT_BUT_OUTDATED);
        assertThat(stronger.verify("wrong-pass", old)).isEqualTo(PasswordHasher.Verdict.WRONG);
        assertThat(stronger.verify("s3cret-pass", stronger.hash("s3cret-pass"))).isEqualTo(PasswordHasher.Verdict.RIGHT);
    }

    @Test
    void storedTextThatIsNotASoundArgon2idHashMatchesNoPasswordAndThrowsNothing() {
        String good = hasher.hash("s3cret-pass");
        String[] bad = {
            null, "", "s3cret-pass", "$argon2i$v=19$m=64,t=1,p=1$c29tZXNhbHRzYWx0$" + good.substring(good.lastIndexOf('$') + 1),
            good.replace("v=19", "v=16"), good.replace("m=64", "m=9999999"), good.replace("t=1", "t=999"),
            good.replace("p=1", "p=99"), good.replace("m=64", "m=4"), good.substring(0, good.length() - 30),
            good + "$", good.replace("$argon2id", "$argon2id$argon2id"), "$argon2id$v=19$m=64,t=1,p=1$!!!!!!!!!!!!$????????????????",
        };
        for (String stored : bad) {
            assertThat(hasher.verify("s3cret-pass", stored)).as(String.valueOf(stored)).isEqualTo(PasswordHasher.Verdict.UNREADABLE_HASH);
        }
    }

    @Test
    void burningForAnUnknownAccountRunsOneRealCheckAtTheCurrentCost() {
        // The time itself is measured by benchmarks/run-email-timing.sh, never asserted here: what a
        // test can prove is that the work is done, once, at the current cost.
        long before = hasher.computations();
        hasher.burn("anything");
        assertThat(hasher.computations()).isEqualTo(before + 1);
        assertThat(hasher.verify("anything", hasher.hash("something else"))).isEqualTo(PasswordHasher.Verdict.WRONG);
        assertThat(hasher.computations()).isEqualTo(before + 3);
    }

    @Test
    void aStoredHashCostingMoreThanTheCeilingIsNotComputedAtAll() {
        String good = hasher.hash("s3cret-pass");
        String gigabyte = good.replace("m=64,", "m=1048576,");
        String manyPasses = good.replace("t=1,", "t=64,");
        long before = hasher.computations();
        assertThat(hasher.verify("s3cret-pass", gigabyte)).isEqualTo(PasswordHasher.Verdict.UNREADABLE_HASH);
        assertThat(hasher.verify("s3cret-pass", manyPasses)).isEqualTo(PasswordHasher.Verdict.UNREADABLE_HASH);
        // Only the two burns at the configured cost ran, not the gigabyte.
        assertThat(hasher.computations()).isEqualTo(before + 2);
        // Up to 64 MiB / 4 passes stays readable, so a cost can be lowered without locking accounts out.
        PasswordHasher stronger = new PasswordHasher(JAVA, new Argon2Parameters(1024, 3, 1), new SecureRandom());
        assertThat(hasher.verify("s3cret-pass", stronger.hash("s3cret-pass"))).isEqualTo(PasswordHasher.Verdict.RIGHT_BUT_OUTDATED);
    }

    @Test
    void aCostBelowOwaspIsRecognised() {
        assertThat(new PasswordHasher(JAVA, Argon2Parameters.OWASP, new SecureRandom()).belowOwasp()).isFalse();
        assertThat(new PasswordHasher(JAVA, new Argon2Parameters(7_168, 5, 1), new SecureRandom()).belowOwasp()).isFalse();
        assertThat(hasher.belowOwasp()).isTrue();
    }

    @Test
    void parametersOutOfBoundsAreRefused() {
        for (int[] p : new int[][] {{7, 1, 1}, {Argon2Parameters.MAX_MEMORY_KIB + 1, 1, 1}, {64, 0, 1}, {64, 65, 1}, {64, 1, 0},
                {256, 1, 17}}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Argon2Parameters(p[0], p[1], p[2]))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static byte[] filled(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }
}
