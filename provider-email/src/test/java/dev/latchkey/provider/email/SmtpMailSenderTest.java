package dev.latchkey.provider.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.testkit.log.LogCapture;
import dev.latchkey.testkit.log.SecretScan;
import dev.latchkey.testkit.log.SecretScan.Secret;
import dev.latchkey.testkit.mail.FailingSmtpServer;
import dev.latchkey.testkit.mail.FakeMailbox;
import dev.latchkey.testkit.mail.ReceivedMail;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;

/** The SMTP sender against real servers on loopback sockets: the fake mailbox and failing servers. */
@ResourceLock(LogCapture.RESOURCE_LOCK)
@ResourceLock(Resources.SYSTEM_OUT)
@ResourceLock(Resources.SYSTEM_ERR)
class SmtpMailSenderTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String FROM = "Latchkey Tests <no-reply@example.com>";
    private static final String PASSWORD = "smtp-Pa55word-9f8e7d";
    private static final String BODY = "Grüß dich, Jürgen!\nOpen https://app.example.com/confirm?token=Zm9v-YmFy_&tokenId=42 — soon.\n";

    private static SmtpSettings plain(String host, int port) {
        return new SmtpSettings(host, port, "none", null, null, FROM, Duration.ofSeconds(1), null, null);
    }

    private static SmtpSettings withLogIn(String host, int port, String username, String password) {
        return new SmtpSettings(host, port, "none", username, password, FROM, Duration.ofSeconds(1), null, null);
    }

    @Test
    void aMailArrivesWithItsSenderSubjectAndUtf8Body() throws Exception {
        try (FakeMailbox mailbox = FakeMailbox.start()) {
            new SmtpMailSender(plain(mailbox.host(), mailbox.port()))
                    .send(new MailMessage("ann@example.com", "Bestätige deine Adresse ✓", BODY));

            ReceivedMail mail = mailbox.awaitMessageTo("ann@example.com", WAIT);
            assertThat(mail.from()).isEqualTo(FROM);
            assertThat(mail.to()).containsExactly("ann@example.com");
            assertThat(mail.subject()).isEqualTo("Bestätige deine Adresse ✓");
            // GreenMail drops the line break before the final "." of the DATA section.
            assertThat(mail.body().replace("\r\n", "\n")).isEqualTo(BODY.stripTrailing());
            assertThat(mail.header("Content-Type")).hasValueSatisfying(v ->
                    assertThat(v).startsWith("text/plain").containsIgnoringCase("charset=UTF-8"));
            assertThat(mail.header("Subject")).hasValueSatisfying(v -> assertThat(v).startsWith("=?UTF-8?"));
            assertThat(mail.header("Auto-Submitted")).hasValue("auto-generated");
            assertThat(mail.header("Message-ID")).isPresent();
            assertThat(mail.link("https://app.example.com/confirm").queryParameter("token")).isEqualTo("Zm9v-YmFy_");
        }
    }

    @Test
    void withAUsernameAndPasswordTheSenderLogsInAndNoLogShowsThePassword() throws Exception {
        try (FakeMailbox mailbox = FakeMailbox.startRequiringLogin("mailer", PASSWORD)) {
            List<LogCapture.Entry> logged;
            // An operator debugging SMTP turns Angus's wire trace on explicitly.
            java.util.logging.Logger trace = java.util.logging.Logger.getLogger(SmtpMailSender.PROTOCOL_TRACE);
            java.util.logging.Level before = trace.getLevel();
            trace.setLevel(java.util.logging.Level.FINEST);
            // GreenMail's own log is the fake server's: it prints the credentials it was given.
            try (LogCapture capture = LogCapture.startIgnoring(List.of("com.icegreen"))) {
                new SmtpMailSender(withLogIn(mailbox.host(), mailbox.port(), "mailer", PASSWORD))
                        .send(new MailMessage("ann@example.com", "Hello", "text"));
                logged = capture.entries();
            } finally {
                trace.setLevel(before);
            }

            assertThat(mailbox.awaitMessageTo("ann@example.com", WAIT).subject()).isEqualTo("Hello");
            assertThat(mailbox.unauthenticatedMessages()).isZero();
            // Even Angus's FINEST protocol trace, switched on, leaves the log-in out (mail.debug.auth is never set).
            assertThat(logged).anySatisfy(e -> assertThat(e.origin()).isEqualTo("org.eclipse.angus.mail.smtp.protocol FINEST")
                    .satisfies(o -> assertThat(e.text()).contains("AUTH")));
            Base64.Encoder base64 = Base64.getEncoder();
            assertThat(SecretScan.find(logged, List.of(
                    new Secret("the password", PASSWORD),
                    new Secret("the password in base64 (AUTH LOGIN)", base64.encodeToString(PASSWORD.getBytes(StandardCharsets.UTF_8))),
                    new Secret("the AUTH PLAIN response", base64.encodeToString(("\0mailer\0" + PASSWORD).getBytes(StandardCharsets.UTF_8))))))
                    .isEmpty();
        }
    }

    @Test
    void aRefusedLogInFailsForGoodWithoutShowingThePassword() {
        String wrong = PASSWORD + "-wrong";
        try (FakeMailbox mailbox = FakeMailbox.startRequiringLogin("mailer", PASSWORD)) {
            SmtpMailSender sender = new SmtpMailSender(withLogIn(mailbox.host(), mailbox.port(), "mailer", wrong));

            assertThatThrownBy(() -> sender.send(new MailMessage("ann@example.com", "Hello", BODY)))
                    .isInstanceOfSatisfying(MailDeliveryException.class, e -> {
                        assertThat(e.permanent()).isTrue();
                        assertThat(e.getCause()).isNull();
                    })
                    .hasMessageStartingWith("the server refused the log-in (AuthenticationFailedException")
                    .hasMessageNotContaining(wrong)
                    .hasMessageNotContaining(PASSWORD)
                    .hasMessageNotContaining("Grüß");
            assertThat(mailbox.messagesTo("ann@example.com")).isEmpty();
        }
    }

    @Test
    void aLineBreakInTheSubjectOrRecipientIsRefusedBeforeAnythingIsSent() {
        try (FakeMailbox mailbox = FakeMailbox.start()) {
            SmtpMailSender sender = new SmtpMailSender(plain(mailbox.host(), mailbox.port()));

            assertThatThrownBy(() -> sender.send(new MailMessage("ann@example.com", "Hi\r\nBcc: eve@evil.example", BODY)))
                    .isInstanceOfSatisfying(MailDeliveryException.class, e -> assertThat(e.permanent()).isTrue())
                    .hasMessageContaining("subject contains CR, LF or NUL");
            assertThatThrownBy(() -> sender.send(new MailMessage("ann@example.com\nBcc: eve@evil.example", "Hi", BODY)))
                    .isInstanceOf(MailDeliveryException.class)
                    .hasMessageContaining("recipient address contains CR, LF or NUL");
            assertThatThrownBy(() -> sender.send(new MailMessage("Ann <ann@example.com>, eve@evil.example", "Hi", BODY)))
                    .isInstanceOf(MailDeliveryException.class)
                    .hasMessageContaining("not a valid internet address");

            assertThat(mailbox.messagesTo("ann@example.com")).isEmpty();
            assertThat(mailbox.messagesTo("eve@evil.example")).isEmpty();
        }
    }

    @Test
    void starttlsAgainstAServerWithoutItFailsInsteadOfSendingInTheClear() {
        try (FakeMailbox mailbox = FakeMailbox.start()) {
            SmtpSettings starttls = new SmtpSettings(mailbox.host(), mailbox.port(), "starttls", null, null, FROM,
                    Duration.ofSeconds(1), null, null);

            assertThatThrownBy(() -> new SmtpMailSender(starttls).send(new MailMessage("ann@example.com", "Hello", BODY)))
                    .isInstanceOf(MailDeliveryException.class)
                    .hasMessageStartingWith("the server does not offer STARTTLS");
            assertThat(mailbox.messagesTo("ann@example.com")).isEmpty();
        }
    }

    @Test
    void aServerThatIsDownFailsWithConnectionRefused() {
        SmtpMailSender sender = new SmtpMailSender(plain("127.0.0.1", FakeMailbox.unusedPort()));

        assertThatThrownBy(() -> sender.send(new MailMessage("ann@example.com", "Hello", BODY)))
                .isInstanceOfSatisfying(MailDeliveryException.class, e -> assertThat(e.permanent()).isFalse())
                .hasMessage("connection refused (MailConnectException <- ConnectException)");
    }

    @Test
    void aServerThatRefusesServiceFailsForGoodWithItsReplyCodeOnly() {
        try (FailingSmtpServer server = FailingSmtpServer.refusing()) {
            SmtpMailSender sender = new SmtpMailSender(plain(server.host(), server.port()));

            assertThatThrownBy(() -> sender.send(new MailMessage("ann@example.com", "Hello", BODY)))
                    .isInstanceOfSatisfying(MailDeliveryException.class, e -> {
                        assertThat(e.permanent()).isTrue();
                        assertThat(e.replyCode()).hasValue(554);
                    })
                    .hasMessage("the server refused the connection (MessagingException, SMTP reply 554)");
        }
    }

    @Test
    void aStalledServerFailsAfterTheTimeout() {
        try (FailingSmtpServer server = FailingSmtpServer.stalling()) {
            SmtpMailSender sender = new SmtpMailSender(plain(server.host(), server.port()));

            assertThatThrownBy(() -> sender.send(new MailMessage("ann@example.com", "Hello", BODY)))
                    .isInstanceOfSatisfying(MailDeliveryException.class, e -> assertThat(e.permanent()).isFalse())
                    .hasMessageStartingWith("timed out (")
                    .hasMessageEndingWith("<- SocketTimeoutException)");
            assertThat(server.connections()).isEqualTo(1);
        }
    }

    @Test
    void theSessionRequiresTlsAndChecksTheServerInBothTlsModes() {
        SmtpSettings starttls = new SmtpSettings("smtp.example.com", null, null, "u", PASSWORD, FROM, Duration.ofSeconds(7), null, null);
        Properties p = SmtpMailSender.properties(starttls);
        assertThat(p).containsEntry("mail.smtp.host", "smtp.example.com").containsEntry("mail.smtp.port", "587")
                .containsEntry("mail.smtp.starttls.enable", "true").containsEntry("mail.smtp.starttls.required", "true")
                .containsEntry("mail.smtp.ssl.checkserveridentity", "true").containsEntry("mail.smtp.auth", "true")
                .containsEntry("mail.smtp.connectiontimeout", "7000").containsEntry("mail.smtp.timeout", "7000")
                .containsEntry("mail.smtp.writetimeout", "7000")
                .doesNotContainKey("mail.smtp.ssl.enable");
        assertThat(p.values()).doesNotContain(PASSWORD);

        Properties tls = SmtpMailSender.properties(new SmtpSettings("smtp.example.com", null, "tls", null, null, FROM, null, null, null));
        assertThat(tls).containsEntry("mail.smtp.ssl.enable", "true").containsEntry("mail.smtp.port", "465")
                .containsEntry("mail.smtp.ssl.checkserveridentity", "true").containsEntry("mail.smtp.auth", "false")
                .doesNotContainKey("mail.smtp.starttls.enable");

        Properties none = SmtpMailSender.properties(plain("localhost", 2525));
        assertThat(none).doesNotContainKeys("mail.smtp.ssl.enable", "mail.smtp.starttls.enable");
    }

    @Test
    void withoutAHostThereIsNoSender() {
        assertThatThrownBy(() -> new SmtpMailSender(new SmtpSettings(null, null, null, null, null, null, null, null, null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'host'");
    }
}
