package dev.latchkey.provider.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.spi.ProviderStore;
import dev.latchkey.core.config.StoreSettings;
import dev.latchkey.core.store.InMemoryStore;
import dev.latchkey.core.store.Store;
import dev.latchkey.core.store.jdbc.JdbcStores;
import dev.latchkey.provider.email.PendingTokens.Issued;
import dev.latchkey.provider.email.PendingTokens.Purpose;
import dev.latchkey.testkit.Race;
import dev.latchkey.testkit.TestClock;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Confirmation and reset tokens on the engine's real stores (in memory and the embedded H2 file). */
class PendingTokensTest {
    @TempDir
    static Path dataDirectory;

    private final TestClock clock = new TestClock();
    private Store store;

    static Stream<String> stores() {
        return Stream.of("memory", "h2");
    }

    private PendingTokens tokens(String kind) {
        store = kind.equals("memory") ? new InMemoryStore()
                : JdbcStores.open(StoreSettings.DEFAULT, dataDirectory.resolve("t" + System.nanoTime()), "tokens");
        return new PendingTokens(store.documents("local-userpass"), clock, new SecureRandom());
    }

    @AfterEach
    void close() {
        store.close();
    }

    @ParameterizedTest
    @MethodSource("stores")
    void aTokenIsUsedOnceAndOnlyItsHashIsKept(String kind) {
        PendingTokens tokens = tokens(kind);
        Issued issued = tokens.issue(Purpose.CONFIRM, "ann@example.com");
        assertThat(issued.token()).hasSizeGreaterThanOrEqualTo(43);   // 256 bits, base64url
        assertThat(issued.tokenId()).matches("[0-9a-f]{32}");
        assertThat(issued.toString()).doesNotContain(issued.token());
        ProviderStore.Document record = store.documents("local-userpass").get("token:" + issued.tokenId()).orElseThrow();
        assertThat(record.json()).doesNotContain(issued.token()).contains("ann@example.com");

        assertThat(tokens.redeem(Purpose.CONFIRM, issued.token(), issued.tokenId())).isEqualTo("ann@example.com");
        assertInvalid(() -> tokens.redeem(Purpose.CONFIRM, issued.token(), issued.tokenId()));
        assertThat(store.documents("local-userpass").get("token:" + issued.tokenId())).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("stores")
    void aTokenLivesThirtyMinutes(String kind) {
        PendingTokens tokens = tokens(kind);
        Issued early = tokens.issue(Purpose.RESET, "ann@example.com");
        Issued late = tokens.issue(Purpose.RESET, "ann@example.com");
        clock.advance(Duration.ofMinutes(30).minusSeconds(1));
        assertThat(tokens.redeem(Purpose.RESET, early.token(), early.tokenId())).isEqualTo("ann@example.com");
        clock.advance(Duration.ofSeconds(1));
        assertInvalid(() -> tokens.redeem(Purpose.RESET, late.token(), late.tokenId()));
    }

    @ParameterizedTest
    @MethodSource("stores")
    void theWrongPurposeOrTheWrongSecretRedeemsNothingAndSpoilsNothing(String kind) {
        PendingTokens tokens = tokens(kind);
        Issued issued = tokens.issue(Purpose.RESET, "ann@example.com");
        assertInvalid(() -> tokens.redeem(Purpose.CONFIRM, issued.token(), issued.tokenId()));
        String wrong = issued.token().charAt(0) == 'A' ? "B" + issued.token().substring(1) : "A" + issued.token().substring(1);
        assertInvalid(() -> tokens.redeem(Purpose.RESET, wrong, issued.tokenId()));
        assertThat(tokens.redeem(Purpose.RESET, issued.token(), issued.tokenId())).isEqualTo("ann@example.com");
    }

    @ParameterizedTest
    @MethodSource("stores")
    void malformedTokensAreRefusedWithoutALookup(String kind) {
        PendingTokens tokens = tokens(kind);
        Issued issued = tokens.issue(Purpose.CONFIRM, "ann@example.com");
        assertInvalid(() -> tokens.redeem(Purpose.CONFIRM, null, issued.tokenId()));
        assertInvalid(() -> tokens.redeem(Purpose.CONFIRM, issued.token(), null));
        assertInvalid(() -> tokens.redeem(Purpose.CONFIRM, issued.token(), "'; DROP TABLE users;--"));
        assertInvalid(() -> tokens.redeem(Purpose.CONFIRM, issued.token(), issued.tokenId().toUpperCase()));
        assertInvalid(() -> tokens.redeem(Purpose.CONFIRM, "x".repeat(1_000_000), issued.tokenId()));
        assertThat(tokens.redeem(Purpose.CONFIRM, issued.token(), issued.tokenId())).isEqualTo("ann@example.com");
    }

    @ParameterizedTest
    @MethodSource("stores")
    void racingRedemptionsOfOneTokenHaveOneWinner(String kind) throws Exception {
        PendingTokens tokens = tokens(kind);
        Issued issued = tokens.issue(Purpose.CONFIRM, "ann@example.com");
        List<Boolean> won = Race.run(16, i -> {
            try {
                tokens.redeem(Purpose.CONFIRM, issued.token(), issued.tokenId());
                return true;
            } catch (AuthException e) {
                assertThat(e.code()).isEqualTo(ErrorCode.USERPASS_TOKEN_INVALID);
                return false;
            }
        });
        assertThat(won).filteredOn(w -> w).hasSize(1);
    }

    private static void assertInvalid(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(AuthException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.USERPASS_TOKEN_INVALID);
            assertThat(e.getMessage()).isEqualTo("invalid or expired token: ask for a new email");
        });
    }
}
