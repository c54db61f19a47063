package dev.latchkey.provider.email;

import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.net.ConnectException;
import java.net.IDN;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.Properties;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;

/**
 * Sends plain-text UTF-8 mail over SMTP with Angus Mail (Jakarta Mail), one connection per mail.
 * One {@link Session} is built from the {@link SmtpSettings} and shared; the class is thread-safe.
 *
 * <p>What it guarantees: with security {@code starttls} nothing but the greeting and EHLO travels
 * before TLS (a server without STARTTLS fails the send); with {@code tls} or {@code starttls} the
 * server's certificate and host name are checked; connecting, reading and writing each give up after
 * the configured timeout, so a stalled server cannot hold a mail thread for good; a subject or
 * address with CR, LF or NUL is refused rather than sent (header injection); failures are reported
 * as a {@link MailDeliveryException} with a safe reason. Nothing here logs.
 *
 * <p>Angus Mail traces the whole SMTP conversation, message bodies included, to the
 * {@code java.util.logging} logger {@code org.eclipse.angus.mail.smtp.protocol} when that logger
 * is enabled at {@code FINEST} (it leaves out the log-in unless {@code mail.debug.auth} is set, which
 * this class never does). A body holds a confirmation or reset link, so unless the operator gave
 * that logger a level of its own, this class sets it to {@code INFO}: a root logger opened to
 * {@code ALL} for debugging (or a log capture) then does not spill links. An operator who sets that
 * logger to {@code FINEST} on purpose gets the wire trace, links and all.
 */
final class SmtpMailSender implements MailSender {
    private static final String UTF_8 = StandardCharsets.UTF_8.name();
    /** The code in Angus's "Got bad greeting from SMTP host: ..., response: 554 ..." message. */
    /** Angus's wire-trace logger. */
    static final String PROTOCOL_TRACE = "org.eclipse.angus.mail.smtp.protocol";
    private static final Pattern GREETING_CODE = Pattern.compile("response: ([2-5][0-9][0-9])\\b");

    private final SmtpSettings settings;
    private final Session session;
    private final InternetAddress from;
    /** Held so the level set on it lasts: java.util.logging keeps loggers only weakly. */
    private final Logger protocolTrace = Logger.getLogger(PROTOCOL_TRACE);

    /**
     * Builds the session.
     *
     * @param settings where and how to send; {@code host} must be set
     * @throws IllegalArgumentException when no host is configured
     */
    SmtpMailSender(SmtpSettings settings) {
        if (!settings.configured()) {
            throw new IllegalArgumentException("SMTP setting 'host' is required to send mail");
        }
        this.settings = settings;
        if (protocolTrace.getLevel() == null) {
            protocolTrace.setLevel(Level.INFO);
        }
        this.session = Session.getInstance(properties(settings));
        try {
            this.from = new InternetAddress(settings.from(), true);
        } catch (AddressException e) {
            throw new IllegalStateException("SmtpSettings checked the sender already", e);
        }
    }

    /**
     * The session properties for some settings (a Session of our own: never the JVM-wide default
     * session, which other code may have configured).
     *
     * @param settings the settings
     * @return the properties
     */
    static Properties properties(SmtpSettings settings) {
        Properties p = new Properties();
        String millis = Long.toString(settings.timeout().toMillis());
        p.setProperty("mail.transport.protocol", "smtp");
        p.setProperty("mail.smtp.host", settings.host());
        p.setProperty("mail.smtp.port", Integer.toString(settings.port()));
        p.setProperty("mail.smtp.connectiontimeout", millis);
        p.setProperty("mail.smtp.timeout", millis);
        p.setProperty("mail.smtp.writetimeout", millis);
        switch (settings.security()) {
            case SmtpSettings.STARTTLS -> {
                // "enable" alone falls back to plain text when the server does not offer STARTTLS,
                // which a man in the middle can arrange by deleting it from the EHLO answer.
                p.setProperty("mail.smtp.starttls.enable", "true");
                p.setProperty("mail.smtp.starttls.required", "true");
                p.setProperty("mail.smtp.ssl.checkserveridentity", "true");
            }
            case SmtpSettings.TLS -> {
                p.setProperty("mail.smtp.ssl.enable", "true");
                p.setProperty("mail.smtp.ssl.checkserveridentity", "true");
            }
            default -> {
                // "none": plain text on purpose (tests, a relay on the same host); see SmtpSettings.
            }
        }
        p.setProperty("mail.smtp.auth", Boolean.toString(settings.authenticates()));
        // The Message-ID is made from mail.from; without it Angus asks the host for its own name.
        InternetAddress sender;
        try {
            sender = new InternetAddress(settings.from(), true);
        } catch (AddressException e) {
            throw new IllegalStateException("SmtpSettings checked the sender already", e);
        }
        p.setProperty("mail.from", sender.getAddress());
        return p;
    }

