package dev.latchkey.provider.email;

import static dev.latchkey.provider.email.EmailFixture.CONFIRM_URL;
import static dev.latchkey.provider.email.EmailFixture.assertCode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.EmailPasswordAuth;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.ProviderTypes;
import dev.latchkey.api.spi.ProviderStore;
import dev.latchkey.core.store.InMemoryStore;
import dev.latchkey.core.store.Store;
import dev.latchkey.testkit.EngineHarness;
import dev.latchkey.testkit.mail.ReceivedMail;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** With enumerationProtection, no answer tells whether an address has an account (SECURITY.md 19). */
class EnumerationProtectionTest {
    private static final String ANN = "ann@example.com";
    private static final String PASSWORD = "a long enough secret";

    private final EmailFixture fixture = new EmailFixture();
    private final EngineHarness engine = fixture.engine(settings -> settings.put("enumerationProtection", true));
    private final EmailPasswordAuth accounts = engine.app().emailPassword();

    @AfterEach
    void close() {
        fixture.close();
    }

    private void confirmedAnn() {
        accounts.registerUser(ANN, PASSWORD);
        EmailFixture.TokenPair pair = fixture.tokensIn(fixture.awaitMail(ANN), CONFIRM_URL);
        accounts.confirmUser(pair.token(), pair.tokenId());
        fixture.mailbox.purge();
    }

    /** What a caller sees of registering an address and then logging in with the password it chose. */
    private List<String> registerThenLogIn(String address) {
        List<String> seen = new ArrayList<>();
        try {
            accounts.registerUser(address, "the attacker's password");
            seen.add("registered");
        } catch (AuthException e) {
            seen.add(e.code() + ": " + e.getMessage());
        }
        try {
            engine.service().logIn(Credentials.emailPassword(address, "the attacker's password"));
            seen.add("logged in");
        } catch (AuthException e) {
            seen.add(e.code() + ": " + e.getMessage());
        }
        return seen;
    }

    @Test
    void registeringAndLoggingInLooksTheSameForNewPendingAndConfirmedAddresses() {
        confirmedAnn();
        accounts.registerUser("pending@example.com", PASSWORD);

        List<String> forConfirmed = registerThenLogIn(ANN);
        List<String> forPending = registerThenLogIn("pending@example.com");
        List<String> forNew = registerThenLogIn("new@example.com");

        assertThat(forConfirmed).containsExactly("registered", ErrorCode.INVALID_CREDENTIALS + ": invalid username/password");
        assertThat(forPending).isEqualTo(forConfirmed);
        assertThat(forNew).isEqualTo(forConfirmed);
    }

    @Test
    void theOwnerOfATakenAddressIsToldAndKeepsThePassword() {
        confirmedAnn();

        accounts.registerUser(ANN, "someone else's password");

        ReceivedMail notice = fixture.awaitMail(ANN);
        assertThat(notice.links()).noneMatch(link -> link.url().startsWith(CONFIRM_URL));
        assertThat(notice.body()).doesNotContain("someone else's password");
        engine.service().logIn(Credentials.emailPassword(ANN, PASSWORD));
        assertCode(() -> engine.service().logIn(Credentials.emailPassword(ANN, "someone else's password")), ErrorCode.INVALID_CREDENTIALS);
    }

    @Test
    void aLaterRegistrationBySomeoneElseNeitherReplacesThePasswordNorSpoilsTheLink() {
        accounts.registerUser(ANN, PASSWORD);
        EmailFixture.TokenPair owners = fixture.tokensIn(fixture.awaitMail(ANN), CONFIRM_URL);

        accounts.registerUser(ANN, "the attacker's password");
        assertThat(fixture.awaitMail(ANN).links()).noneMatch(link -> link.url().startsWith(CONFIRM_URL));

        accounts.confirmUser(owners.token(), owners.tokenId());
        engine.service().logIn(Credentials.emailPassword(ANN, PASSWORD));
        assertCode(() -> engine.service().logIn(Credentials.emailPassword(ANN, "the attacker's password")), ErrorCode.INVALID_CREDENTIALS);
    }

