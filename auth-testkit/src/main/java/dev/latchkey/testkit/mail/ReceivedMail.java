package dev.latchkey.testkit.mail;

import dev.latchkey.testkit.log.TestSecrets;
import jakarta.mail.Address;
import jakarta.mail.Header;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A mail as a {@link FakeMailbox} received it, decoded: the subject from RFC 2047 words, the body
 * from its transfer encoding and charset, so a test compares plain text.
 *
 * <pre>{@code
 * ReceivedMail mail = mailbox.awaitMessageTo("ann@example.com", Duration.ofSeconds(5));
 * String token = mail.link("https://app.example.com/confirm").queryParameter("token");
 * }</pre>
 *
 * <p>{@link #toString()} shows the sender, recipients and subject but not the body: a body usually
 * holds a confirmation or reset link, and this value ends up in assertion messages.
 *
 * @param from the {@code From} header, decoded, e.g. {@code "My App <no-reply@example.com>"}
 * @param to the addresses of the {@code To} header
 * @param subject the subject, decoded
 * @param body the text of the body (the first {@code text/plain} part of a multipart mail), decoded
 * @param headers every header as it arrived (encoded), by name in arrival order; look one up with {@link #header(String)}
 */
public record ReceivedMail(String from, List<String> to, String subject, String body, Map<String, List<String>> headers) {
    /** A URL in running text: up to white space, angle brackets or quotes. */
    private static final Pattern URL = Pattern.compile("https?://[^\\s<>\"']+");
    /** Sentence punctuation right after a URL belongs to the sentence, not the URL. */
    private static final String TRAILING = ".,;:!?)]}";

    /**
     * Copies the lists, so the record is immutable.
     *
     * @param from see the record description
     * @param to see the record description
     * @param subject see the record description
     * @param body see the record description
     * @param headers see the record description
     */
    public ReceivedMail {
        to = List.copyOf(to);
        Map<String, List<String>> copy = new LinkedHashMap<>();
        headers.forEach((name, values) -> copy.put(name, List.copyOf(values)));
        headers = Collections.unmodifiableMap(copy);
    }

    /**
     * Reads a received message.
     *
     * @param message what GreenMail stored
     * @return the decoded mail
     * @throws IllegalStateException when the message cannot be read
     */
    static ReceivedMail of(MimeMessage message) {
        try {
            Address[] fromAddresses = message.getFrom();
            String from = fromAddresses == null || fromAddresses.length == 0 ? null : fromAddresses[0].toString();
            List<String> to = new ArrayList<>();
            Address[] recipients = message.getRecipients(Message.RecipientType.TO);
            if (recipients != null) {
                for (Address a : recipients) {
                    to.add(a instanceof jakarta.mail.internet.InternetAddress ia ? ia.getAddress() : a.toString());
                }
            }
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (Enumeration<Header> e = message.getAllHeaders(); e.hasMoreElements(); ) {
                Header h = e.nextElement();
                headers.computeIfAbsent(h.getName(), k -> new ArrayList<>()).add(h.getValue());
            }
            return new ReceivedMail(from, to, message.getSubject(), text(message), headers);
        } catch (MessagingException | IOException e) {
            throw new IllegalStateException("the fake mailbox cannot read a received message (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    private static String text(Part part) throws MessagingException, IOException {
        if (part.isMimeType("text/*")) {
            Object content = part.getContent();
            return content instanceof String s ? s : new String(part.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
        if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            String firstText = null;
            for (int i = 0; i < multipart.getCount(); i++) {
                Part p = multipart.getBodyPart(i);
                if (p.isMimeType("text/plain")) {
                    return text(p);
                }
                if (firstText == null && (p.isMimeType("text/*") || p.isMimeType("multipart/*"))) {
                    firstText = text(p);
                }
            }
            return firstText == null ? "" : firstText;
        }
        return "";
    }

    /**
     * The first value of a header, whatever the case of its name.
     *
     * @param name e.g. {@code "Content-Type"}
     * @return the value as it arrived (not decoded)
     */
    public Optional<String> header(String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                return Optional.of(e.getValue().get(0));
            }
        }
        return Optional.empty();
    }

    /**
     * Every http and https URL in the body, in order.
     *
     * @return the links
     */
    public List<Link> links() {
        List<Link> links = new ArrayList<>();
        Matcher m = URL.matcher(body);
        while (m.find()) {
            String url = m.group();
            while (!url.isEmpty() && TRAILING.indexOf(url.charAt(url.length() - 1)) >= 0) {
                url = url.substring(0, url.length() - 1);
            }
            links.add(new Link(url));
        }
        return links;
    }

    /**
     * The first link in the body that starts with a prefix.
     *
     * @param urlPrefix e.g. {@code "https://app.example.com/confirm"}
     * @return the link
     * @throws AssertionError when there is none; it names the links there are, without their queries
     */
    public Link link(String urlPrefix) {
        Objects.requireNonNull(urlPrefix, "urlPrefix");
        List<Link> links = links();
        for (Link l : links) {
            if (l.url().startsWith(urlPrefix)) {
                return l;
            }
        }
        List<String> shown = new ArrayList<>();
        for (Link l : links) {
            shown.add(l.withoutQuery());
        }
        throw new AssertionError("no link starting with " + urlPrefix + " in the mail to " + to + " (subject \"" + subject
                + "\"); links found (queries left out): " + shown);
    }

    /** The sender, recipients and subject, and the size of the body, which is not shown. */
    @Override
    public String toString() {
        return "ReceivedMail[from=" + from + ", to=" + to + ", subject=" + subject + ", body=(" + body.length() + " chars)]";
    }

    /**
     * A link from a mail's body.
     *
     * @param url the URL as written in the mail
     */
    public record Link(String url) {
        /**
         * Checks the URL is there.
         *
         * @param url see the record description
         */
        public Link {
            Objects.requireNonNull(url, "url");
            // A confirmation or reset link's token is a secret: every test after it reads the mail is scanned for it.
            int q = url.indexOf('?');
            if (q >= 0) {
                for (String pair : url.substring(q + 1).split("[&#]")) {
                    if (pair.startsWith("token=")) {
                        TestSecrets.register("the token of a mailed link", decode(pair.substring("token=".length())));
                    }
                }
            }
        }

        /**
         * The URL as a {@link URI}.
         *
         * @return the URI
         * @throws IllegalArgumentException when the text is not a valid URI
         */
        public URI uri() {
            return URI.create(url);
        }

        /**
         * Every query parameter, names and values URL-decoded (UTF-8, {@code +} as a space), in order.
         *
         * @return name to values; empty when there is no query
         */
        public Map<String, List<String>> queryParameters() {
            Map<String, List<String>> parameters = new LinkedHashMap<>();
            int q = url.indexOf('?');
            if (q < 0) {
                return parameters;
            }
            int hash = url.indexOf('#', q);
            String query = hash < 0 ? url.substring(q + 1) : url.substring(q + 1, hash);
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                parameters.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            }
            return parameters;
        }

        /**
         * The first value of a query parameter, URL-decoded.
         *
         * @param name e.g. {@code "token"}
         * @return the value
         * @throws AssertionError when the link has no such parameter; it names the ones it has
         */
        public String queryParameter(String name) {
            List<String> values = queryParameters().get(name);
            if (values == null) {
                throw new AssertionError("the link " + withoutQuery() + " has no query parameter '" + name
                        + "' (it has " + queryParameters().keySet() + ")");
            }
            return values.get(0);
        }

        /**
         * The link without its query and fragment, for messages that must not show a token.
         *
         * @return scheme, host and path
         */
        public String withoutQuery() {
            int end = url.length();
            for (char c : new char[] {'?', '#'}) {
                int i = url.indexOf(c);
                if (i >= 0 && i < end) {
                    end = i;
                }
            }
            return url.substring(0, end) + (end < url.length() ? "?..." : "");
        }

        @Override
        public String toString() {
            return url;
        }

        private static String decode(String s) {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        }
    }
}
