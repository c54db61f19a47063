package dev.latchkey.provider.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.ProviderTypes;
import dev.latchkey.testkit.EngineHarness;
import dev.latchkey.testkit.mail.FakeMailbox;
import dev.latchkey.testkit.mail.ReceivedMail;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/**
 * An engine with {@code local-userpass} that mails through a real SMTP server on loopback, for
 * one test: links to {@link #CONFIRM_URL} and {@link #RESET_URL}, cheap hashing, everything closed
 * by {@link #close()}.
 */
final class EmailFixture implements AutoCloseable {
    static final String CONFIRM_URL = "https://app.example.com/confirm";
    static final String RESET_URL = "https://app.example.com/reset?lang=en";
    static final Duration MAIL_WAIT = Duration.ofSeconds(10);
    static final Map<String, Object> CHEAP_HASHING = Map.of("memoryKib", 1024, "iterations", 1);

    final FakeMailbox mailbox = FakeMailbox.start();
    private final List<EngineHarness> engines = new ArrayList<>();

    /** Settings for mail confirmation and mail reset through this fixture's mailbox. */
    Map<String, Object> mailSettings() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("emailConfirmationUrl", CONFIRM_URL);
        settings.put("resetPasswordUrl", RESET_URL);
        settings.put("passwordHashing", CHEAP_HASHING);
        settings.put("smtp", smtp());
        return settings;
    }

    Map<String, Object> smtp() {
        Map<String, Object> smtp = new LinkedHashMap<>();
        smtp.put("host", mailbox.host());
        smtp.put("port", mailbox.port());
        smtp.put("security", "none");
        smtp.put("from", "no-reply@app.example.com");
        return smtp;
    }

    /** An engine with the mail settings changed by {@code change}. */
    EngineHarness engine(Consumer<Map<String, Object>> change) {
        return engine(change, builder -> { });
    }

    EngineHarness engine(Consumer<Map<String, Object>> change, Consumer<EngineHarness.Builder> more) {
        Map<String, Object> settings = mailSettings();
        change.accept(settings);
        EngineHarness.Builder builder = EngineHarness.builder().enable(ProviderTypes.EMAIL_PASSWORD, settings);
        more.accept(builder);
        EngineHarness engine = builder.build().start();
        engines.add(engine);
        return engine;
    }

    EngineHarness engine() {
        return engine(settings -> { });
    }

    ReceivedMail awaitMail(String to) {
        return mailbox.awaitMessageTo(to, MAIL_WAIT);
    }

    /** The token and token id of the link in the last mail to an address that starts with {@code base}. */
    TokenPair tokensIn(ReceivedMail mail, String base) {
        ReceivedMail.Link link = mail.link(base);
        return new TokenPair(link.queryParameter("token"), link.queryParameter("tokenId"));
    }

    record TokenPair(String token, String tokenId) {
    }

    static void assertCode(ThrowingCallable call, ErrorCode code, String... messageParts) {
        assertThatThrownBy(call).isInstanceOfSatisfying(AuthException.class, e -> {
            assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
            for (String part : messageParts) {
                assertThat(e.getMessage()).contains(part);
            }
        });
    }

    @Override
    public void close() {
        engines.forEach(EngineHarness::close);
        mailbox.close();
    }
}
