package dev.latchkey.testkit.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.latchkey.testkit.log.SecretScan.Finding;
import dev.latchkey.testkit.log.SecretScan.Secret;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretScanTest {
    private static final Secret TOKEN = new Secret("the token", "s3cr3t-value-123");

    @Test
    void findsASecretAndShowsWhereWithoutShowingIt() {
        List<Finding> found = SecretScan.find("a message", "user alice sent token s3cr3t-value-123 yesterday", List.of(TOKEN));

        assertThat(found).singleElement().satisfies(f -> {
            assertThat(f.secret()).isEqualTo("the token");
            assertThat(f.where()).isEqualTo("a message");
            assertThat(f.excerpt()).isEqualTo("user alice sent token <secret> yesterday");
        });
        assertThat(found.get(0).toString()).doesNotContain(TOKEN.value());
    }

    @Test
    void findsNothingInCleanText() {
        assertThat(SecretScan.find("a message", "invalid API key", List.of(TOKEN))).isEmpty();
        assertThat(SecretScan.find("a message", null, List.of(TOKEN))).isEmpty();
    }

    @Test
    void redactsASecretThatContainsAnotherWhole() {
        Secret shorter = new Secret("short", "abcdefgh");
        Secret longer = new Secret("long", "abcdefgh-and-more");

        assertThat(SecretScan.redact("x abcdefgh-and-more y abcdefgh z", List.of(shorter, longer)))
                .isEqualTo("x <secret> y <secret> z");
    }

    @Test
    void anExcerptNeverShowsPartOfASecretAtItsEdges() {
        Secret first = new Secret("first", "F".repeat(50) + "0123456789");
        Secret second = new Secret("second", "S".repeat(300));
        String text = "head " + first.value() + " middle " + second.value() + " tail";

        Finding finding = SecretScan.find("text", text, List.of(first, second)).get(0);

        assertThat(finding.excerpt()).doesNotContain("FFFFFFFF").doesNotContain("SSSSSSSS").doesNotContain("0123456789");
    }

    @Test
    void aMillionCharacterSecretIsFoundWithoutQuadraticSearch() {
        Secret huge = new Secret("huge", "x".repeat(1_000_000));
        String text = "almost " + "x".repeat(999_999) + " then " + huge.value() + " end";

        List<Finding> found = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> SecretScan.find("text", text, List.of(huge)));

        assertThat(found).singleElement().satisfies(f -> assertThat(f.excerpt()).contains(" then <secret> end"));
    }

    @Test
    void linearSearchAgreesWithStringIndexOf() {
        String pattern = "ab".repeat(40) + "c";
        String text = "ab".repeat(100) + "c" + "ab".repeat(50) + "c";

        assertThat(SecretScan.indexOf(text, pattern, 0)).isEqualTo(text.indexOf(pattern));
        int second = text.indexOf(pattern, text.indexOf(pattern) + 1);
        assertThat(SecretScan.indexOf(text, pattern, text.indexOf(pattern) + 1)).isEqualTo(second);
        assertThat(SecretScan.indexOf(text, pattern + "d", 0)).isEqualTo(-1);
    }

    @Test
    void printableEscapesLineBreaksAndControlCharacters() {
        assertThat(SecretScan.printable("a\r\nb\u0000c")).isEqualTo("a\\r\\nb\\u0000c");
    }

    @Test
    void aSecretShowsOnlyItsLabel() {
        assertThat(TOKEN.toString()).isEqualTo("Secret[the token]");
    }
}
