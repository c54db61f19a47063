package dev.latchkey.provider.email;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.testkit.EngineHarness;
import dev.latchkey.testkit.log.LogCapture;
import dev.latchkey.testkit.mail.FakeMailbox;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/** A mail that cannot be sent does not fail the caller, and is reported: logged and given to the application's listener. */
class MailFailureTest {
    private final EmailFixture fixture = new EmailFixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    @ResourceLock(LogCapture.RESOURCE_LOCK)
    void anUndeliverableConfirmationIsReportedNotSwallowed() throws Exception {
        LinkedBlockingQueue<MailFailure> failures = new LinkedBlockingQueue<>();
        int deadPort = FakeMailbox.unusedPort();
        try (LogCapture log = LogCapture.start()) {
            EngineHarness engine = fixture.engine(settings -> settings.put("smtp", Map.of("host", "127.0.0.1", "port", deadPort,
                    "security", "none", "from", "no-reply@app.example.com", "maxAttempts", 2, "retryDelay", "PT0.1S", "timeout", "PT1S")),
                    builder -> builder.service(MailFailureListener.class, failures::add));

            engine.service().emailPassword().registerUser("ann@example.com", "a long enough secret");

            MailFailure failure = failures.poll(30, TimeUnit.SECONDS);
            assertThat(failure).isNotNull();
            assertThat(failure.recipient()).isEqualTo("ann@example.com");
            assertThat(failure.kind()).isEqualTo(MailKind.CONFIRMATION);
            assertThat(failure.attempts()).isEqualTo(2);
            assertThat(log.text()).contains("CONFIRMATION").doesNotContain("token=");
        }
    }

    @Test
    void aMailSentLaterStillArrivesWhenTheServerComesBack() throws Exception {
        int port = FakeMailbox.unusedPort();
        EngineHarness engine = fixture.engine(settings -> settings.put("smtp", Map.of("host", "127.0.0.1", "port", port,
                "security", "none", "from", "no-reply@app.example.com", "maxAttempts", 5, "retryDelay", "PT0.5S", "timeout", "PT1S")));
        engine.service().emailPassword().registerUser("ann@example.com", "a long enough secret");
        try (FakeMailbox late = FakeMailbox.startOn(port)) {
            assertThat(late.awaitMessageTo("ann@example.com", java.time.Duration.ofSeconds(30)).link(EmailFixture.CONFIRM_URL)).isNotNull();
        }
    }
}
