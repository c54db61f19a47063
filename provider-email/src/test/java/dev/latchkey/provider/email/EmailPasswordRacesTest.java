package dev.latchkey.provider.email;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.ProviderTypes;
import dev.latchkey.core.config.StoreSettings;
import dev.latchkey.core.store.InMemoryStore;
import dev.latchkey.core.store.Store;
import dev.latchkey.core.store.jdbc.JdbcStores;
import dev.latchkey.testkit.EngineHarness;
import dev.latchkey.testkit.Race;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Registrations, confirmations and resets racing, on the in-memory store and the embedded H2 file. */
class EmailPasswordRacesTest {
    private static final String PASSWORD = "a long enough secret";

    @TempDir
    static Path data;

    static Stream<String> stores() {
        return Stream.of("memory", "h2");
    }

    private static EngineHarness engine(String kind, Map<String, Object> settings) {
        Supplier<Store> store = kind.equals("memory") ? InMemoryStore::new
                : () -> JdbcStores.open(StoreSettings.DEFAULT, data.resolve("r" + System.nanoTime()), "test-app");
        return EngineHarness.builder().store(store).enable(ProviderTypes.EMAIL_PASSWORD, settings).build().start();
    }

    @ParameterizedTest
    @MethodSource("stores")
    void ofRacingRegistrationsOfOneAddressExactlyOneWins(String kind) throws Exception {
        try (EngineHarness engine = engine(kind, Map.of("autoConfirm", true, "passwordHashing", EmailFixture.CHEAP_HASHING))) {
            List<String> outcomes = Race.run(12, i -> {
                try {
                    engine.service().emailPassword().registerUser("ann@example.com", PASSWORD + i);
                    return "registered " + i;
                } catch (AuthException e) {
                    assertThat(e.code()).isEqualTo(ErrorCode.ACCOUNT_NAME_IN_USE);
                    return "taken";
                }
            });
            List<String> winners = outcomes.stream().filter(o -> o.startsWith("registered")).toList();
            assertThat(winners).hasSize(1);
            String winningPassword = PASSWORD + winners.get(0).substring("registered ".length());
            engine.service().logIn(Credentials.emailPassword("ann@example.com", winningPassword));
        }
    }

    @ParameterizedTest
    @MethodSource("stores")
    void racingResetsWithOneTokenChangeThePasswordOnce(String kind) throws Exception {
        java.util.List<ResetRequest> pending = new java.util.concurrent.CopyOnWriteArrayList<>();
        Supplier<Store> store = kind.equals("memory") ? InMemoryStore::new
                : () -> JdbcStores.open(StoreSettings.DEFAULT, data.resolve("r" + System.nanoTime()), "test-app");
        try (EngineHarness engine = EngineHarness.builder().store(store)
                .enable(ProviderTypes.EMAIL_PASSWORD, Map.of("autoConfirm", true, "runResetFunction", true,
                        "passwordHashing", EmailFixture.CHEAP_HASHING))
                .service(ResetFunction.class, r -> {
                    pending.add(r);
                    return FunctionResult.pending();
                }).build().start()) {
            engine.service().emailPassword().registerUser("ann@example.com", PASSWORD);
            engine.service().emailPassword().callResetPasswordFunction("ann@example.com", "irrelevant here");
            ResetRequest request = pending.get(0);

            List<String> outcomes = Race.run(12, i -> {
                try {
                    engine.service().emailPassword().resetPassword(request.token(), request.tokenId(), "new password " + i);
                    return "new password " + i;
                } catch (AuthException e) {
                    assertThat(e.code()).isEqualTo(ErrorCode.USERPASS_TOKEN_INVALID);
                    return null;
                }
            });
            List<String> winners = outcomes.stream().filter(java.util.Objects::nonNull).toList();
            assertThat(winners).hasSize(1);
            engine.service().logIn(Credentials.emailPassword("ann@example.com", winners.get(0)));
        }
    }
}