    @Override
    public void send(MailMessage message) throws MailDeliveryException {
        InternetAddress to = recipient(message.to());
        if (SmtpSettings.hasLineBreakOrNul(message.subject())) {
            throw new MailDeliveryException("the subject contains CR, LF or NUL (header injection refused)", null, true);
        }
        MimeMessage mime = new MimeMessage(session);
        try {
            mime.setFrom(from);
            mime.setRecipient(Message.RecipientType.TO, to);
            // RFC 2047-encodes a subject that is not ASCII; the body goes as text/plain; charset=UTF-8.
            mime.setSubject(message.subject(), UTF_8);
            mime.setText(message.body(), UTF_8);
            mime.setSentDate(new Date());
            // RFC 3834: no out-of-office replies to an automatic mail.
            mime.setHeader("Auto-Submitted", "auto-generated");
            mime.saveChanges();
        } catch (MessagingException e) {
            throw failure(e);
        }
        Transport transport = null;
        try {
            transport = session.getTransport();
            transport.connect(settings.host(), settings.port(), settings.username(), settings.password());
            transport.sendMessage(mime, new Address[] {to});
        } catch (MessagingException e) {
            throw failure(e);
        } finally {
            closeQuietly(transport);
        }
    }

    /** Strict parsing of the recipient, with the domain in its ASCII (IDNA) form. */
    private static InternetAddress recipient(String to) throws MailDeliveryException {
        if (SmtpSettings.hasLineBreakOrNul(to)) {
            throw new MailDeliveryException("the recipient address contains CR, LF or NUL (header injection refused)", null, true);
        }
        String address = to.strip();
        int at = address.lastIndexOf('@');
        try {
            if (at > 0) {
                address = address.substring(0, at + 1) + IDN.toASCII(address.substring(at + 1), IDN.USE_STD3_ASCII_RULES);
            }
            InternetAddress parsed = new InternetAddress(address, true);
            parsed.validate();
            if (at < 1 || parsed.getPersonal() != null) {
                throw new AddressException("not a bare address");
            }
            return parsed;
        } catch (AddressException | IllegalArgumentException e) {
            throw new MailDeliveryException("the recipient is not a valid internet address", null, true);
        }
    }

    /** A delivered mail stays delivered: a failure to say QUIT afterwards must not make it look failed. */
    private static void closeQuietly(Transport transport) {
        if (transport == null) {
            return;
        }
        try {
            transport.close();
        } catch (MessagingException ignored) {
            // The server has the mail, or the send failed already and said why.
        }
    }

    /**
     * The safe report of a failure: our own words for what happened, the exception classes and the
     * reply code, nothing the library or the server wrote.
     *
     * @param e what Angus threw
     * @return the exception to throw
     */
    static MailDeliveryException failure(MessagingException e) {
        Throwable root = e;
        for (int depth = 0; depth < 20 && root.getCause() != null && root.getCause() != root; depth++) {
            root = root.getCause();
        }
        Integer code = replyCode(e);
        boolean authFailed = e instanceof AuthenticationFailedException;
        String what;
        if (root instanceof ConnectException) {
            what = "connection refused";
        } else if (root instanceof SocketTimeoutException) {
            what = "timed out";
        } else if (root instanceof UnknownHostException) {
            what = "unknown host";
        } else if (root instanceof SSLException) {
            what = "TLS failed";
        } else if (authFailed) {
            what = "the server refused the log-in";
        } else if (mentions(e, "STARTTLS is required")) {
            what = "the server does not offer STARTTLS, which security \"starttls\" requires";
        } else if (mentions(e, "bad greeting")) {
            what = "the server refused the connection";
        } else if (e instanceof SendFailedException && e.getCause() instanceof SMTPAddressFailedException) {
            what = "the server refused the recipient";
        } else if (e instanceof SMTPSenderFailedException) {
            what = "the server refused the sender";
        } else if (e instanceof SMTPSendFailedException) {
            what = "the server refused the mail";
        } else {
            what = "sending failed";
        }
        StringBuilder reason = new StringBuilder(what).append(" (").append(e.getClass().getSimpleName());
        if (root != e) {
            reason.append(" <- ").append(root.getClass().getSimpleName());
        }
        if (code != null) {
            reason.append(", SMTP reply ").append(code);
        }
        reason.append(')');
        boolean permanent = authFailed || code != null && code >= 500;
        return new MailDeliveryException(reason.toString(), code, permanent);
    }

    private static Integer replyCode(MessagingException e) {
        Throwable t = e;
        for (int depth = 0; depth < 20 && t != null; depth++, t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SMTPSendFailedException s) {
                return s.getReturnCode();
            }
            if (t instanceof SMTPAddressFailedException a) {
                return a.getReturnCode();
            }
            if (t instanceof SMTPSenderFailedException s) {
                return s.getReturnCode();
            }
        }
        String message = e.getMessage();
        if (message != null && message.contains("bad greeting")) {
            // Only three digits leave the library's message: the server's own words stay behind.
            Matcher m = GREETING_CODE.matcher(message);
            if (m.find()) {
                return Integer.valueOf(m.group(1));
            }
        }
        return null;
    }

    /** Matches a fixed phrase of Angus's; the message itself never goes further. */
    private static boolean mentions(MessagingException e, String phrase) {
        return e.getMessage() != null && e.getMessage().contains(phrase);
    }
}
