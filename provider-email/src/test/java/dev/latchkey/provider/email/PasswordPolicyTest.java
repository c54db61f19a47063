package dev.latchkey.provider.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import org.junit.jupiter.api.Test;

class PasswordPolicyTest {
    private final PasswordPolicy policy = new PasswordPolicy(PasswordPolicy.DEFAULT_MIN_LENGTH);

    @Test
    void sixToOneHundredTwentyEightCharactersAreTakenExactlyAsGiven() {
        assertThat(policy.check("abcdef")).isEqualTo("abcdef");
        assertThat(policy.check(" padded ")).as("never trimmed").isEqualTo(" padded ");
        assertThat(policy.check("MiXeD-CaSe")).as("never case-folded").isEqualTo("MiXeD-CaSe");
        assertThat(policy.check("x".repeat(128))).hasSize(128);
        String emoji = "\uD83D\uDE00".repeat(128);   // 128 characters, 256 UTF-16 units
        assertThat(policy.check(emoji)).isEqualTo(emoji);
    }

    @Test
    void tooShortTooLongOrMissingIsABadPasswordThatIsNeverRepeated() {
        assertBad(null, "required");
        assertBad("", "required");
        assertBad("abcde", "at least 6");
        assertBad("\uD83D\uDE00".repeat(5), "at least 6");
        assertBad("x".repeat(129), "at most 128");
        assertBad("y".repeat(1_000_000), "at most 128");
        assertThat(policy.check("hunter")).as("exactly the minimum").isEqualTo("hunter");
    }

    @Test
    void theMinimumCanBeRaisedButNotLowered() {
        PasswordPolicy asvs = new PasswordPolicy(8);
        assertThatThrownBy(() -> asvs.check("seven77")).isInstanceOfSatisfying(AuthException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_PASSWORD));
        assertThat(asvs.check("eight888")).isEqualTo("eight888");
        assertThatThrownBy(() -> new PasswordPolicy(5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PasswordPolicy(129)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void halfASurrogatePairIsRefusedAtRegistrationAndMatchesNothingAtLogIn() {
        assertBad("\uD800abcdef", "half of a surrogate pair");
        assertBad("abcdef\uDC00", "half of a surrogate pair");
        assertThat(PasswordPolicy.fitsMaximum("\uD800abcdef")).isFalse();
        assertThat(PasswordPolicy.fitsMaximum("\uD83D\uDD11abcdef")).isTrue();
    }

    private void assertBad(String password, String messagePart) {
        assertThatThrownBy(() -> policy.check(password)).isInstanceOfSatisfying(AuthException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.BAD_PASSWORD);
            assertThat(e.getMessage()).contains(messagePart);
            if (password != null && !password.isEmpty()) {
                assertThat(e.getMessage()).doesNotContain(password.substring(0, Math.min(5, password.length())));
            }
        });
    }
}