    @Test
    void anOwnerTakesBackAnAddressSomeoneElseRegisteredFirstByResettingThePassword() {
        accounts.registerUser(ANN, "the squatter's password");
        fixture.awaitMail(ANN);
        accounts.registerUser(ANN, PASSWORD);
        assertThat(fixture.awaitMail(ANN).links()).noneMatch(link -> link.url().startsWith(CONFIRM_URL));

        accounts.sendResetPasswordEmail(ANN);
        EmailFixture.TokenPair reset = fixture.tokensIn(fixture.awaitMail(ANN), EmailFixture.RESET_URL);
        accounts.resetPassword(reset.token(), reset.tokenId(), PASSWORD);

        // The reset link proved the mailbox: the account is the owner's, confirmed, with the owner's password.
        engine.service().logIn(Credentials.emailPassword(ANN, PASSWORD));
        assertCode(() -> engine.service().logIn(Credentials.emailPassword(ANN, "the squatter's password")), ErrorCode.INVALID_CREDENTIALS);
    }

    @Test
    void resendingAndResettingAnswerTheSameForUnknownConfirmedAndPendingAddresses() throws Exception {
        confirmedAnn();
        accounts.registerUser("pending@example.com", PASSWORD);
        fixture.awaitMail("pending@example.com");
        fixture.mailbox.purge();

        accounts.resendConfirmationEmail("nobody@example.com");
        accounts.resendConfirmationEmail(ANN);
        accounts.resendConfirmationEmail("pending@example.com");
        accounts.sendResetPasswordEmail("nobody@example.com");
        accounts.sendResetPasswordEmail(ANN);

        // Only real owners get mail: a pending account its new link, Ann her reset link.
        assertThat(fixture.awaitMail("pending@example.com").link(CONFIRM_URL)).isNotNull();
        assertThat(fixture.awaitMail(ANN).link(EmailFixture.RESET_URL)).isNotNull();
        // Mail goes out off the caller's thread: give a wrongly sent one time to arrive before saying none came.
        Thread.sleep(500);
        assertThat(fixture.mailbox.messagesTo("nobody@example.com")).isEmpty();
        assertThat(fixture.mailbox.messagesTo(ANN)).hasSize(1);
    }

    @Test
    void theAnswersComeBeforeTheAccountIsLookedAt() throws Exception {
        // The provider's records sit behind a gate: while it is shut, any call that looked at an
        // account on the caller's thread would hang there.
        CountDownLatch gate = new CountDownLatch(1);
        EngineHarness gated = fixture.engine(settings -> settings.put("enumerationProtection", true),
                builder -> builder.store(() -> gatedStore(new InMemoryStore(), gate)));
        EmailPasswordAuth gatedAccounts = gated.service().emailPassword();

        CompletableFuture<Void> answers = CompletableFuture.runAsync(() -> {
            gatedAccounts.registerUser(ANN, PASSWORD);
            gatedAccounts.resendConfirmationEmail(ANN);
            gatedAccounts.sendResetPasswordEmail("nobody@example.com");
        });
        answers.get(30, TimeUnit.SECONDS);
        assertThat(fixture.mailbox.messagesTo(ANN)).isEmpty();

        gate.countDown();
        assertThat(fixture.awaitMail(ANN).link(CONFIRM_URL)).isNotNull();
    }

    /**
     * A store whose {@code local-userpass} records wait for a gate. A dynamic proxy, in this test
     * only: the store SPI is wide, and only one method of one namespace needs to change.
     */
    private static Store gatedStore(Store real, CountDownLatch gate) {
        InvocationHandler documents = (proxy, method, args) -> {
            ProviderStore target = real.documents(ProviderTypes.EMAIL_PASSWORD);
            if (!gate.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the gate stayed shut");
            }
            return invoke(method, target, args);
        };
        ProviderStore gatedDocuments = (ProviderStore) Proxy.newProxyInstance(ProviderStore.class.getClassLoader(),
                new Class<?>[] {ProviderStore.class}, documents);
        InvocationHandler store = (proxy, method, args) -> method.getName().equals("documents")
                && ProviderTypes.EMAIL_PASSWORD.equals(args[0]) ? gatedDocuments : invoke(method, real, args);
        return (Store) Proxy.newProxyInstance(Store.class.getClassLoader(), new Class<?>[] {Store.class}, store);
    }

    private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
