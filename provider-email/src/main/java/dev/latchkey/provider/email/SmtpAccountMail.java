package dev.latchkey.provider.email;

import dev.latchkey.api.spi.ProviderContext;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Account mails rendered from the templates and handed to the {@link Outbox}: the caller's
 * thread only renders and queues; the engine's worker threads talk to the SMTP server, retry,
 * and report a mail given up on to the log and to the application's {@link MailFailureListener}.
 */
final class SmtpAccountMail implements AccountMail {
    private final MailTemplates templates;
    private final Outbox outbox;
    private final String appId;
    private final Duration linkLifetime;

    private SmtpAccountMail(MailTemplates templates, Outbox outbox, String appId, Duration linkLifetime) {
        this.templates = templates;
        this.outbox = outbox;
        this.appId = appId;
        this.linkLifetime = linkLifetime;
    }

    /**
     * Mail for a started provider: SMTP from the settings, the engine's threads, the
     * application's failure listener when it registered one.
     *
     * @param context the provider's context
     * @param settings the provider's settings, with SMTP configured
     * @return the mail
     */
    static AccountMail start(ProviderContext context, EmailPasswordSettings settings) {
        SmtpSettings smtp = settings.smtp();
        MailFailureListener listener = context.optionalService(MailFailureListener.class).orElse(failure -> {
            // The outbox has logged it already; without a listener there is nobody else to tell.
        });
        Outbox outbox = new Outbox(new SmtpMailSender(smtp), context.service(ExecutorService.class),
                context.service(ScheduledExecutorService.class), smtp.maxAttempts(), smtp.retryDelay(), listener);
        return new SmtpAccountMail(settings.templates().applyTo(MailTemplates.defaults()), outbox, context.appId(),
                PendingTokens.LIFETIME);
    }

    @Override
    public void confirmation(String email, String link) {
        send(MailKind.CONFIRMATION, email, link);
    }

    @Override
    public void reset(String email, String link) {
        send(MailKind.RESET, email, link);
    }

    @Override
    public void accountExists(String email) {
        send(MailKind.ACCOUNT_EXISTS, email, null);
    }

    @Override
    public void passwordChanged(String email) {
        send(MailKind.PASSWORD_CHANGED, email, null);
    }

    private void send(MailKind kind, String email, String link) {
        outbox.submit(templates.render(kind, new MailTemplates.Values(email, appId, link, linkLifetime)), kind);
    }
}
