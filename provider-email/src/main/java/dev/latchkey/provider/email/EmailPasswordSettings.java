package dev.latchkey.provider.email;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code local-userpass} section of the configuration (its README lists every setting with
 * its default). Bound by the engine; every check here fails start-up with a CONFIGURATION error
 * that names the setting, never its value.
 *
 * @param autoConfirm accounts are confirmed as they register (development; default false)
 * @param runConfirmationFunction the application's {@link ConfirmationFunction} confirms accounts (default false)
 * @param emailConfirmationUrl confirmation by mail: the page the mailed link opens, with
 *     {@code token} and {@code tokenId} added to its query
 * @param runResetFunction the application's {@link ResetFunction} resets passwords (default false)
 * @param resetPasswordUrl reset by mail: the page the mailed link opens, with {@code token} and {@code tokenId}
 * @param caseInsensitiveEmails addresses are lower-cased, so {@code Bob@x.com} and {@code bob@x.com}
 *     are one account (default false: case-sensitive, as App Services)
 * @param enumerationProtection registering, resending and resetting answer the same, in the same
 *     time, whether or not an account has the address; the owner of a confirmed address is mailed a
 *     notice instead; needs confirmation by mail, and reset by mail or none (default false)
 * @param minPasswordLength the fewest characters in a password (default 6, as App Services; up to 128)
 * @param rejectCommonPasswords refuse passwords in the bundled list of common passwords (default false)
 * @param passwordHashing the Argon2id cost (default OWASP's m=19 MiB, t=2, p=1)
 * @param smtp the mail server; required when any mail is sent
 * @param templates mail subjects and bodies that replace the bundled ones
 */
public record EmailPasswordSettings(Boolean autoConfirm, Boolean runConfirmationFunction, String emailConfirmationUrl,
                                    Boolean runResetFunction, String resetPasswordUrl, Boolean caseInsensitiveEmails,
                                    Boolean enumerationProtection, Integer minPasswordLength, Boolean rejectCommonPasswords,
                                    PasswordHashing passwordHashing, SmtpSettings smtp, Templates templates) {

    /** How accounts get confirmed. */
    enum Confirmation { AUTOMATIC, EMAIL, FUNCTION }

    /** How passwords get reset. */
    enum Reset { NONE, EMAIL, FUNCTION }

    /**
     * Fills defaults and checks that the settings make one coherent choice.
     *
     * @param autoConfirm see the record description
     * @param runConfirmationFunction see the record description
     * @param emailConfirmationUrl see the record description
     * @param runResetFunction see the record description
     * @param resetPasswordUrl see the record description
     * @param caseInsensitiveEmails see the record description
     * @param enumerationProtection see the record description
     * @param minPasswordLength see the record description
     * @param rejectCommonPasswords see the record description
     * @param passwordHashing see the record description
     * @param smtp see the record description
     * @param templates see the record description
     */
    public EmailPasswordSettings {
        autoConfirm = Boolean.TRUE.equals(autoConfirm);
        runConfirmationFunction = Boolean.TRUE.equals(runConfirmationFunction);
        runResetFunction = Boolean.TRUE.equals(runResetFunction);
        caseInsensitiveEmails = Boolean.TRUE.equals(caseInsensitiveEmails);
        enumerationProtection = Boolean.TRUE.equals(enumerationProtection);
        rejectCommonPasswords = Boolean.TRUE.equals(rejectCommonPasswords);
        minPasswordLength = minPasswordLength == null ? PasswordPolicy.DEFAULT_MIN_LENGTH : minPasswordLength;
        new PasswordPolicy(minPasswordLength);
        passwordHashing = passwordHashing == null ? new PasswordHashing(null, null, null, null) : passwordHashing;
        passwordHashing.parameters();
        passwordHashing.engine();
        templates = templates == null ? new Templates(null, null, null, null) : templates;
        templates.applyTo(MailTemplates.defaults());

        int confirmationModes = (autoConfirm ? 1 : 0) + (runConfirmationFunction ? 1 : 0) + (emailConfirmationUrl != null ? 1 : 0);
        if (confirmationModes != 1) {
            throw new IllegalArgumentException("choose exactly one way to confirm accounts: \"autoConfirm\": true,"
                    + " \"runConfirmationFunction\": true, or an \"emailConfirmationUrl\"");
        }
        if (runResetFunction && resetPasswordUrl != null) {
            throw new IllegalArgumentException("choose one way to reset passwords: \"runResetFunction\": true or a \"resetPasswordUrl\"");
        }
        if (enumerationProtection && (emailConfirmationUrl == null || runResetFunction)) {
            // With automatic or function confirmation, registering an address and logging in tells a
            // taken address from a new one; a reset function runs only for existing accounts.
            throw new IllegalArgumentException("enumerationProtection needs confirmation by mail (\"emailConfirmationUrl\")"
                    + " and reset by mail or not at all: automatic or function confirmation, and a reset function,"
                    + " tell a taken address from a new one");
        }
        checkLinkBase("emailConfirmationUrl", emailConfirmationUrl);
        checkLinkBase("resetPasswordUrl", resetPasswordUrl);
        boolean mails = emailConfirmationUrl != null || resetPasswordUrl != null;
        if (mails && (smtp == null || smtp.host() == null)) {
            throw new IllegalArgumentException("smtp.host is required: links are sent by mail");
        }
    }

    Confirmation confirmation() {
        return autoConfirm ? Confirmation.AUTOMATIC : runConfirmationFunction ? Confirmation.FUNCTION : Confirmation.EMAIL;
    }

    Reset reset() {
        return runResetFunction ? Reset.FUNCTION : resetPasswordUrl != null ? Reset.EMAIL : Reset.NONE;
    }

    boolean sendsMail() {
        return smtp != null && smtp.host() != null;
    }

    /**
     * A link base must be an absolute http(s) URL without a fragment; plain http only to this
     * machine, since the link carries a secret token.
     */
    private static void checkLinkBase(String name, String url) {
        if (url == null) {
            return;
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(name + " is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            throw new IllegalArgumentException(name + " must be an absolute https URL");
        }
        if (scheme.equals("http") && !isLoopback(uri.getHost())) {
            throw new IllegalArgumentException(name + " must use https: the link carries a secret token (http only for localhost)");
        }
        if (uri.getRawFragment() != null) {
            throw new IllegalArgumentException(name + " must not have a fragment: the token is added to its query");
        }
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]");
    }

    /**
     * The Argon2id cost of new hashes; hashes made with other parameters still verify and are
     * upgraded at their next successful log-in.
     *
     * @param memoryKib memory in KiB (default 19,456 = 19 MiB; at most 1 GiB)
     * @param iterations passes (default 2; at most 64)
     * @param parallelism lanes (default 1; at most 16)
     * @param implementation {@code "auto"} (default: libargon2 when it loads, Bouncy Castle otherwise),
     *     {@code "native"} (libargon2 or start-up fails) or {@code "java"} (Bouncy Castle); all compute the
     *     same hashes
     */
    public record PasswordHashing(Integer memoryKib, Integer iterations, Integer parallelism, String implementation) {
        Argon2Engines.Implementation engine() {
            return Argon2Engines.Implementation.of(implementation);
        }

        Argon2Parameters parameters() {
            Argon2Parameters d = Argon2Parameters.OWASP;
            try {
                return new Argon2Parameters(memoryKib == null ? d.memoryKib() : memoryKib,
                        iterations == null ? d.iterations() : iterations, parallelism == null ? d.parallelism() : parallelism);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("passwordHashing: " + e.getMessage());
            }
        }
    }

    /**
     * Mail templates that replace the bundled ones; each may set a subject, a body, or both.
     *
     * @param confirmation the confirmation link
     * @param reset the password-reset link
     * @param accountExists the notice to an address that someone tried to register again (enumeration protection)
     * @param passwordChanged the notice that the password was reset
     */
    public record Templates(MailTemplate confirmation, MailTemplate reset, MailTemplate accountExists,
                            MailTemplate passwordChanged) {
        MailTemplates applyTo(MailTemplates base) {
            Map<MailKind, MailTemplate> overrides = new EnumMap<>(MailKind.class);
            put(overrides, MailKind.CONFIRMATION, confirmation);
            put(overrides, MailKind.RESET, reset);
            put(overrides, MailKind.ACCOUNT_EXISTS, accountExists);
            put(overrides, MailKind.PASSWORD_CHANGED, passwordChanged);
            return base.with(overrides);
        }

        private static void put(Map<MailKind, MailTemplate> overrides, MailKind kind, MailTemplate template) {
            if (template != null) {
                overrides.put(kind, template);
            }
        }
    }
}
