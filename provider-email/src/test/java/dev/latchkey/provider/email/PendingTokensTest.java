package dev.latchkey.provider.email;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.api.spi.ProviderStore;
import dev.latchkey.core.config.StoreSettings;
import dev.latchkey.core.store.InMemoryStore;
import dev.latchkey.core.store.Store;
import dev.latchkey.core.store.jdbc.JdbcStores;
import dev.latchkey.provider.email.PendingTokens.Issued;
import dev.latchkey.provider.email.PendingTokens.Purpose;
import dev.latchkey.provider.email.PendingTokens.Redeemed;
import dev.latchkey.testkit.Race;
import dev.latchkey.testkit.TestClock;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
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
    private final PendingTokens tokens = new PendingTokens(clock, new SecureRandom());
    private Store store;
    private ProviderStore documents;

    static Stream<String> stores() {
        return Stream.of("memory", "h2");
    }

    private void open(String kind) {
        store = kind.equals("memory") ? new InMemoryStore()
                : JdbcStores.open(StoreSettings.DEFAULT, dataDirectory.resolve("t" + System.nanoTime()), "tokens");
        documents = store.documents("local-userpass");
    }

    @AfterEach
    void close() {
        store.close();
    }

    private Issued issue(Purpose purpose, String email) {
        return documents.transaction(tx -> tokens.issue(tx, purpose, email));
    }

    private Optional<Redeemed> redeem(Purpose purpose, String token, String tokenId) {
        return documents.transaction(tx -> tokens.redeem(tx, purpose, token, tokenId));
    }

    @ParameterizedTest
    @MethodSource("stores")
    void aResetTokenIsUsedOnceAndOnlyItsHashIsKept(String kind) {
        open(kind);
        Issued issued = issue(Purpose.RESET, "ann@example.com");
        assertThat(issued.token()).hasSizeGreaterThanOrEqualTo(43);   // 256 bits, base64url
        assertThat(issued.tokenId()).matches("[0-9a-f]{32}");
        assertThat(issued.toString()).doesNotContain(issued.token());
        ProviderStore.Document record = documents.get("token:" + issued.tokenId()).orElseThrow();
        assertThat(record.json()).doesNotContain(issued.token()).contains("ann@example.com");

        assertThat(redeem(Purpose.RESET, issued.token(), issued.tokenId())).contains(new Redeemed("ann@example.com", true));
        assertThat(redeem(Purpose.RESET, issued.token(), issued.tokenId())).isEmpty();
        assertThat(documents.get("token:" + issued.tokenId())).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("stores")
    void aUsedConfirmationTokenIsRecognisedButNeverUsedAgain(String kind) {
        open(kind);
        Issued issued = issue(Purpose.CONFIRM, "ann@example.com");
        assertThat(redeem(Purpose.CONFIRM, issued.token(), issued.tokenId())).contains(new Redeemed("ann@example.com", true));
        assertThat(redeem(Purpose.CONFIRM, issued.token(), issued.tokenId())).contains(new Redeemed("ann@example.com", false));
        clock.advance(PendingTokens.LIFETIME);
        assertThat(redeem(Purpose.CONFIRM, issued.token(), issued.tokenId())).isEmpty();
        assertThat(documents.get("token:" + issued.tokenId())).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("stores")
    void aTokenLivesThirtyMinutes(String kind) {
        open(kind);
        Issued early = issue(Purpose.RESET, "ann@example.com");
        clock.advance(Duration.ofMinutes(10));
        Issued late = issue(Purpose.RESET, "bob@example.com");
        clock.advance(Duration.ofMinutes(20).minusSeconds(1));
        assertThat(redeem(Purpose.RESET, early.token(), early.tokenId())).isPresent();
        clock.advance(Duration.ofMinutes(10).plusSeconds(1));
        assertThat(redeem(Purpose.RESET, late.token(), late.tokenId())).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("stores")
    void aNewTokenReplacesTheAddressesOlderOneOfThatPurposeOnly(String kind) {
        open(kind);
        Issued first = issue(Purpose.CONFIRM, "ann@example.com");
        Issued reset = issue(Purpose.RESET, "ann@example.com");
        Issued other = issue(Purpose.CONFIRM, "bob@example.com");
        Issued second = issue(Purpose.CONFIRM, "ann@example.com");

        assertThat(redeem(Purpose.CONFIRM, first.token(), first.tokenId())).isEmpty();
        assertThat(redeem(Purpose.CONFIRM, second.token(), second.tokenId())).isPresent();
        assertThat(redeem(Purpose.RESET, reset.token(), reset.tokenId())).isPresent();
        assertThat(redeem(Purpose.CONFIRM, other.token(), other.tokenId())).isPresent();
    }

    @ParameterizedTest
    @MethodSource("stores")
    void revokedAndDroppedTokensAreGone(String kind) {
        open(kind);
        Issued revoked = issue(Purpose.RESET, "ann@example.com");
        documents.transaction(tx -> {
            tokens.revoke(tx, revoked.tokenId());
            return null;
        });
        assertThat(redeem(Purpose.RESET, revoked.token(), revoked.tokenId())).isEmpty();

        Issued confirm = issue(Purpose.CONFIRM, "bob@example.com");
        Issued reset = issue(Purpose.RESET, "bob@example.com");
        Issued kept = issue(Purpose.RESET, "cy@example.com");
        documents.transaction(tx -> {
            tokens.dropAll(tx, "bob@example.com");
            return null;
        });
        assertThat(redeem(Purpose.CONFIRM, confirm.token(), confirm.tokenId())).isEmpty();
        assertThat(redeem(Purpose.RESET, reset.token(), reset.tokenId())).isEmpty();
        assertThat(redeem(Purpose.RESET, kept.token(), kept.tokenId())).isPresent();
    }

    @ParameterizedTest
    @MethodSource("stores")
    void theWrongPurposeOrTheWrongSecretRedeemsNothingAndSpoilsNothing(String kind) {
        open(kind);
        Issued issued = issue(Purpose.RESET, "ann@example.com");
        assertThat(redeem(Purpose.CONFIRM, issued.token(), issued.tokenId())).isEmpty();
        String wrong = issued.token().charAt(0) == 'A' ? "B" + issued.token().substring(1) : "A" + issued.token().substring(1);
        assertThat(redeem(Purpose.RESET, wrong, issued.tokenId())).isEmpty();
        assertThat(redeem(Purpose.RESET, issued.token(), issued.tokenId())).isPresent();
    }

    @ParameterizedTest
    @MethodSource("stores")
    void malformedTokensAreRefusedWithoutALookup(String kind) {
        open(kind);
        Issued issued = issue(Purpose.CONFIRM, "ann@example.com");
        assertThat(redeem(Purpose.CONFIRM, null, issued.tokenId())).isEmpty();
        assertThat(redeem(Purpose.CONFIRM, issued.token(), null)).isEmpty();
        assertThat(redeem(Purpose.CONFIRM, issued.token(), "'; DROP TABLE users;--")).isEmpty();
        assertThat(redeem(Purpose.CONFIRM, issued.token(), issued.tokenId().toUpperCase())).isEmpty();
        assertThat(redeem(Purpose.CONFIRM, "x".repeat(1_000_000), issued.tokenId())).isEmpty();
        assertThat(redeem(Purpose.CONFIRM, issued.token(), issued.tokenId())).contains(new Redeemed("ann@example.com", true));
        assertThat(PendingTokens.invalid().getMessage()).isEqualTo("invalid or expired token: ask for a new email");
    }

    @ParameterizedTest
    @MethodSource("stores")
    void racingRedemptionsOfOneTokenHaveOneFirstUse(String kind) throws Exception {
        open(kind);
        Issued issued = issue(Purpose.CONFIRM, "ann@example.com");
        List<Boolean> first = Race.run(16, i -> redeem(Purpose.CONFIRM, issued.token(), issued.tokenId())
                .map(Redeemed::firstUse).orElseThrow());
        assertThat(first).filteredOn(f -> f).hasSize(1);
        Issued reset = issue(Purpose.RESET, "ann@example.com");
        List<Boolean> won = Race.run(16, i -> redeem(Purpose.RESET, reset.token(), reset.tokenId()).isPresent());
        assertThat(won).filteredOn(w -> w).hasSize(1);
    }

    @ParameterizedTest
    @MethodSource("stores")
    void aDamagedRecordRedeemsNothingAndIsDropped(String kind) {
        open(kind);
        Issued issued = issue(Purpose.CONFIRM, "ann@example.com");
        for (String damaged : List.of("{\"purpose\":\"CONFIRM\",\"email\":\"ann@example.com\"}",
                "{\"purpose\":\"CONFIRM\",\"email\":\"a\",\"hash\":\"x\",\"expiresAt\":\"soon\",\"used\":false}", "{}")) {
            ProviderStore.Document current = documents.get("token:" + issued.tokenId()).orElseGet(() -> null);
            documents.compareAndSet("token:" + issued.tokenId(), current == null ? 0 : current.version(), damaged, null);
            assertThat(tokens.isLive(documents, Purpose.CONFIRM, issued.token(), issued.tokenId())).isFalse();
            assertThat(redeem(Purpose.CONFIRM, issued.token(), issued.tokenId())).isEmpty();
            assertThat(documents.get("token:" + issued.tokenId())).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("stores")
    void aLiveTokenIsSeenWithoutBeingSpent(String kind) {
        open(kind);
        Issued issued = issue(Purpose.RESET, "ann@example.com");
        assertThat(tokens.isLive(documents, Purpose.RESET, issued.token(), issued.tokenId())).isTrue();
        assertThat(tokens.isLive(documents, Purpose.CONFIRM, issued.token(), issued.tokenId())).isFalse();
        assertThat(tokens.isLive(documents, Purpose.RESET, "wrong", issued.tokenId())).isFalse();
        assertThat(tokens.isLive(documents, Purpose.RESET, issued.token(), "not-an-id")).isFalse();
        assertThat(redeem(Purpose.RESET, issued.token(), issued.tokenId())).isPresent();
        assertThat(tokens.isLive(documents, Purpose.RESET, issued.token(), issued.tokenId())).isFalse();
    }
}
