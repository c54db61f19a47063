package dev.latchkey.provider.email;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The subject and body of every {@link MailKind}: the bundled defaults, with any of them replaced
 * by the application. Immutable; every check runs when the templates are built, so a bad override
 * fails at start-up (as a {@code CONFIGURATION} error) rather than when the first mail goes out.
 *
 * <pre>{@code
 * MailTemplates templates = MailTemplates.defaults()
 *         .with(MailKind.CONFIRMATION, new MailTemplate("Welcome to {{appId}}", null));  // keeps the default body
 * }</pre>
 *
 * <p>Placeholders, written {@code {{name}}}:
 * <ul>
 *   <li>{@code {{email}}} the recipient's address, and {@code {{appId}}} the application's id: every kind;
 *   <li>{@code {{link}}} the confirmation or reset link, and {@code {{validMinutes}}} how long it
 *       works: {@link MailKind#CONFIRMATION} and {@link MailKind#RESET} only, whose body must contain
 *       {@code {{link}}} (without it the mail is useless).
 * </ul>
 * Any other {@code {{...}}} is refused, naming the kind and the placeholder. Rendering is a single
 * pass: a value that itself contains {@code {{...}}} is inserted as it is, never expanded. A subject
 * must not contain CR, LF or NUL, neither in the template nor once rendered (a line break would let a
 * value add mail headers).
 *
 * <p>The defaults are UTF-8 text resources in {@code dev/latchkey/provider/email/templates/}, one
 * per kind ({@code confirmation.txt}, {@code reset.txt}, {@code account-exists.txt},
 * {@code password-changed.txt}): a first line {@code Subject: ...}, one empty line, then the body.
 */
public final class MailTemplates {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([^{}]*)}}");
    private static final Set<String> NOTICE_PLACEHOLDERS = Set.of("email", "appId");
    private static final Set<String> LINK_PLACEHOLDERS = Set.of("email", "appId", "link", "validMinutes");
    private static final String SUBJECT_PREFIX = "Subject: ";
    private static final int MAX_SHOWN = 40;

    private final Map<MailKind, MailTemplate> templates;

    private MailTemplates(Map<MailKind, MailTemplate> templates) {
        EnumMap<MailKind, MailTemplate> checked = new EnumMap<>(MailKind.class);
        for (MailKind kind : MailKind.values()) {
            MailTemplate t = templates.get(kind);
            if (t == null || t.subject() == null || t.body() == null) {
                throw new IllegalArgumentException("mail template " + kind + ": a subject and a body are required");
            }
            check(kind, t);
            checked.put(kind, t);
        }
        this.templates = checked;
    }

    /**
     * The bundled templates.
     *
     * @return the defaults
     * @throws IllegalStateException when a bundled resource is missing or malformed (a broken jar)
     */
    public static MailTemplates defaults() {
        return Defaults.TEMPLATES;
    }

    /**
     * These templates with one kind replaced.
     *
     * @param kind which mail
     * @param override the new subject and body; a null component keeps this one's
     * @return new templates
     * @throws IllegalArgumentException naming the kind and the problem: an unknown placeholder, a
     *     subject with a line break, a blank subject or body, or a missing {@code {{link}}}
     */
    public MailTemplates with(MailKind kind, MailTemplate override) {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(override, "override");
        EnumMap<MailKind, MailTemplate> changed = new EnumMap<>(templates);
        MailTemplate current = templates.get(kind);
        changed.put(kind, new MailTemplate(override.subject() == null ? current.subject() : override.subject(),
                override.body() == null ? current.body() : override.body()));
        return new MailTemplates(changed);
    }

    /**
     * These templates with several kinds replaced, as a settings section binds them
     * ({@code {"RESET": {"subject": "..."}}}).
     *
     * @param overrides the replacements; null or empty changes nothing
     * @return new templates
     * @throws IllegalArgumentException as {@link #with(MailKind, MailTemplate)}
     */
    public MailTemplates with(Map<MailKind, MailTemplate> overrides) {
        MailTemplates result = this;
        if (overrides != null) {
            for (Map.Entry<MailKind, MailTemplate> e : overrides.entrySet()) {
                if (e.getKey() == null || e.getValue() == null) {
                    throw new IllegalArgumentException("mail templates: a kind without a template, or a template without a kind");
                }
                result = result.with(e.getKey(), e.getValue());
            }
        }
        return result;
    }

    /**
     * The template in force for a kind.
     *
     * @param kind which mail
     * @return its subject and body, with placeholders
     */
    public MailTemplate template(MailKind kind) {
        return templates.get(Objects.requireNonNull(kind, "kind"));
    }

    /**
     * The values a mail is rendered with. {@code link} and {@code valid} are needed by
     * {@link MailKind#CONFIRMATION} and {@link MailKind#RESET} only.
     *
     * @param email the recipient, as {@code {{email}}}
     * @param appId the application, as {@code {{appId}}}
     * @param link the confirmation or reset link, as {@code {{link}}}; a secret
     * @param valid how long the link works, as whole minutes in {@code {{validMinutes}}}
     */
    record Values(String email, String appId, String link, Duration valid) {
        Values {
            Objects.requireNonNull(email, "email");
            Objects.requireNonNull(appId, "appId");
        }

        /** Leaves out the link, which is a secret while it is valid. */
        @Override
        public String toString() {
            return "Values[email=" + email + ", appId=" + appId + ", valid=" + valid + "]";
        }
    }

    /**
     * Renders the mail of a kind.
     *
     * @param kind which mail
     * @param values what goes into the placeholders
     * @return the message to {@code values.email()}
     * @throws IllegalArgumentException when the kind needs a link and none is given, or the rendered
     *     subject contains CR, LF or NUL
     */
    MailMessage render(MailKind kind, Values values) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("email", values.email());
        v.put("appId", values.appId());
        if (needsLink(kind)) {
            if (values.link() == null || values.valid() == null) {
                throw new IllegalArgumentException("a " + kind + " mail needs a link and its lifetime");
            }
            v.put("link", values.link());
            v.put("validMinutes", Long.toString(values.valid().toMinutes()));
        }
        MailTemplate t = templates.get(kind);
        String subject = fill(t.subject(), v);
        if (SmtpSettings.hasLineBreakOrNul(subject)) {
            throw new IllegalArgumentException("the rendered subject of the " + kind + " mail contains CR, LF or NUL");
        }
        return new MailMessage(values.email(), subject, fill(t.body(), v));
    }

    /** One pass over the template: what a value brings in is never looked at again. */
    private static String fill(String template, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder(template.length() + 128);
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(values.get(m.group(1).strip())));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static void check(MailKind kind, MailTemplate t) {
        if (t.subject().isBlank() || t.body().isBlank()) {
            throw new IllegalArgumentException("mail template " + kind + ": the subject and the body must not be blank");
        }
        if (SmtpSettings.hasLineBreakOrNul(t.subject())) {
            throw new IllegalArgumentException("mail template " + kind + ": the subject must be one line (no CR, LF or NUL)");
        }
        Set<String> allowed = needsLink(kind) ? LINK_PLACEHOLDERS : NOTICE_PLACEHOLDERS;
        for (String part : new String[] {t.subject(), t.body()}) {
            Matcher m = PLACEHOLDER.matcher(part);
            while (m.find()) {
                String name = m.group(1).strip();
                if (!allowed.contains(name)) {
                    throw new IllegalArgumentException("mail template " + kind + ": unknown placeholder {{" + shown(name)
                            + "}} (a " + kind + " mail may use " + placeholders(kind) + ")");
                }
            }
        }
        if (needsLink(kind) && !containsPlaceholder(t.body(), "link")) {
            throw new IllegalArgumentException("mail template " + kind + ": the body must contain {{link}}, or the mail is of no use");
        }
    }

    private static boolean containsPlaceholder(String text, String name) {
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            if (m.group(1).strip().equals(name)) {
                return true;
            }
        }
        return false;
    }

    private static boolean needsLink(MailKind kind) {
        return kind == MailKind.CONFIRMATION || kind == MailKind.RESET;
    }

    private static String placeholders(MailKind kind) {
        return needsLink(kind) ? "{{email}}, {{appId}}, {{link}}, {{validMinutes}}" : "{{email}}, {{appId}}";
    }

    /** A name from an override, kept short and on one line in a message. */
    private static String shown(String name) {
        String one = name.replaceAll("\\p{Cntrl}", "?");
        return one.length() > MAX_SHOWN ? one.substring(0, MAX_SHOWN) + "..." : one;
    }

    /** The bundled templates, read once. */
    private static final class Defaults {
        static final MailTemplates TEMPLATES = load();

        private static MailTemplates load() {
            EnumMap<MailKind, MailTemplate> loaded = new EnumMap<>(MailKind.class);
            for (MailKind kind : MailKind.values()) {
                loaded.put(kind, resource(kind.name().toLowerCase(Locale.ROOT).replace('_', '-') + ".txt"));
            }
            return new MailTemplates(loaded);
        }

        private static MailTemplate resource(String name) {
            String text;
            try (InputStream in = MailTemplates.class.getResourceAsStream("templates/" + name)) {
                if (in == null) {
                    throw new IllegalStateException("the bundled mail template templates/" + name + " is missing");
                }
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the bundled mail template " + name, e);
            }
            int end = text.indexOf('\n');
            if (!text.startsWith(SUBJECT_PREFIX) || end < 0 || !text.startsWith("\n", end + 1)) {
                throw new IllegalStateException("the bundled mail template " + name
                        + " must start with a 'Subject: ' line and an empty line");
            }
            return new MailTemplate(text.substring(SUBJECT_PREFIX.length(), end).strip(), text.substring(end + 2));
        }
    }
}
