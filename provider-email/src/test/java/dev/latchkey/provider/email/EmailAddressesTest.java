package dev.latchkey.provider.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import org.junit.jupiter.api.Test;

class EmailAddressesTest {
    private final EmailAddresses caseSensitive = new EmailAddresses(false);
    private final EmailAddresses caseInsensitive = new EmailAddresses(true);

    @Test
    void addressesAreTrimmedAndKeptCaseSensitiveByDefault() {
        assertThat(caseSensitive.normalize("  Ann@Example.com \t")).isEqualTo("Ann@Example.com");
        assertThat(caseInsensitive.normalize("  Ann@Example.COM ")).isEqualTo("ann@example.com");
        assertThat(caseSensitive.normalize("first.last+tag@sub.example.co.uk")).isEqualTo("first.last+tag@sub.example.co.uk");
        assertThat(caseSensitive.normalize("jörg@bücher.de")).isEqualTo("jörg@bücher.de");
    }

    @Test
    void identifiersThatLookLikeSqlAreLiteralData() {
        assertThat(caseSensitive.normalize("a'--@x.com")).isEqualTo("a'--@x.com");
        assertInvalid("'; DROP TABLE users;--", "is not an email address");
    }

    @Test
    void headerInjectionOverLongAndNonAddressesAreRefused() {
        assertInvalid("ann@example.com\r\nBcc: victim@example.com", "CR, LF or NUL");
        assertInvalid("ann@example.com\n", "CR, LF or NUL");
        assertInvalid("ann\u0000@example.com", "CR, LF or NUL");
        assertInvalid("a".repeat(64) + "@" + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(63) + ".com", "at most 254");
        assertInvalid("x".repeat(100_000), "at most 254");
        for (String notAnAddress : new String[] {"", "   ", "ann", "ann@", "@example.com", "ann@example", "ann@@example.com",
            "ann example@example.com", "ann@exa mple.com", "ann@-example.com", "ann@example.c"}) {
            assertInvalid(notAnAddress, "");
        }
        assertInvalid(null, "required");
    }

    @Test
    void theMessageShowsOnlyPrintableAsciiOfAHostileAddress() {
        assertThatThrownBy(() -> caseSensitive.normalize("\u001b[31mred@x")).isInstanceOfSatisfying(AuthException.class,
                e -> assertThat(e.getMessage()).doesNotContain("\u001b").contains("?[31mred@x"));
    }

    @Test
    void halfASurrogatePairAndAnAddressThatLowerCasingBreaksAreRefused() {
        assertInvalid("ann\uD800@example.com", "is not an email address");
        assertInvalid("ann@exam\uDC00ple.com", "is not an email address");
        // U+0130 lower-cases to two characters: 200 of them make an address too long to keep.
        String label = "\u0130".repeat(50);
        String longOnceLowered = "a@" + String.join(".", label, label, label, label) + ".com";
        assertThat(caseSensitive.normalize(longOnceLowered)).isEqualTo(longOnceLowered);
        assertThatThrownBy(() -> caseInsensitive.normalize(longOnceLowered)).isInstanceOfSatisfying(AuthException.class,
                e -> assertThat(e.getMessage()).contains("once lower-cased"));
    }

    private void assertInvalid(String email, String messagePart) {
        assertThatThrownBy(() -> caseSensitive.normalize(email)).as(String.valueOf(email))
                .isInstanceOfSatisfying(AuthException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER);
                    assertThat(e.getMessage()).contains(messagePart).doesNotContain("\r", "\n");
                });
    }
}
