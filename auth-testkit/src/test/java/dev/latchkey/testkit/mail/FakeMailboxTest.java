package dev.latchkey.testkit.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The fake mailbox, fed by plain Jakarta Mail over a real loopback socket. */
class FakeMailboxTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void aMessageSentWithJakartaMailArrivesDecoded() throws Exception {
        try (FakeMailbox mailbox = FakeMailbox.start()) {
            send(mailbox.host(), mailbox.port(), null, null, "ann@example.com", "Grüße aus Köln",
                    "Hallo Jürgen,\nopen https://app.example.com/confirm?token=abc&tokenId=123 now.\n");

            ReceivedMail mail = mailbox.awaitMessageTo("ann@example.com", WAIT);

            assertThat(mail.from()).isEqualTo("Test Sender <sender@example.com>");
            assertThat(mail.to()).containsExactly("ann@example.com");
            assertThat(mail.subject()).isEqualTo("Grüße aus Köln");
            assertThat(mail.body()).contains("Hallo Jürgen,");
            assertThat(mail.header("content-type")).hasValueSatisfying(v -> assertThat(v).containsIgnoringCase("utf-8"));
            assertThat(mail.header("Subject")).hasValueSatisfying(v -> assertThat(v).startsWith("=?UTF-8?"));
            assertThat(mail.link("https://app.example.com/confirm").queryParameter("tokenId")).isEqualTo("123");
            assertThat(mailbox.messagesTo("ANN@example.com")).hasSize(1);
            assertThat(mailbox.lastMessageTo("ann@example.com")).isPresent();
            assertThat(mailbox.lastMessageTo("bob@example.com")).isEmpty();
        }
    }

    @Test
    void successiveAwaitsReturnSuccessiveMails() throws Exception {
        try (FakeMailbox mailbox = FakeMailbox.start()) {
            send(mailbox.host(), mailbox.port(), null, null, "ann@example.com", "first", "1");
            send(mailbox.host(), mailbox.port(), null, null, "ann@example.com", "second", "2");

            assertThat(mailbox.awaitMessageTo("ann@example.com", WAIT).subject()).isEqualTo("first");
            assertThat(mailbox.awaitMessageTo("ann@example.com", WAIT).subject()).isEqualTo("second");
            assertThat(mailbox.lastMessageTo("ann@example.com")).map(ReceivedMail::subject).hasValue("second");
        }
    }

    @Test
    void awaitingAMailThatNeverComesFailsNamingTheAddressAndWhatCameInstead() throws Exception {
        try (FakeMailbox mailbox = FakeMailbox.start()) {
            send(mailbox.host(), mailbox.port(), null, null, "alice@example.com", "Meant for Alice", "secret link");

            assertThatThrownBy(() -> mailbox.awaitMessageTo("bob@example.com", Duration.ofMillis(200)))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("no mail to bob@example.com arrived within PT0.2S")
                    .hasMessageContaining("to alice@example.com: \"Meant for Alice\"")
                    .hasMessageNotContaining("secret link");
        }
    }

    @Test
    void purgeForgetsEverything() throws Exception {
        try (FakeMailbox mailbox = FakeMailbox.start()) {
            send(mailbox.host(), mailbox.port(), null, null, "ann@example.com", "old", "old");
            mailbox.awaitMessageTo("ann@example.com", WAIT);

            mailbox.purge();
            send(mailbox.host(), mailbox.port(), null, null, "ann@example.com", "new", "new");

            assertThat(mailbox.awaitMessageTo("ann@example.com", WAIT).subject()).isEqualTo("new");
            assertThat(mailbox.messagesTo("ann@example.com")).hasSize(1);
        }
    }

    @Test
    void aMailboxThatRequiresALogInRefusesWrongCredentialsAndDropsMailFromSendersThatDoNotLogIn() throws Exception {
        try (FakeMailbox mailbox = FakeMailbox.startRequiringLogin("latchkey", "right-password")) {
            assertThatThrownBy(() -> send(mailbox.host(), mailbox.port(), "latchkey", "wrong-password", "ann@example.com", "s", "b"))
                    .isInstanceOf(AuthenticationFailedException.class);

            send(mailbox.host(), mailbox.port(), null, null, "ann@example.com", "anonymous", "b");
            assertThat(mailbox.unauthenticatedMessages()).isEqualTo(1);
            assertThatThrownBy(() -> mailbox.awaitMessageTo("ann@example.com", Duration.ofMillis(100)))
                    .hasMessageContaining("1 mail(s) came from a sender that did not log in and were dropped");

            send(mailbox.host(), mailbox.port(), "latchkey", "right-password", "ann@example.com", "logged in", "b");
            assertThat(mailbox.awaitMessageTo("ann@example.com", WAIT).subject()).isEqualTo("logged in");
        }
    }

    @Test
    void aMailboxStartedOnAPortThatWasDownReceivesFromThenOn() throws Exception {
        int port = FakeMailbox.unusedPort();
        assertThatThrownBy(() -> send("127.0.0.1", port, null, null, "ann@example.com", "too early", "b"))
                .isInstanceOf(MessagingException.class);

        try (FakeMailbox mailbox = FakeMailbox.startOn(port)) {
            send(mailbox.host(), port, null, null, "ann@example.com", "in time", "b");
            assertThat(mailbox.awaitMessageTo("ann@example.com", WAIT).subject()).isEqualTo("in time");
        }
    }

    @Test
    void aRefusingServerGreetsWith554() {
        try (FailingSmtpServer server = FailingSmtpServer.refusing()) {
            assertThatThrownBy(() -> send(server.host(), server.port(), null, null, "ann@example.com", "s", "b"))
                    .isInstanceOf(MessagingException.class)
                    .hasMessageContaining("554");
            assertThat(server.connections()).isEqualTo(1);
        }
    }

    @Test
    void aStallingServerHoldsTheSenderUntilItsTimeout() {
        try (FailingSmtpServer server = FailingSmtpServer.stalling()) {
            assertThatThrownBy(() -> send(server.host(), server.port(), null, null, "ann@example.com", "s", "b"))
                    .isInstanceOf(MessagingException.class)
                    .hasRootCauseInstanceOf(java.net.SocketTimeoutException.class);
            assertThat(server.connections()).isEqualTo(1);
        }
    }

    /** Plain Jakarta Mail, as any application would send; short timeouts so failures come quickly. */
    static void send(String host, int port, String user, String password, String to, String subject, String body)
            throws MessagingException {
        Properties p = new Properties();
        p.setProperty("mail.smtp.host", host);
        p.setProperty("mail.smtp.port", Integer.toString(port));
        p.setProperty("mail.smtp.connectiontimeout", "1000");
        p.setProperty("mail.smtp.timeout", "500");
        p.setProperty("mail.smtp.auth", Boolean.toString(user != null));
        p.setProperty("mail.from", "sender@example.com");
        Session session = Session.getInstance(p);
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress("Test Sender <sender@example.com>"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
        message.setSubject(subject, "UTF-8");
        message.setText(body, "UTF-8");
        if (user == null) {
            Transport.send(message);
        } else {
            Transport.send(message, user, password);
        }
    }
}
